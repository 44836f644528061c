import DocRouteQueue
import DocRouteTestSupport
import Foundation
import Logging
import PostgresNIO

/// The queue tests' helpers: a queue on a fresh database, and documents of their own content.
enum QueueSupport {
    static let logger = TestPostgres.logger

    static func database(migrated: Bool = true) async throws -> String {
        try await TestPostgres.database(migrated: migrated)
    }

    /// Runs `body` with a queue on a new migrated database.
    static func withQueue<T: Sendable>(_ body: @Sendable (JobQueue, String) async throws -> T) async throws -> T {
        let url = try await database()
        return try await Database.withClient(try PostgresURL(url)) { client in
            try await body(JobQueue(client: client, logger: logger), url)
        }
    }

    /// A real document of its own content: a sample PDF with `tag` appended as a comment.
    static func document(_ tag: String, in dir: URL) throws -> URL {
        let pdf = try Data(
            contentsOf: Support.packageRoot.appendingPathComponent("Samples/identity/pdf/record-01-person03.pdf"))
        let url = dir.appendingPathComponent("\(tag).pdf")
        try (pdf + Data("\n%\(tag)\n".utf8)).write(to: url)
        return url
    }

    static func temporaryDirectory(_ tag: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "docroute-\(tag)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}
