import DocRouteModel
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// A small HTTP server on 127.0.0.1 for operators: `GET /healthz` (200 `ok` while the daemon
/// runs) and `GET /metrics` (Prometheus text). Runs as a service beside the daemon.
public struct HealthServer: Service {
    public let port: Int
    let metrics: @Sendable () -> String
    let bound: (@Sendable (Int) -> Void)?

    /// `metrics` gives the Prometheus text; `bound` is told the port actually bound (useful
    /// with port 0).
    public init(port: Int, metrics: @escaping @Sendable () -> String, bound: (@Sendable (Int) -> Void)? = nil) {
        self.port = port
        self.metrics = metrics
        self.bound = bound
    }

    /// The watch daemon's server.
    public init(port: Int, metrics: WatchMetrics, bound: (@Sendable (Int) -> Void)? = nil) {
        self.init(port: port, metrics: { metrics.text() }, bound: bound)
    }

    public func run() async throws {
        let metrics = self.metrics
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(metrics: metrics))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        bound?(channel.localAddress?.port ?? port)
        await withGracefulShutdownHandler {
            try? await channel.closeFuture.get()
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
    }

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let metrics: @Sendable () -> String
        var path = ""

        init(metrics: @escaping @Sendable () -> String) { self.metrics = metrics }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                path = head.method == .GET ? String(head.uri.split(separator: "?").first ?? "") : ""
            case .body:
                break
            case .end:
                let (status, type, body): (HTTPResponseStatus, String, String) =
                    switch path {
                    case "/healthz": (.ok, "text/plain", "ok\n")
                    case "/metrics": (.ok, "text/plain; version=0.0.4", metrics())
                    default: (.notFound, "text/plain", "not found\n")
                    }
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: type)
                headers.add(name: "Content-Length", value: "\(body.utf8.count)")
                headers.add(name: "Connection", value: "close")
                context.write(
                    wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))),
                    promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
                let channel = context.channel
                context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
            }
        }
    }
}
