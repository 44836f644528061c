import ArgumentParser
import DocRouteModel
import DocRouteQueue
import DocRouteService
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// `docroute watch INBOX --pipeline … --out …`: the hot-folder daemon (see `WatchDaemon`).
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract:
            "Turn a folder into a stream of records: every document dropped in gets exactly one record, even across crashes.",
        discussion: """
            Inputs move to INBOX/processing while read, then to INBOX/done (or INBOX/failed with an \
            error record beside them). Records go to --out: a folder (one <sha256>.jsonl per \
            document) or a .jsonl file (appended). SIGTERM/SIGINT finish the documents in flight \
            and exit 0; the rest is resumed at the next start. With --postgres the folder feeds             the job queue instead: each settled file is enqueued with its bytes (once per content             and pipeline) and moved to INBOX/done; `docroute worker` hosts read them.
            """
    )

    @Argument(help: "The inbox folder.")
    var inbox: String

    @OptionGroup var options: PipelineOptions

    @Option(help: "Records: a folder (one <sha256>.jsonl per document) or a file ending in .jsonl (appended).")
    var out: String?

    @Option(
        name: .customLong("postgres"),
        help:
            "Feed this PostgreSQL job queue instead of extracting: each settled file is enqueued with its bytes, then moved to done/ (records: `docroute results`)."
    )
    var postgres: String?

    @Option(
        name: .customLong("inline-mb"),
        help: "With --postgres: the largest file enqueued, in MiB; larger go to failed/.")
    var inlineMB: Int = JobQueue.defaultInlineLimit >> 20

    @Option(help: "SQLite state file (default: INBOX/.docroute-state.sqlite).")
    var state: String?

    @Option(name: .customLong("poll-interval"), help: "Seconds between scans when no event arrives.")
    var pollInterval: Double = 2

    @Option(help: "Seconds a file's size and modification time must stay unchanged before it is taken.")
    var settle: Double = 1

    @Flag(help: "Poll instead of using inotify.")
    var poll = false

    @Flag(help: "Watch subfolders too.")
    var recursive = false

    @Flag(help: "Process what is in the inbox (and what a crash left), then exit.")
    var once = false

    @Flag(
        name: .customLong("delete-done"),
        help: "Delete inputs once their records are durable instead of moving them to done/.")
    var deleteDone = false

    @Option(name: .customLong("max-attempts"), help: "Attempts per document before it is quarantined in failed/.")
    var maxAttempts = 3

    @Flag(
        name: .customLong("skip-duplicates"),
        help: "Give no record to content already processed (default: a record with duplicate_of).")
    var skipDuplicates = false

    @Option(
        name: .customLong("retry-base"),
        help: "First retry delay in seconds after a transient failure (doubled per attempt).")
    var retryBase: Double = 2

    @Option(name: .customLong("health-port"), help: "Serve /healthz and /metrics on 127.0.0.1:PORT.")
    var healthPort: Int?

    func validate() throws {
        try options.check()
        guard pollInterval > 0 else { throw ValidationError("--poll-interval must be positive") }
        guard settle >= 0 else { throw ValidationError("--settle must be zero or more") }
        guard maxAttempts >= 1 else { throw ValidationError("--max-attempts must be at least 1") }
        guard retryBase >= 0 else { throw ValidationError("--retry-base must be zero or more") }
        if let healthPort, !(0...65535).contains(healthPort) { throw ValidationError("--health-port must be 0–65535") }
        if let postgres {
            guard out == nil else {
                throw ValidationError("--out and --postgres contradict each other: the queue keeps the records")
            }
            do { _ = try PostgresURL(postgres) } catch { throw ValidationError("--postgres: \(error)") }
            guard inlineMB >= 0 else { throw ValidationError("--inline-mb must be zero or more") }
        }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: inbox, isDirectory: &isDir), !isDir.boolValue {
            throw ValidationError("\(inbox) is a file; give the inbox folder")
        }
        guard let out else {
            if postgres == nil { throw ValidationError("give --out (or --postgres)") }
            return
        }
        // Symlinks resolved: an --out that is (or lies under) a link into the inbox loops too.
        let inboxURL = URL(fileURLWithPath: inbox).standardizedFileURL.resolvingSymlinksInPath()
        let outURL = URL(fileURLWithPath: out).standardizedFileURL.resolvingSymlinksInPath()
        if outURL.path == inboxURL.path
            || outURL.path.hasPrefix(inboxURL.path + "/") && !outURL.path.hasPrefix(inboxURL.path + "/.")
        {
            throw ValidationError("--out must not be inside the inbox (its records would be taken as documents)")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = Logger(label: "docroute.watch")
        if let postgres { return try await feed(postgres, logger: logger) }
        let out = self.out ?? ""
        let pipeline = try options.processor(jobsDefault: options.jobs ?? 1)
        var config = WatchConfig(
            inbox: URL(fileURLWithPath: inbox).standardizedFileURL, sink: RecordSink(path: out), statePath: state)
        config.jobs = options.jobs ?? 1
        config.pollInterval = pollInterval
        config.settle = settle
        config.useInotify = !poll
        config.recursive = recursive
        config.once = once
        config.deleteDone = deleteDone
        config.maxAttempts = maxAttempts
        config.skipDuplicates = skipDuplicates
        config.retryBase = retryBase
        let daemon: WatchDaemon
        do {
            daemon = try WatchDaemon(config: config, pipeline: pipeline, logger: logger)
        } catch {
            throw ValidationError("cannot start: \(error)")
        }
        if once && healthPort == nil {
            try daemon.run()
            return
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: WatchService(daemon: daemon), successTerminationBehavior: .gracefullyShutdownGroup)
        ]
        if let healthPort {
            services.append(
                .init(
                    service: HealthServer(port: healthPort, metrics: daemon.metrics) { port in
                        logger.info("health", metadata: ["url": "http://127.0.0.1:\(port)/healthz"])
                    }))
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// `--postgres`: the inbox feeds the job queue (see `QueueInbox`).
    func feed(_ postgres: String, logger: Logger) async throws {
        let spec: PipelineSpec
        do {
            spec = try PipelineSpec.resolve(options.pipeline, directories: PipelineOptions.searchDirectories)
        } catch {
            throw ValidationError("\(error)")
        }
        let client = PostgresClient(configuration: try PostgresURL(postgres).configuration, backgroundLogger: logger)
        var settings = QueueInbox.Settings(inbox: URL(fileURLWithPath: inbox).standardizedFileURL, pipeline: spec.name)
        settings.recursive = recursive
        settings.settle = settle
        settings.pollInterval = pollInterval
        settings.inlineLimit = inlineMB << 20
        settings.maxAttempts = maxAttempts
        settings.deleteDone = deleteDone
        settings.once = once
        let feeder = QueueInbox(queue: JobQueue(client: client, logger: logger), settings: settings, logger: logger)
        try await runWithQueue(
            client: client, work: feeder, healthPort: healthPort, metrics: { "" }, logger: logger)
    }
}
