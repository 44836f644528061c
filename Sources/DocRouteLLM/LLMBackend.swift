import DocRouteModel
import Foundation

/// A chat model that answers one request with JSON text. DocRoute's LLM strategies call it for
/// the fields cheaper strategies could not fill; `OpenAIBackend` is the one shipped.
///
/// `complete` blocks its thread until the answer (or a typed error) is there: the pipeline
/// calls it from its worker threads, never from an event loop or a Swift concurrency task.
public protocol LLMBackend: Sendable {
    /// The model's name as the server knows it (recorded in `versions.llm_model`).
    var model: String { get }
    /// The answer to `request`; `requests` counts the HTTP requests sent (retries included),
    /// also when it throws.
    func complete(_ request: LLMRequest, requests: inout Int) throws(LLMError) -> LLMAnswer
}

extension LLMBackend {
    /// The answer to `request`.
    public func complete(_ request: LLMRequest) throws(LLMError) -> LLMAnswer {
        var requests = 0
        return try complete(request, requests: &requests)
    }
}

/// One chat request whose answer must be a JSON object following `schema`.
public struct LLMRequest: Sendable, Hashable {
    public var messages: [LLMMessage]
    /// A short name for the schema (OpenAI's `json_schema.name`).
    public var schemaName: String
    public var schema: JSONValue
    public var maxTokens: Int

    public init(messages: [LLMMessage], schemaName: String, schema: JSONValue, maxTokens: Int) {
        self.messages = messages; self.schemaName = schemaName; self.schema = schema; self.maxTokens = maxTokens
    }
}

/// A chat message: `system`, `user` or `assistant`.
public struct LLMMessage: Sendable, Hashable, Codable {
    public var role: String
    public var content: String

    public init(role: String, content: String) { self.role = role; self.content = content }
}

/// A model's answer: its text (expected to hold a JSON object), what it cost, and whether it
/// came from the cache.
public struct LLMAnswer: Sendable, Hashable, Codable {
    public var content: String
    public var usage: LLMUsage
    public var cached: Bool

    public init(content: String, usage: LLMUsage, cached: Bool = false) {
        self.content = content; self.usage = usage; self.cached = cached
    }

    /// The JSON object in the answer: code fences and text around the outermost braces are
    /// dropped (small models wrap JSON in Markdown). Empty or non-object answers are typed errors.
    public func object() throws(LLMError) -> [String: JSONValue] {
        var s = content.trimmingCharacters(in: .whitespacesAndNewlines)
        if s.hasPrefix("```") {
            s = String(s.drop { $0 != "\n" })
            if let end = s.range(of: "```", options: .backwards) { s = String(s[..<end.lowerBound]) }
        }
        s = s.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !s.isEmpty else { throw .emptyAnswer }
        if let open = s.firstIndex(of: "{"), let close = s.lastIndex(of: "}"), open < close,
            let value = JSONValue.parse(String(s[open...close])), case .object(let o) = value
        {
            return o
        }
        if let o = Self.completedMembers(s), !o.isEmpty { return o }
        guard let open = s.firstIndex(of: "{"), let close = s.lastIndex(of: "}"), open < close else {
            throw .invalidJSON("no JSON object in the answer: \(LLMError.excerpt(s))")
        }
        throw .invalidJSON("the answer is not valid JSON: \(LLMError.excerpt(s))")
    }

    /// The members of an object that was cut off (the model ran into its token cap, often
    /// repeating itself inside a string): everything before the last top-level comma, closed.
    /// Nil when the text is not the start of an object or no member is complete.
    static func completedMembers(_ s: String) -> [String: JSONValue]? {
        guard let open = s.firstIndex(of: "{") else { return nil }
        var depth = 0, inString = false, escaped = false
        var cut: String.Index?
        var i = open
        while i < s.endIndex {
            let c = s[i]
            if inString {
                if escaped {
                    escaped = false
                } else if c == "\\" {
                    escaped = true
                } else if c == "\"" {
                    inString = false
                }
            } else {
                switch c {
                case "\"": inString = true
                case "{", "[": depth += 1
                case "}", "]":
                    depth -= 1
                    if depth == 0 { return nil }  // complete, so not cut off: it was invalid
                case "," where depth == 1: cut = i
                default: break
                }
            }
            i = s.index(after: i)
        }
        guard let cut, let value = JSONValue.parse(String(s[open..<cut]) + "}"), case .object(let o) = value else {
            return nil
        }
        return o
    }
}
