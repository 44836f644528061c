import DocRouteModel
import Foundation
import GRDB

/// The watch daemon's memory: one SQLite row per document that landed in the inbox, by path
/// and by content hash, with its status, attempts and last error. It is what makes a restart
/// after `kill -9` resume instead of redo or lose work.
public final class StateStore: Sendable {
    let db: DatabasePool

    /// Where a document is in its life. Transitions only go forward:
    /// `seen` → `processing` → `extracted` (→ `appending` → `written`) → `done` | `failed`.
    public enum Status: String, Sendable, CaseIterable {
        /// Claimed: the row exists (with the content hash) and the file is being renamed into
        /// `processing/` (a restart checks which side of the rename it is on).
        case seen
        /// A worker took it (attempts counted), or it waits there for a retry.
        case processing
        /// Records made and kept in the row with the input's destination; the output and the
        /// move may not have happened yet (both are redone safely after a crash).
        case extracted
        /// Being appended to the JSON Lines output at `jsonl_offset` (at most one row at a time;
        /// a restart cuts the file back to that size).
        case appending
        /// Appended to the JSON Lines output; the input is not moved yet.
        case written
        /// Finished: records durable, input in `done/` (or deleted).
        case done
        /// Finished: records durable (an error record), input in `failed/`.
        case failed
    }

    /// One row.
    public struct Entry: Sendable, Hashable {
        public var id: Int64
        /// The path relative to the inbox under which the document arrived.
        public var name: String
        public var status: Status
        public var sha256: String?
        public var attempts: Int
        public var lastError: String?
        /// Unix time before which a retry must not start.
        public var nextAttempt: Double?
        /// The records as JSON Lines, once extracted.
        public var records: String?
        /// Size of the JSON Lines output before this document's lines were appended.
        public var jsonlOffset: Int64?
        /// Where the input went (`done/…`, `failed/…`, or "" when deleted).
        public var finalPath: String?
        /// The id of the earlier document with the same content.
        public var duplicateOf: Int64?
        /// Whether the records are the document's own (false) or a copy of an earlier one's.
        public var isFailure: Bool
    }

