import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import NIOCore

/// Posts a finished job to its `callback_url`: the body `GET /v1/jobs/{id}` would answer,
/// signed `X-DocRoute-Signature: sha256=<hex HMAC-SHA256 of the body under the secret>`, and
/// sent again after doubling delays until the receiver answers 2xx, refuses it (a 4xx other
/// than 408 and 429), or the attempts run out.
public struct Callbacks: Sendable {
    /// How one callback ended.
    public enum Outcome: String, Sendable {
        case delivered, refused, failed
    }

    public var attempts = 8
    public var firstDelay: Duration = .seconds(1)
    public var maxDelay: Duration = .seconds(60)
    public var timeout: TimeAmount = .seconds(10)
    let secret: Data
    let client: HTTPClient
    let logger: Logger

    public init(secret: Data, client: HTTPClient = .shared, logger: Logger = Logger(label: "docroute.callbacks")) {
        self.secret = secret; self.client = client; self.logger = logger
    }

    /// `sha256=` and the hex HMAC-SHA256 of `body` under `secret`: what a receiver recomputes.
    public static func signature(_ body: Data, secret: Data) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Throws a 400 unless `url` is an absolute http or https URL with a host.
    static func check(_ url: String) throws {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = parts.host, !host.isEmpty
        else {
            throw APIError(.badRequest, code: "bad_request", "callback_url must be an http or https URL")
        }
    }

    /// How one attempt went.
    public enum Answer: Sendable, Hashable {
        /// 2xx.
        case taken
        /// A 4xx other than 408 and 429: sending it again would not change the answer.
        case refused(String)
        /// No answer, a 5xx, 408 or 429: worth sending again.
        case notTaken(String)
    }

    /// The wait before attempt `attempt + 1`: `firstDelay`, doubled each time, at most `maxDelay`.
    public func delay(after attempt: Int) -> Duration {
        var delay = firstDelay
        for _ in 1..<max(1, attempt) where delay < maxDelay { delay *= 2 }
        return min(delay, maxDelay)
    }

    /// Sends `job` to `url` until it is taken, refused, or the attempts run out. Every attempt
    /// carries the same `X-DocRoute-Delivery`, so a receiver can drop one it has seen.
    public func deliver(_ job: JobStatus, to url: String) async -> Outcome {
        let body = Data(job.json().utf8)
        let delivery = UUID().uuidString
        for attempt in 1...max(1, attempts) {
            switch await send(body, to: url, job: job.id, delivery: delivery, attempt: attempt) {
            case .taken: return .delivered
            case .refused: return .refused
            case .notTaken:
                guard attempt < attempts else { break }
                try? await Task.sleep(for: delay(after: attempt))
            }
        }
        logger.warning("callback given up", metadata: ["job": "\(job.id)", "attempts": "\(attempts)"])
        return .failed
    }

    /// One attempt: `body` posted to `url`, signed, with the job's id, the delivery's id and the
    /// attempt's number in headers.
    public func send(_ body: Data, to url: String, job: String, delivery: String, attempt: Int) async -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "docroute")
        request.headers.add(name: "X-DocRoute-Signature", value: Self.signature(body, secret: secret))
        request.headers.add(name: "X-DocRoute-Job", value: job)
        request.headers.add(name: "X-DocRoute-Delivery", value: delivery)
        request.headers.add(name: "X-DocRoute-Attempt", value: String(attempt))
        request.body = .bytes(ByteBuffer(bytes: body))
        let why: String
        do {
            let response = try await client.execute(request, timeout: timeout)
            _ = try? await response.body.collect(upTo: 1 << 16)
            let code = Int(response.status.code)
            if (200..<300).contains(code) { return .taken }
            if (400..<500).contains(code), code != 408, code != 429 {
                logger.warning("callback refused", metadata: ["job": "\(job)", "status": "\(code)"])
                return .refused("HTTP \(code)")
            }
            why = "HTTP \(code)"
        } catch {
            why = "\(error)"
        }
        logger.info("callback not taken", metadata: ["job": "\(job)", "attempt": "\(attempt)", "why": "\(why)"])
        return .notTaken(why)
    }
}
