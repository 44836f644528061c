import ServiceLifecycle

/// The queue worker as a swift-service-lifecycle service: SIGTERM/SIGINT stop it claiming jobs;
/// those in flight are written, then the service returns.
public struct QueueWorkerService: Service {
    public let worker: QueueWorker

    public init(worker: QueueWorker) { self.worker = worker }

    public func run() async throws {
        let worker = self.worker
        try await withGracefulShutdownHandler {
            try await worker.run()
        } onGracefulShutdown: {
            worker.stop()
        }
    }
}
