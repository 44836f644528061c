import DocRouteQueue
import DocRouteTestSupport
import Foundation
import Logging
import PostgresNIO

/// The real PostgreSQL server the queue tests use, and a fresh database on it per test.
enum QueueSupport {
    /// `DOCROUTE_TEST_POSTGRES` (scripts/test.sh starts a server and sets it), else a throwaway
    /// server this test run starts with scripts/postgres on a free port.
    static let server: Result<String, Error> = {
        if let url = ProcessInfo.processInfo.environment["DOCROUTE_TEST_POSTGRES"], !url.isEmpty {
            return .success(url)
        }
        return Result { try Support.script(["scripts/postgres", "start", "auto"]) }
    }()

    static let logger = Logger(label: "docroute.tests.queue")

    /// The URL of a new, empty database on the test server (migrated unless told not to).
    static func database(migrated: Bool = true) async throws -> String {
        let server = try server.get()
        let name = "docroute_t_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
        try await Database.withClient(try PostgresURL(server)) { client in
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        guard var parts = URLComponents(string: server) else { throw QueueError.badURL(server) }
        parts.path = "/" + name
        let url = parts.string ?? server
        if migrated {
            try await Database.withClient(try PostgresURL(url)) { client in
                try await Migrations.apply(on: client, logger: logger)
            }
        }
        return url
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
