import ServiceLifecycle

/// Something that runs until told to stop, finishing what it holds first.
public protocol Stoppable: Sendable {
    func run() async throws
    func stop()
}

extension QueueWorker: Stoppable {}
extension QueueInbox: Stoppable {}

/// A `Stoppable` as a swift-service-lifecycle service: SIGTERM/SIGINT call `stop()`; the service
/// returns when `run()` does (the work in hand finished).
public struct GracefulService<Work: Stoppable>: Service {
    public let work: Work

    public init(_ work: Work) { self.work = work }

    public func run() async throws {
        let work = self.work
        try await withGracefulShutdownHandler {
            try await work.run()
        } onGracefulShutdown: {
            work.stop()
        }
    }
}
