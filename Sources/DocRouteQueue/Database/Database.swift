import Logging
import PostgresNIO

/// Opens PostgreSQL clients for the queue's commands.
public enum Database {
    /// Runs `body` with a client of `url`, running for the body's duration, then closed.
    @discardableResult
    public static func withClient<T: Sendable>(
        _ url: PostgresURL, logger: Logger = Logger(label: "docroute.postgres"),
        _ body: @Sendable (PostgresClient) async throws -> T
    ) async throws -> T {
        let client = PostgresClient(configuration: url.configuration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            // The body starts once the client's run loop has (else the pool warns of a lease
            // asked for before `run()`).
            await withCheckedContinuation { started in
                group.addTask {
                    started.resume()
                    await client.run()
                }
            }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}
