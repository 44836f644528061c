import DocRoute
import DocRouteModel
import Foundation
import PostgresNIO

extension JobQueue {
    /// Renews `owner`'s leases on `jobs` to `lease` from now; returns how many it still holds.
    @discardableResult
    public func heartbeat(owner: String, jobs: [Int64], lease: Duration) async throws -> Int {
        guard !jobs.isEmpty else { return 0 }
        let rows = try await client.query(
            """
            UPDATE docroute_jobs SET lease_expires = now() + make_interval(secs => \(lease.seconds))
            WHERE state = 'running' AND lease_owner = \(owner) AND id = ANY(\(jobs)) RETURNING id
            """, logger: logger)
        var held = 0
        for try await _ in rows { held += 1 }
        return held
    }

    /// Puts `job` back in the queue (its worker cannot read it now), if `owner` still holds it.
    public func release(_ job: Job, owner: String) async throws {
        try await client.query(
            """
            UPDATE docroute_jobs SET state = 'queued', lease_owner = NULL, lease_expires = NULL
            WHERE id = \(job.id) AND state = 'running' AND lease_owner = \(owner)
            """, logger: logger)
    }

    /// What `reclaim` did with jobs whose lease had run out.
    public struct Reclaimed: Sendable, Hashable {
        /// Put back in the queue.
        public var requeued: [Int64] = []
        /// Given up after their last attempt, each with an error record.
        public var dead: [Int64] = []
    }

    /// Jobs whose lease ran out (their worker died or hung without renewing it) go back to the
    /// queue, or, when claimed `max_attempts` times, are given up: a `crashed` error record is
    /// written for each in the same transaction. Any worker may call it; concurrent calls share
    /// the jobs out (`SKIP LOCKED`).
    public func reclaim() async throws -> Reclaimed {
        try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query(
                """
                UPDATE docroute_jobs SET
                    state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END,
                    lease_owner = NULL, lease_expires = NULL,
                    finished_at = CASE WHEN attempts >= max_attempts THEN now() END
                WHERE id IN (
                    SELECT id FROM docroute_jobs WHERE state = 'running' AND lease_expires < now()
                    FOR UPDATE SKIP LOCKED)
                RETURNING id, state, pipeline, name, sha256, attempts
                """, logger: logger)
            var out = Reclaimed()
            var records: [(Int64, Record)] = []
            for try await (id, state, pipeline, name, sha256, attempts) in rows.decode(
                (Int64, String, String, String, String, Int).self)
            {
                guard state == JobState.dead.rawValue else {
                    out.requeued.append(id)
                    continue
                }
                out.dead.append(id)
                let error = DocRouteError.crashed(
                    "the worker holding it stopped before finishing it, on each of its \(attempts) attempts")
                records.append(
                    (id, Record.failed(path: name, sha256: sha256, pipeline: pipeline, error: Record.ErrorInfo(error))))
            }
            for (id, record) in records {
                try await Self.write([record], job: id, error: record.errors.first, on: connection, logger: logger)
            }
            return out
        }
    }
}
