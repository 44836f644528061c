import Logging
import PostgresNIO

/// The queue's schema as numbered SQL migrations, applied in order by `apply` (`docroute db
/// migrate`), each in its own transaction, under an advisory lock so that two hosts migrating at
/// once apply each migration once. A migration is never edited once released: a change is a new
/// one. The tables are prefixed `docroute_`, so the queue can share a database with others.
public enum Migrations {
    /// A migration: its version (1, 2, …), a short name, and its SQL.
    public struct Migration: Sendable {
        public let version: Int
        public let name: String
        public let sql: [String]
    }

    /// Every migration, oldest first.
    public static let all: [Migration] = [
        Migration(
            version: 1, name: "jobs and results",
            sql: [
                """
                CREATE TABLE docroute_jobs (
                    id bigserial PRIMARY KEY,
                    pipeline text NOT NULL,
                    -- The input's name as the producer gave it: records carry it as source.path.
                    name text NOT NULL,
                    -- The bytes, or a path every worker can read: exactly one of the two.
                    input bytea,
                    uri text,
                    sha256 text NOT NULL,
                    -- 0, or 1, 2, … for a document enqueued again (--again).
                    round integer NOT NULL DEFAULT 0,
                    state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'dead')),
                    attempts integer NOT NULL DEFAULT 0,
                    max_attempts integer NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
                    lease_owner text,
                    lease_expires timestamptz,
                    error jsonb,
                    callback_url text,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    started_at timestamptz,
                    finished_at timestamptz,
                    CHECK ((input IS NULL) <> (uri IS NULL)),
                    UNIQUE (pipeline, sha256, round)
                )
                """,
                "CREATE INDEX docroute_jobs_queued ON docroute_jobs (pipeline, id) WHERE state = 'queued'",
                "CREATE INDEX docroute_jobs_leased ON docroute_jobs (lease_expires) WHERE state = 'running'",
                """
                CREATE TABLE docroute_results (
                    id bigserial PRIMARY KEY,
                    job_id bigint NOT NULL REFERENCES docroute_jobs (id),
                    -- A document's records in order: one, or one per row of a register table.
                    seq integer NOT NULL,
                    status text NOT NULL,
                    record json NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    UNIQUE (job_id, seq)
                )
                """,
                """
                CREATE FUNCTION docroute_notify_job() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('docroute_jobs', NEW.pipeline);
                    RETURN NULL;
                END $$
                """,
                """
                CREATE TRIGGER docroute_jobs_queued AFTER INSERT OR UPDATE OF state ON docroute_jobs
                    FOR EACH ROW WHEN (NEW.state = 'queued') EXECUTE FUNCTION docroute_notify_job()
                """,
                """
                CREATE FUNCTION docroute_notify_result() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('docroute_results', '');
                    RETURN NULL;
                END $$
                """,
                """
                CREATE TRIGGER docroute_results_written AFTER INSERT ON docroute_results
                    FOR EACH STATEMENT EXECUTE FUNCTION docroute_notify_result()
                """,
            ]),
        Migration(
            version: 2, name: "callbacks",
            sql: [
                """
                CREATE TABLE docroute_callbacks (
                    id bigserial PRIMARY KEY,
                    job_id bigint NOT NULL UNIQUE REFERENCES docroute_jobs (id),
                    url text NOT NULL,
                    -- The same on every attempt, so that a receiver can drop one it has seen.
                    delivery uuid NOT NULL DEFAULT gen_random_uuid(),
                    state text NOT NULL DEFAULT 'pending'
                        CHECK (state IN ('pending', 'delivered', 'refused', 'failed')),
                    attempts integer NOT NULL DEFAULT 0,
                    -- When a sender may take it: now, after a delay, or when a sender's lease on
                    -- it runs out.
                    next_at timestamptz NOT NULL DEFAULT now(),
                    error text,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    finished_at timestamptz
                )
                """,
                "CREATE INDEX docroute_callbacks_due ON docroute_callbacks (next_at) WHERE state = 'pending'",
                // A finished job with a callback URL gets its callback in the transaction that
                // finishes it, so that none is lost or made twice however workers die.
                """
                CREATE FUNCTION docroute_job_finished() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO docroute_callbacks (job_id, url) VALUES (NEW.id, NEW.callback_url)
                        ON CONFLICT (job_id) DO NOTHING;
                    PERFORM pg_notify('docroute_callbacks', '');
                    RETURN NULL;
                END $$
                """,
                """
                CREATE TRIGGER docroute_jobs_finished AFTER UPDATE OF state ON docroute_jobs
                    FOR EACH ROW WHEN (NEW.state IN ('done', 'dead') AND OLD.state IS DISTINCT FROM NEW.state
                        AND NEW.callback_url IS NOT NULL)
                    EXECUTE FUNCTION docroute_job_finished()
                """,
            ]),
    ]

    /// The version this build's queue needs.
    public static var latest: Int { all.last?.version ?? 0 }

    /// Applies the migrations the database lacks; returns those applied (none when it is up to date).
    @discardableResult
    public static func apply(on client: PostgresClient, logger: Logger) async throws -> [Migration] {
        var applied: [Migration] = []
        for migration in all {
            let done = try await client.withTransaction(logger: logger) { connection -> Bool in
                // One migrating host at a time; the others wait here, then see it applied.
                try await connection.query("SELECT pg_advisory_xact_lock(hashtext('docroute_schema'))", logger: logger)
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS docroute_schema (
                        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                    """, logger: logger)
                let rows = try await connection.query(
                    "SELECT 1 FROM docroute_schema WHERE version = \(migration.version)", logger: logger)
                for try await _ in rows { return false }
                for statement in migration.sql {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO docroute_schema (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger)
                return true
            }
            if done { applied.append(migration) }
        }
        return applied
    }

    /// The database's schema version (0 when never migrated).
    public static func version(on client: PostgresClient, logger: Logger) async throws -> Int {
        let exists = try await client.query(
            "SELECT to_regclass('docroute_schema') IS NOT NULL", logger: logger)
        for try await (present) in exists.decode(Bool.self) where !present { return 0 }
        let rows = try await client.query("SELECT coalesce(max(version), 0) FROM docroute_schema", logger: logger)
        for try await (version) in rows.decode(Int.self) { return version }
        return 0
    }
}
