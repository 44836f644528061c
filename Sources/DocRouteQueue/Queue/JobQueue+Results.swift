import DocRoute
import DocRouteModel
import Foundation
import Logging
import PostgresNIO

extension JobQueue {
    /// Marks `job` done (or `dead`) and writes its records, in one transaction, if `owner` still
    /// holds its lease; false (nothing written) when the lease was lost: the job went back to the
    /// queue and another worker writes it.
    public func finish(_ job: Job, owner: String, records: [Record], dead: Bool = false) async throws -> Bool {
        let state = dead ? JobState.dead.rawValue : JobState.done.rawValue
        let error = dead ? records.lazy.flatMap(\.errors).first : nil
        return try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query(
                """
                UPDATE docroute_jobs SET state = \(state), finished_at = now(), lease_owner = NULL, lease_expires = NULL
                WHERE id = \(job.id) AND state = 'running' AND lease_owner = \(owner) RETURNING id
                """, logger: logger)
            var held = false
            for try await _ in rows { held = true }
            guard held else { return false }
            try await Self.write(records, job: job.id, error: error, on: connection, logger: logger)
            return true
        }
    }

    /// Writes a job's records (and a dead job's error) inside the caller's transaction. Result
    /// ids are taken under a transaction lock, so they grow in the order their transactions
    /// commit: a reader that has seen id N never later finds a smaller one (`results(after:)`).
    static func write(
        _ records: [Record], job: Int64, error: Record.ErrorInfo?, on connection: PostgresConnection, logger: Logger
    ) async throws {
        if let error {
            let json = String(decoding: try JSONEncoder().encode(error), as: UTF8.self)
            try await connection.query(
                "UPDATE docroute_jobs SET error = \(json)::jsonb WHERE id = \(job)", logger: logger)
        }
        try await connection.query("SELECT pg_advisory_xact_lock(hashtext('docroute_results'))", logger: logger)
        for (seq, record) in records.enumerated() {
            try await connection.query(
                """
                INSERT INTO docroute_results (job_id, seq, status, record)
                VALUES (\(job), \(seq), \(record.status.rawValue), \(record.json())::json)
                """, logger: logger)
        }
    }

    /// A record written by a worker, with where it stands in the results.
    public struct Result: Sendable, Hashable {
        /// Grows in the order results were written: pass the last one seen to `results(after:)`.
        public var id: Int64
        public var job: Int64
        /// The record as one line of JSON.
        public var json: String
    }

    /// Up to `limit` results written after result `id`, oldest first, of `pipeline` (all when nil).
    public func results(after id: Int64, pipeline: String? = nil, limit: Int = 1000) async throws -> [Result] {
        let rows = try await client.query(
            """
            SELECT r.id, r.job_id, r.record::text FROM docroute_results r JOIN docroute_jobs j ON j.id = r.job_id
            WHERE r.id > \(id) AND (\(pipeline)::text IS NULL OR j.pipeline = \(pipeline)::text)
            ORDER BY r.id LIMIT \(limit)
            """, logger: logger)
        var out: [Result] = []
        for try await (id, job, json) in rows.decode((Int64, Int64, String).self) {
            out.append(Result(id: id, job: job, json: json))
        }
        return out
    }

    /// Where a job stands, with its records once written.
    public struct Status: Sendable, Hashable {
        public var id: Int64
        public var pipeline: String
        public var name: String
        public var state: JobState
        public var attempts: Int
        /// Each record as JSON, in order; empty until the job is done or dead.
        public var records: [String]
    }

    /// Where job `id` stands, with its records once written; nil when there is no such job.
    public func job(_ id: Int64) async throws -> Status? {
        let rows = try await client.query(
            "SELECT pipeline, name, state, attempts FROM docroute_jobs WHERE id = \(id)", logger: logger)
        var found: Status? = nil
        for try await (pipeline, name, state, attempts) in rows.decode((String, String, String, Int).self) {
            found = JobState(rawValue: state).map {
                Status(id: id, pipeline: pipeline, name: name, state: $0, attempts: attempts, records: [])
            }
        }
        guard var status = found else { return nil }
        let records = try await client.query(
            "SELECT record::text FROM docroute_results WHERE job_id = \(id) ORDER BY seq", logger: logger)
        for try await json in records.decode(String.self) { status.records.append(json) }
        return status
    }
}
