import ArgumentParser
import DocRoute
import DocRouteQueue
import DocRouteServer
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceLifecycle

/// `docroute serve --pipeline P[,Q…] --port N`: the HTTP API (see `APIServer`).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the HTTP API: POST /v1/extract a document, get its records; or /v1/jobs.",
        discussion: """
            --pipeline names the pipelines served, comma-separated (the first is the default). \
            Documents are read in worker processes, --jobs at a time per pipeline. Bearer tokens \
            come from --tokens-file (one a line) and DOCROUTE_TOKENS (comma-separated); with \
            none, no token is asked for. Job callbacks are signed with the secret in \
            --callback-secret-file or DOCROUTE_CALLBACK_SECRET; with neither, a callback_url is \
            refused. Jobs live in this process's memory; with --postgres, in the job queue, read by \
            `docroute worker` processes, and this server sends their callbacks. SIGTERM/SIGINT: requests in flight are answered, then \
            the server exits.
            """
    )

    @OptionGroup var options: PipelineOptions

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port, printed on stderr).")
    var port = 8080

    @Option(name: .customLong("tokens-file"), help: "File of accepted bearer tokens, one a line.")
    var tokensFile: String?

    @Option(name: .customLong("max-body-mb"), help: "Largest request body, in MiB (413 past it).")
    var maxBodyMB = 32

    @Option(help: "Requests a second per client (token, else address) on average; 0: no limit.")
    var rate = 10.0

    @Option(help: "Requests a client may send at once before the rate applies.")
    var burst = 20

    @Option(
        name: .customLong("callback-secret-file"),
        help: "File holding the secret job callbacks are signed with (HMAC-SHA256).")
    var callbackSecretFile: String?

    @Option(name: .customLong("callback-attempts"), help: "Times a callback is sent before it is given up.")
    var callbackAttempts = 8

    @Option(
        name: .customLong("callback-delay"),
        help: "Seconds before a callback is sent again; doubled each time, up to 60.")
    var callbackDelay = 1.0

    @Option(
        name: .customLong("postgres"),
        help: "PostgreSQL URL of the job queue: POST /v1/jobs enqueues there (docroute worker reads them).")
    var postgres: String?

    @Option(name: .customLong("readable"), help: "A folder whose files a JSON request may name by path (repeatable).")
    var readable: [String] = []

    func validate() throws {
        try options.check()
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0–65535") }
        guard maxBodyMB >= 1 else { throw ValidationError("--max-body-mb must be at least 1") }
        if let postgres {
            do { _ = try PostgresURL(postgres) } catch { throw ValidationError("--postgres: \(error)") }
        }
        guard callbackAttempts >= 1, callbackDelay >= 0 else {
            throw ValidationError("--callback-attempts must be at least 1, --callback-delay zero or more")
        }
        guard rate >= 0, burst >= 1 else { throw ValidationError("--rate must be zero or more, --burst at least 1") }
        for (flag, file) in [("--tokens-file", tokensFile), ("--callback-secret-file", callbackSecretFile)] {
            if let file, !FileManager.default.isReadableFile(atPath: file) {
                throw ValidationError("\(flag) \(file) cannot be read")
            }
        }
    }

    /// The accepted tokens: the file's lines and DOCROUTE_TOKENS, blanks and #-comments skipped.
    func tokens() throws -> Set<String> {
        var lines: [Substring] = []
        if let tokensFile { lines += try String(contentsOfFile: tokensFile, encoding: .utf8).split(separator: "\n") }
        lines += (ProcessInfo.processInfo.environment["DOCROUTE_TOKENS"] ?? "").split(separator: ",")
        return Set(lines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") })
    }

    /// The callback secret: the file's content or DOCROUTE_CALLBACK_SECRET, trimmed; nil when
    /// neither is given. A secret under 16 bytes is refused.
    func callbackSecret() throws -> Data? {
        var secret = ProcessInfo.processInfo.environment["DOCROUTE_CALLBACK_SECRET"] ?? ""
        if let callbackSecretFile { secret = try String(contentsOfFile: callbackSecretFile, encoding: .utf8) }
        secret = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !secret.isEmpty else { return nil }
        guard secret.utf8.count >= 16 else { throw ValidationError("the callback secret must be 16 bytes or more") }
        return Data(secret.utf8)
    }

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = Logger(label: "docroute.serve")
        let jobs = options.jobs ?? ProcessInfo.processInfo.activeProcessorCount
        var processors: [any DocumentProcessor] = []
        for name in options.pipeline.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) })
        where !name.isEmpty {
            var one = options
            one.pipeline = name
            processors.append(try one.processor(jobsDefault: jobs))
        }
        var settings = APIServer.Settings()
        settings.host = host
        settings.port = port
        settings.tokens = try tokens()
        settings.maxBodyBytes = maxBodyMB << 20
        settings.rate = rate
        settings.burst = burst
        settings.readable = readable.map { URL(fileURLWithPath: $0) }
        let callbacks = try callbackSecret().map { secret in
            var callbacks = Callbacks(secret: secret)
            callbacks.attempts = callbackAttempts
            callbacks.firstDelay = .milliseconds(Int(callbackDelay * 1000))
            return callbacks
        }
        let pipelines = Pipelines(processors)
        let host = self.host
        let bound: @Sendable (Int) -> Void = { port in
            logger.info("listening", metadata: ["url": "http://\(host):\(port)"])
        }
        guard let postgres else {
            let server = APIServer(settings: settings, pipelines: pipelines, callbacks: callbacks, logger: logger)
            try await server.application(bound: bound).runService()
            return
        }
        // With the queue: jobs go to PostgreSQL, and this server sends the callbacks of those
        // finished (beside any other server on the same queue).
        let url = try PostgresURL(postgres)
        let client = PostgresClient(configuration: url.configuration, backgroundLogger: logger)
        let queue = JobQueue(client: client, logger: logger)
        let metrics = ServeMetrics()
        let server = APIServer(
            settings: settings, pipelines: pipelines, jobs: QueueJobs(queue: queue), callbacks: callbacks,
            metrics: metrics, logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: client),
            .init(
                service: SchemaCheck(queue: queue), successTerminationBehavior: .ignore,
                failureTerminationBehavior: .gracefullyShutdownGroup),
            .init(service: server.application(bound: bound)),
        ]
        if let callbacks {
            let sender = CallbackSender(queue: queue, callbacks: callbacks, metrics: metrics, logger: logger)
            services.append(.init(service: GracefulService(sender)))
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// Stops the server at start when the database's queue schema is not this build's.
struct SchemaCheck: Service {
    let queue: JobQueue

    func run() async throws { try await queue.checkSchema() }
}
