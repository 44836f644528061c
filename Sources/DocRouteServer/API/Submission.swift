import Foundation
import Hummingbird
import NIOCore

/// What a `POST /v1/extract` or `POST /v1/jobs` asks for: a document (uploaded bytes, or a path
/// under a folder the server may read), the pipeline (nil: the default), and for a job, the URL
/// to call with its records.
public struct Submission: Sendable {
    public enum Input: Sendable {
        case bytes(Data, name: String)
        case path(String)
    }
    public var input: Input
    public var pipeline: String?
    public var callback: String?

    /// The document's name as records carry it (`source.path`).
    public var name: String {
        switch input {
        case .bytes(_, let name): name
        case .path(let path): path
        }
    }
}

extension APIServer {
    /// A JSON request naming a file on the server (under one of `Settings.readable`).
    struct Named: Decodable {
        var path: String
        var pipeline: String?
        var callback: String?

        enum CodingKeys: String, CodingKey {
            case path, pipeline
            case callback = "callback_url"
        }
    }

    /// Reads a submission from a multipart body (parts `file`, `pipeline`, `callback_url`) or a
    /// JSON one (`path`, `pipeline`, `callback_url`); `?pipeline=` names the pipeline of either.
    func submission(_ request: Request) async throws -> Submission {
        // A body announced as too large is refused before it is read.
        if let length = request.headers[.contentLength].flatMap(Int.init), length > settings.maxBodyBytes {
            throw ErrorMiddleware<ServerContext>.tooLarge
        }
        var request = request
        let body = try await request.collectBody(upTo: settings.maxBodyBytes)
        let type = request.headers[.contentType] ?? ""
        let pipeline = request.uri.queryParameters["pipeline"].map(String.init)
        if type.lowercased().hasPrefix("multipart/form-data") {
            guard let boundary = Self.boundary(type) else {
                throw APIError(.badRequest, code: "bad_request", "multipart/form-data without a boundary")
            }
            let parts = try Self.parts(body, boundary: boundary)
            guard let file = parts.first(where: { $0.name == "file" }) else {
                throw APIError(.badRequest, code: "bad_request", "no part named file in the multipart body")
            }
            func text(_ name: String) -> String? {
                parts.first(where: { $0.name == name }).map { String(buffer: $0.body) }
            }
            return Submission(
                input: .bytes(Data(buffer: file.body), name: file.filename ?? "upload"),
                pipeline: text("pipeline") ?? pipeline, callback: text("callback_url"))
        }
        guard type.lowercased().hasPrefix("application/json") else {
            throw APIError(
                .unsupportedMediaType, code: "bad_request",
                "send multipart/form-data (a file) or application/json (a path)")
        }
        let named = try JSONDecoder().decode(Named.self, from: body)
        let url = URL(fileURLWithPath: named.path).standardizedFileURL.resolvingSymlinksInPath()
        guard
            settings.readable.contains(where: {
                url.path.hasPrefix($0.standardizedFileURL.resolvingSymlinksInPath().path + "/")
            })
        else {
            throw APIError(.forbidden, code: "forbidden", "\(named.path) is not under a folder this server may read")
        }
        return Submission(input: .path(url.path), pipeline: named.pipeline ?? pipeline, callback: named.callback)
    }
}
