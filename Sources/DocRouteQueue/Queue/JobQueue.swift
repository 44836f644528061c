import DocRoute
import DocRouteModel
import Foundation
import Logging
import PostgresNIO

/// The job queue in PostgreSQL (tables in `Migrations`). Producers `enqueue` documents, once per
/// content and pipeline; workers `claim` them with `FOR UPDATE SKIP LOCKED` under a lease they
/// renew (`heartbeat`), and `finish` writes a job's records in the transaction that marks it
/// done, so a record is written once however workers die. A lease that runs out puts its job
/// back (`reclaim`), or after `max_attempts` claims gives it up with an error record.
public struct JobQueue: Sendable {
    public let client: PostgresClient
    let logger: Logger

    /// `client` must be running (`PostgresClient.run()`).
    public init(client: PostgresClient, logger: Logger = Logger(label: "docroute.queue")) {
        self.client = client
        self.logger = logger
    }

    /// What a job reads: its bytes, held in the database, or a path every worker can read.
    public enum Input: Sendable {
        case bytes(Data)
        case path(String)
    }

    /// A job `enqueue` made, or found already there.
    public struct Enqueued: Sendable, Hashable {
        public var id: Int64
        /// False when the same content was already enqueued for the pipeline.
        public var created: Bool
    }

    /// Throws `QueueError.notMigrated` unless the database's queue schema is this build's.
    public func checkSchema() async throws {
        let version = try await Migrations.version(on: client, logger: logger)
        guard version == Migrations.latest else { throw QueueError.notMigrated(have: version, need: Migrations.latest) }
    }

    /// Enqueues one document for `pipeline`. The same content (`sha256`) is enqueued once per
    /// pipeline; `again` enqueues it once more all the same.
    public func enqueue(
        pipeline: String, name: String, input: Input, sha256: String, again: Bool = false, maxAttempts: Int = 3,
        callbackURL: String? = nil
    ) async throws -> Enqueued {
        var bytes: Data? = nil
        var path: String? = nil
        switch input {
        case .bytes(let b): bytes = b
        case .path(let p): path = p
        }
        let attempts = max(1, maxAttempts)
        if !again {
            let rows = try await client.query(
                """
                INSERT INTO docroute_jobs (pipeline, name, input, uri, sha256, max_attempts, callback_url)
                VALUES (\(pipeline), \(name), \(bytes)::bytea, \(path)::text, \(sha256), \(attempts), \(callbackURL)::text)
                ON CONFLICT (pipeline, sha256, round) DO NOTHING RETURNING id
                """, logger: logger)
            for try await id in rows.decode(Int64.self) { return Enqueued(id: id, created: true) }
            let existing = try await client.query(
                "SELECT id FROM docroute_jobs WHERE pipeline = \(pipeline) AND sha256 = \(sha256) AND round = 0",
                logger: logger)
            for try await id in existing.decode(Int64.self) { return Enqueued(id: id, created: false) }
            throw QueueError.input("\(name): enqueued and gone at once")  // only if deleted in between
        }
        // The next round; two producers racing for it: the loser tries the one after.
        for _ in 0..<10 {
            do {
                let rows = try await client.query(
                    """
                    INSERT INTO docroute_jobs (pipeline, name, input, uri, sha256, round, max_attempts, callback_url)
                    SELECT \(pipeline), \(name), \(bytes)::bytea, \(path)::text, \(sha256), coalesce(max(round) + 1, 0),
                        \(attempts), \(callbackURL)::text
                    FROM docroute_jobs WHERE pipeline = \(pipeline) AND sha256 = \(sha256)
                    RETURNING id
                    """, logger: logger)
                for try await id in rows.decode(Int64.self) { return Enqueued(id: id, created: true) }
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                continue
            }
        }
        throw QueueError.input("\(name): could not take a round to enqueue it again")
    }

    /// The oldest queued job of `pipeline`, now leased to `owner` for `lease`; nil when none
    /// is queued. Jobs other workers are claiming at the same moment are skipped, not waited for.
    public func claim(pipeline: String, owner: String, lease: Duration) async throws -> Job? {
        let rows = try await client.query(
            """
            UPDATE docroute_jobs SET state = 'running', attempts = attempts + 1, lease_owner = \(owner),
                lease_expires = now() + make_interval(secs => \(lease.seconds)), started_at = now()
            WHERE id = (
                SELECT id FROM docroute_jobs WHERE state = 'queued' AND pipeline = \(pipeline)
                ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id, name, input, uri, sha256, attempts, max_attempts, callback_url
            """, logger: logger)
        for try await (id, name, bytes, path, sha256, attempts, maxAttempts, callback) in rows.decode(
            (Int64, String, Data?, String?, String, Int, Int, String?).self)
        {
            return Job(
                id: id, pipeline: pipeline, name: name, bytes: bytes, path: path, sha256: sha256, attempts: attempts,
                maxAttempts: maxAttempts, callbackURL: callback)
        }
        return nil
    }

    /// Jobs of `pipeline` (all pipelines when nil) in each state.
    public func counts(pipeline: String? = nil) async throws -> [JobState: Int] {
        let rows = try await client.query(
            """
            SELECT state, count(*) FROM docroute_jobs WHERE \(pipeline)::text IS NULL OR pipeline = \(pipeline)::text
            GROUP BY state
            """, logger: logger)
        var counts: [JobState: Int] = [:]
        for try await (state, n) in rows.decode((String, Int).self) {
            if let s = JobState(rawValue: state) { counts[s] = n }
        }
        return counts
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
