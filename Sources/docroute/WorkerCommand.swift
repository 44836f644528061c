import ArgumentParser
import DocRoute
import DocRouteModel
import DocRouteQueue
import DocRouteService
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// `docroute worker --postgres URL`: a queue worker host, reading the queue's jobs of one
/// pipeline in worker processes (see `QueueWorker`). With the hidden `--stdio`, the process a
/// batch, eval, extract or watch command runs its documents in instead (see `WorkerLoop`).
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Read the PostgreSQL job queue's documents of one pipeline and write their records there.",
        discussion: """
            --jobs documents are read at a time (default: the number of cores), each in a worker \
            process. SIGTERM/SIGINT stop claiming; the jobs in flight are written, then the \
            command exits 0. A job whose worker process crashes on it is given up at once, with \
            its error record; one whose lease runs out (its host died) goes back to the queue, \
            and is given up after --max-attempts claims (`docroute enqueue`).
            """
    )

    @OptionGroup var options: PipelineOptions

    @Option(
        name: .customLong("postgres"),
        help: "PostgreSQL URL of the job queue: postgres://user[:password]@host[:port]/database[?sslmode=disable].")
    var postgres: String?

    @Option(help: "Seconds a claimed job's lease lasts without a heartbeat (renewed every third of it).")
    var lease: Double = 30

    @Option(name: .customLong("health-port"), help: "Serve /healthz and /metrics on 127.0.0.1:PORT.")
    var healthPort: Int?

    @Flag(help: .hidden)
    var stdio = false

    @Flag(name: .customLong("without-calibration"), help: .hidden)
    var withoutCalibration = false

    func validate() throws {
        try options.check()
        if stdio {
            guard postgres == nil else { throw ValidationError("--stdio and --postgres contradict each other") }
            return
        }
        guard let postgres else { throw ValidationError("give the job queue: --postgres URL") }
        do { _ = try PostgresURL(postgres) } catch { throw ValidationError("--postgres: \(error)") }
        guard lease >= 1 else { throw ValidationError("--lease must be at least 1 (second)") }
        if let healthPort, !(0...65535).contains(healthPort) { throw ValidationError("--health-port must be 0–65535") }
    }

    func run() async throws {
        if stdio {
            WorkerLoop.serve(
                try options.pipeline(jobsDefault: 1, withoutCalibration: withoutCalibration),
                memoryMB: options.maxMemory)
            return
        }
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = Logger(label: "docroute.worker")
        let lanes = options.jobs ?? ProcessInfo.processInfo.activeProcessorCount
        let processor = try options.processor(jobsDefault: lanes)
        let url = try PostgresURL(postgres ?? "")
        let client = PostgresClient(configuration: url.configuration, backgroundLogger: logger)
        let worker = QueueWorker(
            queue: JobQueue(client: client, logger: logger), processor: processor,
            settings: QueueWorker.Settings(
                pipeline: processor.spec.name, lanes: lanes, lease: .milliseconds(Int(lease * 1000))),
            logger: logger)
        logger.info(
            "worker", metadata: ["queue": "\(url)", "pipeline": "\(processor.spec.name)", "jobs": "\(lanes)"])
        try await runWithQueue(
            client: client, work: worker, healthPort: healthPort, metrics: { worker.metrics.text() }, logger: logger)
    }
}
