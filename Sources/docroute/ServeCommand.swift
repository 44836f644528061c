import ArgumentParser
import DocRoute
import DocRouteServer
import Foundation
import Hummingbird
import Logging

/// `docroute serve --pipeline P[,Q…] --port N`: the HTTP API (see `APIServer`).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the HTTP API: POST /v1/extract a document, get its records.",
        discussion: """
            --pipeline names the pipelines served, comma-separated (the first is the default). \
            Documents are read in worker processes, --jobs at a time per pipeline. Bearer tokens \
            come from --tokens-file (one a line) and DOCROUTE_TOKENS (comma-separated); with \
            none, no token is asked for. SIGTERM/SIGINT: requests in flight are answered, then \
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

    @Option(name: .customLong("readable"), help: "A folder whose files a JSON request may name by path (repeatable).")
    var readable: [String] = []

    func validate() throws {
        try options.check()
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0–65535") }
        guard maxBodyMB >= 1 else { throw ValidationError("--max-body-mb must be at least 1") }
        guard rate >= 0, burst >= 1 else { throw ValidationError("--rate must be zero or more, --burst at least 1") }
        if let tokensFile, !FileManager.default.isReadableFile(atPath: tokensFile) {
            throw ValidationError("--tokens-file \(tokensFile) cannot be read")
        }
    }

    /// The accepted tokens: the file's lines and DOCROUTE_TOKENS, blanks and #-comments skipped.
    func tokens() throws -> Set<String> {
        var lines: [Substring] = []
        if let tokensFile { lines += try String(contentsOfFile: tokensFile, encoding: .utf8).split(separator: "\n") }
        lines += (ProcessInfo.processInfo.environment["DOCROUTE_TOKENS"] ?? "").split(separator: ",")
        return Set(lines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") })
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
        let server = APIServer(settings: settings, pipelines: Pipelines(processors), logger: logger)
        let host = self.host
        try await server.application { port in
            logger.info("listening", metadata: ["url": "http://\(host):\(port)"])
        }.runService()
    }
}
