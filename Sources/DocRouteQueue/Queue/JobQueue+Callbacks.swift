import Foundation
import PostgresNIO

extension JobQueue {
    /// A finished job's callback, as a sender holds it for one attempt.
    public struct Callback: Sendable, Hashable {
        public var id: Int64
        public var job: Int64
        public var url: String
        /// The same on every attempt.
        public var delivery: String
        /// 1 on the first attempt.
        public var attempt: Int
    }

    /// How an attempt at a callback ended.
    public enum CallbackOutcome: Sendable, Hashable {
        /// The receiver took it (2xx).
        case delivered
        /// The receiver refused it (a 4xx that asking again would not change), or it was given up.
        case refused(String)
        case failed(String)
        /// Send it again once `after` has passed.
        case retry(after: Duration, String)
    }

    /// The callback due longest, held by the caller for `lease` (another sender takes it when
    /// that runs out first); nil when none is due. Senders claiming at the same moment skip
    /// each other's callbacks.
    public func claimCallback(lease: Duration) async throws -> Callback? {
        let rows = try await client.query(
            """
            UPDATE docroute_callbacks SET attempts = attempts + 1, next_at = now() + make_interval(secs => \(lease.seconds))
            WHERE id = (
                SELECT id FROM docroute_callbacks WHERE state = 'pending' AND next_at <= now()
                ORDER BY next_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id, job_id, url, delivery::text, attempts
            """, logger: logger)
        for try await (id, job, url, delivery, attempt) in rows.decode((Int64, Int64, String, String, Int).self) {
            return Callback(id: id, job: job, url: url, delivery: delivery, attempt: attempt)
        }
        return nil
    }

    /// Writes how `callback`'s attempt ended; nothing when its lease had run out and another
    /// sender has taken it since (that sender's word counts). True when written.
    @discardableResult
    public func settle(_ callback: Callback, _ outcome: CallbackOutcome) async throws -> Bool {
        let state: String
        var error: String? = nil
        var delay = 0.0
        switch outcome {
        case .delivered: state = "delivered"
        case .refused(let why): (state, error) = ("refused", why)
        case .failed(let why): (state, error) = ("failed", why)
        case .retry(let after, let why):
            (state, error) = ("pending", why)
            delay = after.seconds
        }
        let rows = try await client.query(
            """
            UPDATE docroute_callbacks SET state = \(state), error = \(error)::text,
                next_at = now() + make_interval(secs => \(delay)),
                finished_at = CASE WHEN \(state) = 'pending' THEN NULL ELSE now() END
            WHERE id = \(callback.id) AND attempts = \(callback.attempt) AND state = 'pending'
            RETURNING id
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }

    /// How many callbacks are in each state (`pending`, `delivered`, `refused`, `failed`).
    public func callbackCounts() async throws -> [String: Int] {
        let rows = try await client.query(
            "SELECT state, count(*)::int FROM docroute_callbacks GROUP BY state", logger: logger)
        var out: [String: Int] = [:]
        for try await (state, n) in rows.decode((String, Int).self) { out[state] = n }
        return out
    }
}
