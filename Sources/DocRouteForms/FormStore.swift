import DocRouteModel
import Foundation
import GRDB
import Synchronization

/// Learned templates in a SQLite file (GRDB): every version kept, the newest used; forgetting
/// a template removes all its versions. Safe to share between threads and processes.
public final class FormStore: Sendable {
    let db: DatabasePool
    /// Templates decoded before, by id and version: a version's body never changes, and
    /// decoding it is most of what reading the store costs a document.
    let decoded = Mutex<[String: LearnedForm]>([:])

    public init(path: String) throws {
        var config = Configuration()
        config.busyMode = .timeout(10)
        // WAL without a sync per commit: a crash of the process loses nothing; a power cut may
        // lose the latest use counts, which cost a stream nothing it needs.
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        db = try DatabasePool(path: path, configuration: config)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("templates-1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE templates (
                        id TEXT NOT NULL, version INTEGER NOT NULL, pipeline TEXT NOT NULL,
                        created REAL NOT NULL, body TEXT NOT NULL,
                        uses INTEGER NOT NULL DEFAULT 0, fallbacks INTEGER NOT NULL DEFAULT 0,
                        recent TEXT NOT NULL DEFAULT '', stale INTEGER NOT NULL DEFAULT 0,
                        PRIMARY KEY (id, version))
                    """)
        }
        try migrator.migrate(db)
    }

    /// Stores `template` as the next version of its id; returns it with that version.
    @discardableResult
    public func save(_ template: LearnedForm) throws -> LearnedForm {
        try db.write { db in try Self.insert(template, db) }
    }

    /// Stores what was learned from a document unless its layout is already known: a template
    /// of the same pipeline that `sameLayout` accepts and that is not stale makes it a no-op
    /// (nil); a stale one — any one, when `replacing` — gets `template` as its next version;
    /// otherwise it is stored under a new id (`PIPELINE-N`). One transaction: documents of a new layout learned at the same
    /// time on other threads or processes make one template.
    public func learn(_ template: LearnedForm, replacing: Bool = false, sameLayout: (LearnedForm) -> Bool)
        throws -> LearnedForm?
    {
        try db.write { db in
            let known = try latest(pipeline: template.pipeline, db)
            var t = template
            if let same = known.first(where: sameLayout) {
                guard same.stale || replacing else { return nil }
                t.id = same.id
            } else {
                let prefix = template.pipeline + "-"
                let numbers = try String.fetchAll(
                    db, sql: "SELECT DISTINCT id FROM templates WHERE pipeline = ?", arguments: [t.pipeline]
                )
                .compactMap { $0.hasPrefix(prefix) ? Int($0.dropFirst(prefix.count)) : nil }
                t.id = prefix + String((numbers.max() ?? 0) + 1)
            }
            return try Self.insert(t, db)
        }
    }

    private static func insert(_ template: LearnedForm, _ db: Database) throws -> LearnedForm {
        var t = template
        t.version =
            (try Int.fetchOne(db, sql: "SELECT MAX(version) FROM templates WHERE id = ?", arguments: [t.id]) ?? 0) + 1
        t.uses = 0; t.fallbacks = 0; t.recent = ""; t.stale = false
        let body = String(decoding: try JSONEncoder().encode(t), as: UTF8.self)
        try db.execute(
            sql: "INSERT INTO templates (id, version, pipeline, created, body) VALUES (?, ?, ?, ?, ?)",
            arguments: [t.id, t.version, t.pipeline, Date().timeIntervalSince1970, body])
        return t
    }

    /// The newest version of every template of `pipeline` (of every pipeline when nil).
    public func latest(pipeline: String? = nil) throws -> [LearnedForm] {
        try db.read { db in try latest(pipeline: pipeline, db) }
    }

    /// `latest`, with each version's body decoded once per store: the counts and the stale
    /// mark are read afresh, the rest comes from `decoded`.
    private func latest(pipeline: String?, _ db: Database) throws -> [LearnedForm] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT id, version, pipeline, uses, fallbacks, recent, stale FROM templates t
                WHERE version = (SELECT MAX(version) FROM templates WHERE id = t.id)
                AND (? IS NULL OR pipeline = ?) ORDER BY id
                """, arguments: [pipeline, pipeline])
        return try rows.map { row in
            let key = "\(row["id"] as String)|\(row["version"] as Int)"
            var t: LearnedForm
            if let known = decoded.withLock({ $0[key] }) {
                t = known
            } else {
                guard
                    let body = try String.fetchOne(
                        db, sql: "SELECT body FROM templates WHERE id = ? AND version = ?",
                        arguments: [row["id"] as String, row["version"] as Int])
                else { throw DatabaseError(message: "template \(key) vanished") }
                t = try JSONDecoder().decode(LearnedForm.self, from: Data(body.utf8))
                decoded.withLock { $0[key] = t }
            }
            Self.counts(&t, row)
            return t
        }
    }

    /// Every stored version of `id`, oldest first.
    public func versions(of id: String) throws -> [LearnedForm] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM templates WHERE id = ? ORDER BY version", arguments: [id]).map(
                Self.template)
        }
    }

    /// Removes every version of `id`; false when there was none.
    @discardableResult
    public func forget(_ id: String) throws -> Bool {
        try db.write { db in
            try db.execute(sql: "DELETE FROM templates WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    /// Counts one document read with version `version` of `id`, and whether it fell back to
    /// the full path; marks the version stale when `LearnedForm.staleFallbacks` of its
    /// latest `recentWindow` documents fell back. Returns whether it is now stale.
    @discardableResult
    public func recordUse(_ id: String, version: Int, fellBack: Bool) throws -> Bool {
        try db.write { db in
            guard
                let recent = try String.fetchOne(
                    db, sql: "SELECT recent FROM templates WHERE id = ? AND version = ?",
                    arguments: [id, version])
            else { return false }
            let now = String((recent + (fellBack ? "-" : "+")).suffix(LearnedForm.recentWindow))
            let stale = now.filter { $0 == "-" }.count >= LearnedForm.staleFallbacks
            try db.execute(
                sql: """
                    UPDATE templates SET uses = uses + 1, fallbacks = fallbacks + ?, recent = ?, stale = MAX(stale, ?)
                    WHERE id = ? AND version = ?
                    """, arguments: [fellBack ? 1 : 0, now, stale ? 1 : 0, id, version])
            return stale
        }
    }

    private static func template(_ row: Row) throws -> LearnedForm {
        var t = try JSONDecoder().decode(LearnedForm.self, from: Data((row["body"] as String).utf8))
        counts(&t, row)
        return t
    }

    /// What a row says of `t` beside its body: its name, version and use counts.
    private static func counts(_ t: inout LearnedForm, _ row: Row) {
        t.id = row["id"]; t.version = row["version"]; t.pipeline = row["pipeline"]
        t.uses = row["uses"]; t.fallbacks = row["fallbacks"]; t.recent = row["recent"]
        t.stale = (row["stale"] as Int) != 0
    }
}
