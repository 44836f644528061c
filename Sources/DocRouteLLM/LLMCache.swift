import Crypto
import DocRouteModel
import Foundation

/// Answers kept on disk, one JSON file per request, keyed by SHA-256 of (model, messages,
/// schema, token cap): a re-run of the same document with the same pipeline and model makes no
/// HTTP call. Files are written atomically; an unreadable one counts as absent.
public struct LLMCache: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// `$DOCROUTE_CACHE/llm`, else `~/.cache/docroute/llm`.
    public static var defaultDirectory: URL {
        let env = ProcessInfo.processInfo.environment
        let root =
            env["DOCROUTE_CACHE"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/docroute")
        return root.appendingPathComponent("llm")
    }

    static func key(model: String, request: LLMRequest) -> String {
        let material = JSONValue.object([
            "model": .string(model),
            "messages": .array(
                request.messages.map { .object(["role": .string($0.role), "content": .string($0.content)]) }),
            "schema_name": .string(request.schemaName),
            "schema": request.schema,
            "max_tokens": .number(Double(request.maxTokens)),
        ]).text
        return SHA256.hash(data: Data(material.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    func file(_ key: String) -> URL {
        directory.appendingPathComponent(String(key.prefix(2))).appendingPathComponent(key + ".json")
    }

    func answer(model: String, request: LLMRequest) -> LLMAnswer? {
        guard let data = try? Data(contentsOf: file(Self.key(model: model, request: request))),
            var answer = try? JSONDecoder().decode(LLMAnswer.self, from: data)
        else { return nil }
        answer.cached = true
        return answer
    }

    func store(_ answer: LLMAnswer, model: String, request: LLMRequest) {
        let target = file(Self.key(model: model, request: request))
        guard let data = try? JSONEncoder().encode(answer) else { return }
        let dir = target.deletingLastPathComponent()
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let temp = dir.appendingPathComponent(".\(UUID().uuidString).tmp")
        do {
            try data.write(to: temp)
            // rename(2) replaces the target atomically (FileManager.replaceItemAt needs one).
            if rename(temp.path, target.path) != 0 { try? FileManager.default.removeItem(at: temp) }
        } catch {
            try? FileManager.default.removeItem(at: temp)
        }
    }
}

/// A backend whose answers are cached in an `LLMCache`. Only answers that parse as a JSON
/// object are kept, so a garbled answer is asked again next time.
public struct CachedLLMBackend: LLMBackend {
    public let backend: any LLMBackend
    public let cache: LLMCache
    public var model: String { backend.model }

    public init(_ backend: any LLMBackend, cache: LLMCache) {
        self.backend = backend; self.cache = cache
    }

    public func complete(_ request: LLMRequest, requests: inout Int) throws(LLMError) -> LLMAnswer {
        if let hit = cache.answer(model: model, request: request) { return hit }
        let answer = try backend.complete(request, requests: &requests)
        if (try? answer.object()) != nil { cache.store(answer, model: model, request: request) }
        return answer
    }
}
