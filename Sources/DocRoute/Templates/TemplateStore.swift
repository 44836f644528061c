import Foundation
import GRDB

/// A layout learned from documents: its fingerprint and where each field's value stood, as a
/// fraction of its page (so that a copy shifted or scaled can be read by transforming them).
public struct LearnedTemplate: Sendable, Hashable, Codable {
    /// Where one field's value stood: a page and a box in fractions of that page.
    public struct Region: Sendable, Hashable, Codable {
        public var page: Int
        public var box: Box
    }

    public var id: String
    /// 1 for the first learning of `id`; each re-learning adds one.
    public var version: Int
    public var pipeline: String
    public var fingerprint: LayoutFingerprint
    public var regions: [String: Region]
    /// Documents read with it, and those of them that fell back to the full path.
    public var uses = 0
    public var fallbacks = 0
    /// Marked when its recent documents keep falling back: it is re-learned, not used.
    public var stale = false

    public init(id: String, version: Int = 0, pipeline: String, fingerprint: LayoutFingerprint, regions: [String: Region]) {
        self.id = id; self.version = version; self.pipeline = pipeline; self.fingerprint = fingerprint; self.regions = regions
    }
}

/// Learned templates in a SQLite file (GRDB): every version kept, the newest used; forgetting
/// a template removes all its versions. Safe to share between threads and processes.
public final class TemplateStore: Sendable {
    let db: DatabasePool

    public init(path: String) throws {
        var config = Configuration()
        config.busyMode = .timeout(10)
        db = try DatabasePool(path: path, configuration: config)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("templates-1") { db in
            try db.execute(sql: """
                CREATE TABLE templates (
                    id TEXT NOT NULL, version INTEGER NOT NULL, pipeline TEXT NOT NULL,
                    created REAL NOT NULL, body TEXT NOT NULL,
                    uses INTEGER NOT NULL DEFAULT 0, fallbacks INTEGER NOT NULL DEFAULT 0,
                    stale INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (id, version))
                """)
        }
        try migrator.migrate(db)
    }

    /// Stores `template` as the next version of its id; returns it with that version.
    @discardableResult
    public func save(_ template: LearnedTemplate) throws -> LearnedTemplate {
        try db.write { db in
            var t = template
            t.version = (try Int.fetchOne(db, sql: "SELECT MAX(version) FROM templates WHERE id = ?", arguments: [t.id]) ?? 0) + 1
            t.uses = 0; t.fallbacks = 0; t.stale = false
            let body = String(decoding: try JSONEncoder().encode(Body(fingerprint: t.fingerprint, regions: t.regions)), as: UTF8.self)
            try db.execute(sql: "INSERT INTO templates (id, version, pipeline, created, body) VALUES (?, ?, ?, ?, ?)",
                           arguments: [t.id, t.version, t.pipeline, Date().timeIntervalSince1970, body])
            return t
        }
    }

    /// The newest version of every template of `pipeline` (of every pipeline when nil).
    public func latest(pipeline: String? = nil) throws -> [LearnedTemplate] {
        try db.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM templates t WHERE version = (SELECT MAX(version) FROM templates WHERE id = t.id)
                AND (? IS NULL OR pipeline = ?) ORDER BY id
                """, arguments: [pipeline, pipeline])
            return try rows.map(Self.template)
        }
    }

    /// Every stored version of `id`, oldest first.
    public func versions(of id: String) throws -> [LearnedTemplate] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM templates WHERE id = ? ORDER BY version", arguments: [id]).map(Self.template)
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

    /// Counts one document read with version `version` of `id`, and whether it fell back.
    public func recordUse(_ id: String, version: Int, fellBack: Bool) throws {
        try db.write { db in
            try db.execute(sql: "UPDATE templates SET uses = uses + 1, fallbacks = fallbacks + ? WHERE id = ? AND version = ?",
                           arguments: [fellBack ? 1 : 0, id, version])
        }
    }

    /// Marks version `version` of `id` stale.
    public func markStale(_ id: String, version: Int) throws {
        try db.write { db in
            try db.execute(sql: "UPDATE templates SET stale = 1 WHERE id = ? AND version = ?", arguments: [id, version])
        }
    }

    private struct Body: Codable {
        var fingerprint: LayoutFingerprint
        var regions: [String: LearnedTemplate.Region]
    }

    private static func template(_ row: Row) throws -> LearnedTemplate {
        let body = try JSONDecoder().decode(Body.self, from: Data((row["body"] as String).utf8))
        var t = LearnedTemplate(id: row["id"], version: row["version"], pipeline: row["pipeline"],
                                fingerprint: body.fingerprint, regions: body.regions)
        t.uses = row["uses"]; t.fallbacks = row["fallbacks"]; t.stale = (row["stale"] as Int) != 0
        return t
    }
}
