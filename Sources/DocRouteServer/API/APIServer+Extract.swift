import DocRoute
import DocRouteModel
import Foundation
import Hummingbird
import MultipartKit
import NIOCore

extension APIServer {
    /// One part of a multipart body: its form field name, file name, and bytes.
    struct Part {
        var name: String?
        var filename: String?
        var body: ByteBuffer
    }

    /// The parts of a multipart/form-data body.
    static func parts(_ body: ByteBuffer, boundary: String) throws -> [Part] {
        let parser = MultipartParser(boundary: boundary)
        var parts: [Part] = []
        var current = Part(body: ByteBuffer())
        parser.onHeader = { name, value in
            guard name.lowercased() == "content-disposition" else { return }
            current.name = Self.parameter("name", of: value)
            current.filename = Self.parameter("filename", of: value)
        }
        parser.onBody = { chunk in current.body.writeBuffer(&chunk) }
        parser.onPartComplete = {
            parts.append(current)
            current = Part(body: ByteBuffer())
        }
        do { try parser.execute(body) } catch {
            throw APIError(.badRequest, code: "bad_request", "the multipart body cannot be read: \(error)")
        }
        return parts
    }

    /// A parameter of a header value (`form-data; name="file"; filename="a.pdf"`).
    static func parameter(_ key: String, of value: String) -> String? {
        for item in value.split(separator: ";") {
            let kv = item.trimmingCharacters(in: .whitespaces)
            guard kv.lowercased().hasPrefix(key + "=") else { continue }
            let v = String(kv.dropFirst(key.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return v.isEmpty ? nil : v
        }
        return nil
    }

    /// `POST /v1/extract`: reads the document now and answers its records.
    func extract(_ request: Request, context: ServerContext) async throws -> Response {
        let submission = try await submission(request)
        if submission.callback != nil {
            throw APIError(.badRequest, code: "bad_request", "callback_url is for POST /v1/jobs")
        }
        let processor = try pipelines.processor(submission.pipeline)
        return Self.recordsBody(try await Self.records(of: submission.input, with: processor, metrics: metrics))
    }

    /// The records of `input` (uploaded bytes are read from a private file), counted in `metrics`.
    static func records(
        of input: Submission.Input, with processor: any DocumentProcessor, metrics: ServeMetrics?
    ) async throws -> [Record] {
        let start = ContinuousClock.now
        let records =
            switch input {
            case .bytes(let bytes, let name): try await read(bytes, named: name, with: processor)
            case .path(let path): await processor.records(of: path)
            }
        metrics?.seconds.record((ContinuousClock.now - start) / .seconds(1))
        for record in records { metrics?.record(status: record.status.rawValue) }
        return records
    }

    /// Writes `bytes` to a private file named like the upload (its extension kept), reads it,
    /// and names the records after the upload.
    static func read(_ bytes: Data, named name: String, with processor: any DocumentProcessor) async throws -> [Record]
    {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("docroute-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let safe = (name as NSString).lastPathComponent.replacingOccurrences(of: "/", with: "_")
        let file = dir.appendingPathComponent(safe.isEmpty || safe.hasPrefix(".") ? "upload" : safe)
        try bytes.write(to: file)
        var records = await processor.records(of: file.path)
        for i in records.indices { records[i].source.path = name }
        return records
    }

    /// The boundary of a multipart content type.
    static func boundary(_ type: String) -> String? { parameter("boundary", of: type) }
}
