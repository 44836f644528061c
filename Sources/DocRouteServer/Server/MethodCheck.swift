import Hummingbird

/// Answers 405 `method_not_allowed`, with `Allow`, for a path the API has but not with the
/// request's method (Hummingbird's router answers 404 for both).
struct MethodCheck<Context: RequestContext>: RouterMiddleware {
    /// Each route's path pattern (`{name}` matches one segment) and methods.
    let routes: [(pattern: String, methods: [HTTPRequest.Method])]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let path = request.uri.path.split(separator: "/", omittingEmptySubsequences: false)
            let methods = routes.filter { Self.matches($0.pattern, path) }.flatMap(\.methods)
            guard !methods.isEmpty, !methods.contains(request.method) else { throw error }
            let allow = methods.map(\.rawValue).joined(separator: ", ")
            var refusal = APIError(
                .methodNotAllowed, code: "method_not_allowed", "\(request.uri.path) takes \(allow)")
            refusal.headers[.allow] = allow
            throw refusal
        }
    }

    static func matches(_ pattern: String, _ path: [Substring]) -> Bool {
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == path.count else { return false }
        return zip(parts, path).allSatisfy { p, s in p.hasPrefix("{") ? !s.isEmpty : p == s }
    }
}
