import DocRouteQueue
import Foundation
import Logging
import PostgresNIO

/// The real PostgreSQL server the queue's and the server's tests use, and a fresh database on it
/// per test.
package enum TestPostgres {
    /// `DOCROUTE_TEST_POSTGRES` (scripts/test.sh starts a server and sets it), else a throwaway
    /// server this test run starts with scripts/postgres on a free port.
    package static let server: Result<String, Error> = {
        if let url = ProcessInfo.processInfo.environment["DOCROUTE_TEST_POSTGRES"], !url.isEmpty {
            return .success(url)
        }
        return Result { try Support.script(["scripts/postgres", "start", "auto"]) }
    }()

    package static let logger = Logger(label: "docroute.tests.queue")

    /// The URL of a new, empty database on the test server (migrated unless told not to).
    package static func database(migrated: Bool = true) async throws -> String {
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
}
