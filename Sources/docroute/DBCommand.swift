import ArgumentParser
import DocRouteQueue
import Logging

/// `docroute db migrate --postgres URL`: creates or updates the job queue's tables.
struct DBCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Manage the PostgreSQL job queue's schema.", subcommands: [Migrate.self])

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply the queue's SQL migrations the database lacks (safe to run again, and from several hosts)."
        )

        @OptionGroup var queue: QueueOptions

        func validate() throws { try queue.check() }

        func run() async throws {
            let url = try queue.url
            let applied = try await Database.withClient(url) { client in
                try await Migrations.apply(on: client, logger: Logger(label: "docroute.db"))
            }
            for m in applied { print("applied \(m.version): \(m.name)") }
            print("queue schema at version \(Migrations.latest) (\(applied.isEmpty ? "up to date" : "migrated"))")
        }
    }
}
