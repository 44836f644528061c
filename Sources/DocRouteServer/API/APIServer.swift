import DocRoute
import DocRouteModel
import Foundation
import Hummingbird
import Logging
import MultipartKit
import NIOCore

/// `docroute serve`'s HTTP API on Hummingbird 2: `GET /healthz`, `GET /v1/pipelines`, and
/// `POST /v1/extract` (a file, multipart, or JSON naming a path the server may read; the
/// records in the response). A document that cannot be read is a record with a typed error
/// and HTTP 200: the request was fine, the file was not.
public struct APIServer: Sendable {
    /// What the server listens on, runs, and allows.
    public struct Settings: Sendable {
        public var host = "127.0.0.1"
        public var port = 8080
        /// Bearer tokens accepted; empty: no authentication (loopback use).
        public var tokens: Set<String> = []
        /// The largest request body, in bytes (413 past it).
        public var maxBodyBytes = 32 << 20
        /// Requests a second per client on average, and at once; 0: no limit.
        public var rate = 10.0
        public var burst = 20
        /// Folders whose files a JSON request may name by path (none by default).
        public var readable: [URL] = []

        public init() {}
    }

    public let settings: Settings
    public let pipelines: Pipelines
    /// Where async jobs go: the given store (PostgreSQL's queue), else this process's memory.
    public let jobs: any JobStore
    let callbacks: Callbacks?
    public let metrics: ServeMetrics
    let logger: Logger

    /// `callbacks` signs and sends job callbacks (nil: a `callback_url` is refused).
    public init(
        settings: Settings, pipelines: Pipelines, jobs: (any JobStore)? = nil, callbacks: Callbacks? = nil,
        metrics: ServeMetrics = ServeMetrics(), logger: Logger = Logger(label: "docroute.serve")
    ) {
        self.settings = settings; self.pipelines = pipelines; self.callbacks = callbacks
        self.metrics = metrics; self.logger = logger
        self.jobs = jobs ?? MemoryJobs(pipelines: pipelines, callbacks: callbacks, metrics: metrics)
    }

    /// Paths served without a token and not rate-limited.
    static let open: Set<String> = ["/healthz", "/metrics", "/openapi.json"]

    /// Every route and its methods (405 for another method).
    static let routes: [(pattern: String, methods: [HTTPRequest.Method])] = [
        ("/healthz", [.get, .head]), ("/metrics", [.get]), ("/openapi.json", [.get]), ("/v1/pipelines", [.get]),
        ("/v1/extract", [.post]), ("/v1/jobs", [.post]), ("/v1/jobs/{id}", [.get]),
    ]

    /// The router, with its middleware.
    public func router() -> Router<ServerContext> {
        let router = Router(context: ServerContext.self)
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: MethodCheck(routes: Self.routes))
        router.add(middleware: BearerAuth(tokens: settings.tokens, open: Self.open))
        router.add(middleware: RateLimit(rate: settings.rate, burst: settings.burst, open: Self.open))
        router.get("/healthz") { _, _ in "ok\n" }
        router.head("/healthz") { _, _ in HTTPResponse.Status.ok }
        router.get("/v1/pipelines") { _, _ in try self.json(PipelineList(pipelines: self.listed())) }
        router.get("/metrics") { _, _ in self.metrics.text() }
        router.get("/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: OpenAPI.document)))
        }
        router.post("/v1/extract") { request, context in try await self.extract(request, context: context) }
        router.post("/v1/jobs") { request, context in try await self.submitJob(request, context: context) }
        router.get("/v1/jobs/{id}") { request, context in try await self.jobStatus(request, context: context) }
        return router
    }

    /// The application, to run as a service (`runService()`); `bound` is told the port.
    public func application(bound: (@Sendable (Int) -> Void)? = nil) -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "docroute"),
            onServerRunning: { channel in bound?(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    struct PipelineList: Encodable {
        struct Item: Encodable {
            var name: String
            var description: String?
            var fields: [String]
            var required: [String]
        }
        var pipelines: [Item]
    }

    func listed() -> [PipelineList.Item] {
        pipelines.names.compactMap { name in
            guard let spec = pipelines.processors[name]?.spec else { return nil }
            return PipelineList.Item(
                name: name, description: spec.description, fields: spec.fields.map(\.name),
                required: spec.fields.filter(\.required).map(\.name))
        }
    }

    func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    /// The records as `{"records": [...]}`, each as `docroute extract` prints it.
    static func recordsBody(_ records: [Record]) -> Response {
        let body = "{\"records\":[" + records.map { $0.json() }.joined(separator: ",") + "]}"
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