    public init(path: String) throws {
        var config = Configuration()
        config.busyMode = .timeout(10)
        // WAL, and every commit fsynced: a transition the daemon acted on survives a power cut.
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        db = try DatabasePool(path: path, configuration: config)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE documents (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      name TEXT NOT NULL,
                      status TEXT NOT NULL,
                      sha256 TEXT,
                      attempts INTEGER NOT NULL DEFAULT 0,
                      last_error TEXT,
                      next_attempt REAL,
                      records TEXT,
                      jsonl_offset INTEGER,
                      final_path TEXT,
                      duplicate_of INTEGER,
                      is_failure INTEGER NOT NULL DEFAULT 0,
                      created REAL NOT NULL,
                      updated REAL NOT NULL
                    );
                    CREATE INDEX documents_status ON documents(status);
                    CREATE INDEX documents_sha256 ON documents(sha256);
                    CREATE INDEX documents_name ON documents(name);
                    """)
        }
        try migrator.migrate(db)
    }

    static func entry(_ row: Row) -> Entry {
        Entry(
            id: row["id"], name: row["name"], status: Status(rawValue: row["status"]) ?? .seen, sha256: row["sha256"],
            attempts: row["attempts"], lastError: row["last_error"], nextAttempt: row["next_attempt"],
            records: row["records"],
            jsonlOffset: row["jsonl_offset"], finalPath: row["final_path"], duplicateOf: row["duplicate_of"],
            isFailure: row["is_failure"])
    }

    /// A new row for a document about to be claimed.
    public func insert(name: String, sha256: String? = nil) throws -> Int64 {
        try insert([(name, sha256)])[0]
    }

    /// New rows for documents about to be claimed, in one transaction; their ids in order.
    public func insert(_ documents: [(name: String, sha256: String?)]) throws -> [Int64] {
        try db.write { db in
            let now = Date().timeIntervalSince1970
            return try documents.map { d in
                try db.execute(
                    sql: "INSERT INTO documents (name, status, sha256, created, updated) VALUES (?, 'seen', ?, ?, ?)",
                    arguments: [d.name, d.sha256, now, now])
                return db.lastInsertedRowID
            }
        }
    }

    public func entry(_ id: Int64) throws -> Entry? {
        try db.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM documents WHERE id = ?", arguments: [id]).map(Self.entry)
        }
    }

    public func entries(_ statuses: [Status]? = nil) throws -> [Entry] {
        try db.read { db in
            if let statuses {
                let marks = statuses.map { _ in "?" }.joined(separator: ",")
                return try Row.fetchAll(
                    db, sql: "SELECT * FROM documents WHERE status IN (\(marks)) ORDER BY id",
                    arguments: StatementArguments(statuses.map(\.rawValue))
                ).map(Self.entry)
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM documents ORDER BY id").map(Self.entry)
        }
    }

    /// Ids and retry times of the rows with work left (unfinished, claimed).
    public func pending() throws -> [(id: Int64, nextAttempt: Double?)] {
        try db.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT id, next_attempt FROM documents WHERE status IN ('processing', 'extracted', 'appending', 'written') ORDER BY id"
            )
            .map { ($0["id"], $0["next_attempt"]) }
        }
    }

    /// Counts by status (for metrics and the end of `--once`).
    public func counts() throws -> [Status: Int] {
        try db.read { db in
            var out: [Status: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM documents GROUP BY status") {
                if let s = Status(rawValue: row["status"]) { out[s] = row["n"] }
            }
            return out
        }
    }

    /// The first document (smallest id) with this content: the original of any later copy.
    public func first(sha256: String) throws -> Entry? {
        try db.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM documents WHERE sha256 = ? ORDER BY id LIMIT 1", arguments: [sha256]
            ).map(Self.entry)
        }
    }

    /// Whether a row older than `id` has the same name.
    public func hasEarlier(name: String, than id: Int64) throws -> Bool {
        try db.read { db in
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM documents WHERE name = ? AND id < ?)", arguments: [name, id])
                ?? false
        }
    }

    /// Sets the given columns of row `id` (and its update time).
    public func update(
        _ id: Int64, status: Status? = nil, sha256: String? = nil, attempts: Int? = nil,
        lastError: String?? = nil, nextAttempt: Double?? = nil, records: String? = nil,
        jsonlOffset: Int64?? = nil, finalPath: String? = nil, duplicateOf: Int64? = nil,
        isFailure: Bool? = nil
    ) throws {
        var sets = ["updated = ?"]
        var args: [(any DatabaseValueConvertible)?] = [Date().timeIntervalSince1970]
        func set(_ column: String, _ value: (any DatabaseValueConvertible)?) {
            sets.append("\(column) = ?"); args.append(value)
        }
        if let status { set("status", status.rawValue) }
        if let sha256 { set("sha256", sha256) }
        if let attempts { set("attempts", attempts) }
        if let lastError { set("last_error", lastError) }
        if let nextAttempt { set("next_attempt", nextAttempt) }
        if let records { set("records", records) }
        if let jsonlOffset { set("jsonl_offset", jsonlOffset) }
        if let finalPath { set("final_path", finalPath) }
        if let duplicateOf { set("duplicate_of", duplicateOf) }
        if let isFailure { set("is_failure", isFailure) }
        args.append(id)
        try db.write { db in
            try db.execute(
                sql: "UPDATE documents SET \(sets.joined(separator: ", ")) WHERE id = ?",
                arguments: StatementArguments(args))
        }
    }

    public func delete(_ id: Int64) throws {
        try db.write { db in try db.execute(sql: "DELETE FROM documents WHERE id = ?", arguments: [id]) }
    }
}
