import DocRouteQueue
import Foundation
import Logging
import Synchronization

/// Sends the callbacks of jobs finished in the queue (`serve --postgres`): `lanes` senders each
/// take the callback due longest (several servers share them: a claim skips another's), make one
/// attempt, and write how it went; one not taken is due again after `Callbacks.delay`. Idle
/// senders wait for `NOTIFY docroute_callbacks` or `poll`. A sender that dies holding one leaves
/// it to be taken again when its lease runs out, so a callback may come twice, never not at all
/// while attempts remain (receivers drop a repeat by `X-DocRoute-Delivery`).
public final class CallbackSender: Stoppable {
    let queue: JobQueue
    let callbacks: Callbacks
    let lanes: Int
    let poll: Duration
    let metrics: ServeMetrics?
    let logger: Logger
    private let stopping = Atomic<Bool>(false)
    private let bell = Bell()

    public init(
        queue: JobQueue, callbacks: Callbacks, lanes: Int = 8, poll: Duration = .seconds(1),
        metrics: ServeMetrics? = nil, logger: Logger = Logger(label: "docroute.callbacks")
    ) {
        self.queue = queue; self.callbacks = callbacks; self.lanes = max(1, lanes); self.poll = poll
        self.metrics = metrics; self.logger = logger
    }

    /// Takes no more callbacks; `run` returns when the attempts in flight are written.
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        bell.ring()
    }

    var isStopping: Bool { stopping.load(ordering: .relaxed) }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { background in
            background.addTask {
                await self.queue.listen(on: "docroute_callbacks", retry: self.poll) { _ in self.bell.ring() }
            }
            await withTaskGroup(of: Void.self) { senders in
                for _ in 0..<lanes { senders.addTask { await self.lane() } }
            }
            background.cancelAll()
        }
    }

    func lane() async {
        // A claim outlives an attempt's timeout, so that no other sender takes it meanwhile.
        let lease = Duration.nanoseconds(callbacks.timeout.nanoseconds) + .seconds(30)
        while !isStopping {
            let rung = bell.count
            do {
                if let callback = try await queue.claimCallback(lease: lease) {
                    try await send(callback)
                    continue
                }
            } catch {
                logger.warning("cannot send callbacks: \(String(reflecting: error))")
            }
            await bell.wait(after: rung, upTo: poll, unless: { self.isStopping })
        }
    }

    /// One attempt at `callback`, and how it went written.
    func send(_ callback: JobQueue.Callback) async throws {
        guard let job = try await queue.job(callback.job) else {
            try await queue.settle(callback, .failed("job \(callback.job) is gone"))
            return
        }
        let body = Data(JobStatus(job).json().utf8)
        let answer = await callbacks.send(
            body, to: callback.url, job: String(callback.job), delivery: callback.delivery, attempt: callback.attempt)
        let outcome: JobQueue.CallbackOutcome
        switch answer {
        case .taken:
            outcome = .delivered
            metrics?.callback(.delivered)
        case .refused(let why):
            outcome = .refused(why)
            metrics?.callback(.refused)
        case .notTaken(let why) where callback.attempt >= callbacks.attempts:
            outcome = .failed(why)
            metrics?.callback(.failed)
        case .notTaken(let why):
            outcome = .retry(after: callbacks.delay(after: callback.attempt), why)
        }
        try await queue.settle(callback, outcome)
    }
}
