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

    /// A JSON request naming a file on the server (under one of `Settings.readable`).
    struct Named: Decodable {
        var path: String
        var pipeline: String?
    }

    /// `POST /v1/extract`: reads the document now and answers its records.
    func extract(_ request: Request, context: ServerContext) async throws -> Response {
        // A body announced as too large is refused before it is read.
        if let length = request.headers[.contentLength].flatMap(Int.init), length > settings.maxBodyBytes {
            throw ErrorMiddleware<ServerContext>.tooLarge
        }
        var request = request
        let body = try await request.collectBody(upTo: settings.maxBodyBytes)
        let type = request.headers[.contentType] ?? ""
        var pipeline = request.uri.queryParameters["pipeline"].map(String.init)
        if type.lowercased().hasPrefix("multipart/form-data") {
            guard let boundary = Self.boundary(type) else {
                throw APIError(.badRequest, code: "bad_request", "multipart/form-data without a boundary")
            }
            let parts = try Self.parts(body, boundary: boundary)
            guard let file = parts.first(where: { $0.name == "file" }) else {
                throw APIError(.badRequest, code: "bad_request", "no part named file in the multipart body")
            }
            if let named = parts.first(where: { $0.name == "pipeline" }) { pipeline = String(buffer: named.body) }
            let processor = try pipelines.processor(pipeline)
            return Self.recordsBody(
                try await Self.read(Data(buffer: file.body), named: file.filename ?? "upload", with: processor))
        }
        guard type.lowercased().hasPrefix("application/json") else {
            throw APIError(
                .unsupportedMediaType, code: "bad_request",
                "send multipart/form-data (a file) or application/json (a path)")
        }
        let named = try JSONDecoder().decode(Named.self, from: body)
        let processor = try pipelines.processor(named.pipeline ?? pipeline)
        let url = URL(fileURLWithPath: named.path).standardizedFileURL.resolvingSymlinksInPath()
        guard
            settings.readable.contains(where: {
                url.path.hasPrefix($0.standardizedFileURL.resolvingSymlinksInPath().path + "/")
            })
        else {
            throw APIError(.forbidden, code: "forbidden", "\(named.path) is not under a folder this server may read")
        }
        let records = await processor.records(of: url.path)
        return Self.recordsBody(records)
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
