import ArgumentParser
import DocRouteQueue
import DocRouteService
import Logging
import PostgresNIO
import ServiceLifecycle

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

/// Runs `work` beside the queue's `client` (and, on `healthPort`, `/healthz` and `/metrics` with
/// `metrics`) until SIGTERM/SIGINT, which lets `work` finish what it holds; the client stops last.
func runWithQueue(
    client: PostgresClient, work: some Stoppable, healthPort: Int?, metrics: @escaping @Sendable () -> String,
    logger: Logger
) async throws {
    var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
        .init(service: client),
        .init(
            service: GracefulService(work), successTerminationBehavior: .gracefullyShutdownGroup,
            failureTerminationBehavior: .gracefullyShutdownGroup),
    ]
    if let healthPort {
        services.append(
            .init(
                service: HealthServer(port: healthPort, metrics: metrics) { port in
                    logger.info("health", metadata: ["url": "http://127.0.0.1:\(port)/healthz"])
                }))
    }
    let group = ServiceGroup(
        configuration: ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    try await group.run()
}
