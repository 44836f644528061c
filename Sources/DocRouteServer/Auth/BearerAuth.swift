import Crypto
import Foundation
import Hummingbird

/// Requires `Authorization: Bearer <token>` with one of `tokens` on every path but `open` ones
/// (`/healthz`, `/metrics`, `/openapi.json`); 401 `unauthorized` otherwise. No tokens: no check.
struct BearerAuth<Context: RequestContext>: RouterMiddleware {
    /// SHA-256 digests of the tokens: compared without leaking their length or first bytes.
    let digests: Set<Data>
    let open: Set<String>

    init(tokens: Set<String>, open: Set<String>) {
        digests = Set(tokens.map { Data(SHA256.hash(data: Data($0.utf8))) })
        self.open = open
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard !digests.isEmpty, !open.contains(request.uri.path) else { return try await next(request, context) }
        guard let token = Self.token(request), digests.contains(Data(SHA256.hash(data: Data(token.utf8)))) else {
            var error = APIError(.unauthorized, code: "unauthorized", "a valid bearer token is needed")
            error.headers[.wwwAuthenticate] = "Bearer"
            throw error
        }
        return try await next(request, context)
    }

    /// The bearer token of `request`, if it has one.
    static func token(_ request: Request) -> String? {
        guard let value = request.headers[.authorization], value.lowercased().hasPrefix("bearer ") else { return nil }
        let token = value.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
