import Foundation
import Hummingbird
import Synchronization

/// A token bucket per client (its bearer token, else its address): `rate` requests a second on
/// average, `burst` at once; past that, 429 `rate_limited` with `Retry-After`. `/healthz` and
/// `/metrics` are not counted.
final class RateLimit<Context: RemoteAddressRequestContext>: RouterMiddleware, Sendable {
    struct Bucket {
        var tokens: Double
        var at: Double
    }

    let rate: Double
    let burst: Double
    let open: Set<String>
    private let buckets = Mutex<[String: Bucket]>([:])

    init(rate: Double, burst: Int, open: Set<String>) {
        self.rate = rate; self.burst = Double(max(1, burst)); self.open = open
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard rate > 0, !open.contains(request.uri.path) else { return try await next(request, context) }
        let key =
            BearerAuth<Context>.token(request).map { "token:" + $0 }
            ?? "address:\(context.remoteAddress?.ipAddress ?? "?")"
        let now = Date().timeIntervalSince1970
        let wait: Double? = buckets.withLock { all in
            // Forget idle clients now and then, so the table stays as small as the active set.
            if all.count > 10_000 { all = all.filter { now - $0.value.at < burst / rate } }
            var b = all[key] ?? Bucket(tokens: burst, at: now)
            b.tokens = min(burst, b.tokens + (now - b.at) * rate)
            b.at = now
            defer { all[key] = b }
            guard b.tokens >= 1 else { return (1 - b.tokens) / rate }
            b.tokens -= 1
            return nil
        }
        if let wait {
            var error = APIError(
                .tooManyRequests, code: "rate_limited", "too many requests: retry in \(Int(wait.rounded(.up))) s")
            error.headers[.retryAfter] = String(Int(wait.rounded(.up)))
            throw error
        }
        return try await next(request, context)
    }
}
