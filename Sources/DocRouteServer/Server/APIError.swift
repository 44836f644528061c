import Foundation
import Hummingbird
import NIOCore

/// A request the API refuses: an HTTP status and a body `{"error": {"code", "message"}}`, whose
/// codes are those of records where one fits (`limit_exceeded`, `io`, …).
public struct APIError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, code: String, _ message: String) {
        self.status = status; self.code = code; self.message = message
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json"
        let body = ErrorBody(error: .init(code: code, message: message))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(
            status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(body))))
    }

    struct ErrorBody: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
        }
        var error: Detail
    }
}

/// Turns every error a route throws into an `APIError` response: Hummingbird's own (a body over
/// the limit: 413 `limit_exceeded`), and anything else as 500 `internal`.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            throw APIError(error.status, code: Self.code(error.status), error.body ?? error.status.reasonPhrase)
        } catch is NIOTooManyBytesError {
            throw Self.tooLarge
        } catch let error as DecodingError {
            throw APIError(.badRequest, code: "bad_request", "the request body cannot be read: \(error)")
        } catch {
            throw APIError(.internalServerError, code: "internal", "\(error)")
        }
    }

    static var tooLarge: APIError {
        APIError(.contentTooLarge, code: "limit_exceeded", "the request body is larger than this server takes")
    }

    static func code(_ status: HTTPResponse.Status) -> String {
        switch status {
        case .contentTooLarge: "limit_exceeded"
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .unauthorized: "unauthorized"
        case .tooManyRequests: "rate_limited"
        default: status.code < 500 ? "bad_request" : "internal"
        }
    }
}
