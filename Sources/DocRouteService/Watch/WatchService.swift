import DocRouteModel
import Foundation
import ServiceLifecycle

/// The daemon as a swift-service-lifecycle service: SIGTERM/SIGINT stop it from taking new
/// files; documents in flight are finished, queued ones stay in `processing/` for the next
/// start; then the service returns and the process exits 0.
public struct WatchService: Service {
    public let daemon: WatchDaemon

    public init(daemon: WatchDaemon) {
        self.daemon = daemon
    }

    public func run() async throws {
        let daemon = self.daemon
        try await withGracefulShutdownHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let thread = Thread {
                    do {
                        try daemon.run()
                        continuation.resume()
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
                thread.name = "docroute-watch"
                thread.start()
            }
        } onGracefulShutdown: {
            daemon.stop()
        }
    }
}
