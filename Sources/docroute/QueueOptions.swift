import ArgumentParser
import DocRouteQueue

/// The queue's database, for the commands that use it.
struct QueueOptions: ParsableArguments {
    @Option(
        name: .customLong("postgres"),
        help: "PostgreSQL URL of the job queue: postgres://user[:password]@host[:port]/database[?sslmode=disable].")
    var postgres: String

    func check() throws {
        do { _ = try PostgresURL(postgres) } catch { throw ValidationError("--postgres: \(error)") }
    }

    var url: PostgresURL { get throws { try PostgresURL(postgres) } }
}
