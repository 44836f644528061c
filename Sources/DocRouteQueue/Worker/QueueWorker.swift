import DocRoute
import DocRouteModel
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Takes jobs of one pipeline from the queue and writes their records: `lanes` jobs at a time,
/// each through `processor` (worker processes, so a document that crashes its reader costs
/// that document only). A job its reader crashed on is given up at once (dead-lettered with its
/// `crashed` record); any other record, an error record included, is the job done. `stop()`
/// (SIGTERM) lets the jobs in flight finish and claims no more.
public final class QueueWorker: Sendable {
    /// How the worker claims and holds jobs.
    public struct Settings: Sendable {
        /// The pipeline (its spec's name) whose jobs are claimed.
        public var pipeline: String
        /// Jobs processed at a time.
        public var lanes: Int
        /// How long a claim holds without a heartbeat; renewed every third of it.
        public var lease: Duration
        /// How long an idle lane waits for a notification before asking the queue again.
        public var poll: Duration
        /// This worker's name on its leases (unique per process).
        public var owner: String
        /// Where inputs held in the database are written for reading.
        public var scratch: URL

        public init(
            pipeline: String, lanes: Int, lease: Duration = .seconds(30), poll: Duration = .seconds(2),
            owner: String = QueueWorker.defaultOwner, scratch: URL? = nil
        ) {
            self.pipeline = pipeline; self.lanes = max(1, lanes); self.lease = lease; self.poll = poll
            self.owner = owner
            self.scratch =
                scratch
                ?? FileManager.default.temporaryDirectory.appendingPathComponent(
                    "docroute-worker-\(getpid())-\(UUID().uuidString.prefix(8))")
        }
    }

    /// host:pid:random: unique among the workers of one queue.
    public static var defaultOwner: String {
        "\(ProcessInfo.processInfo.hostName):\(getpid()):\(UUID().uuidString.prefix(8))"
    }

    public let queue: JobQueue
    public let processor: any DocumentProcessor
    public let settings: Settings
    public let metrics: QueueMetrics
    let logger: Logger
    private let stopping = Atomic<Bool>(false)
    private let bell = Bell()
    /// The jobs this worker is processing: the only leases its heartbeat renews.
    private let held = Mutex<Set<Int64>>([])

    public init(
        queue: JobQueue, processor: any DocumentProcessor, settings: Settings, metrics: QueueMetrics = QueueMetrics(),
        logger: Logger = Logger(label: "docroute.worker")
    ) {
        self.queue = queue; self.processor = processor; self.settings = settings; self.metrics = metrics
        self.logger = logger
    }

    /// Claims no more jobs; `run` returns when those in flight are written.
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        bell.ring()
    }

    var isStopping: Bool { stopping.load(ordering: .relaxed) }

    /// Works until `stop()`; throws at once when the database's queue schema is not this build's.
    public func run() async throws {
        try await queue.checkSchema()
        try FileManager.default.createDirectory(at: settings.scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: settings.scratch) }
        await withTaskGroup(of: Void.self) { background in
            background.addTask { await self.keepLeases() }
            background.addTask { await self.listen() }
            await withTaskGroup(of: Void.self) { lanes in
                for _ in 0..<settings.lanes { lanes.addTask { await self.lane() } }
            }
            background.cancelAll()
        }
    }

    /// Claims and processes jobs one after another until stopped.
    func lane() async {
        while !isStopping {
            let rung = bell.count
            let job: Job?
            do {
                job = try await queue.claim(pipeline: settings.pipeline, owner: settings.owner, lease: settings.lease)
            } catch {
                logger.warning("cannot claim a job: \(String(reflecting: error))")
                await bell.wait(after: rung, upTo: settings.poll, unless: { self.isStopping })
                continue
            }
            guard let job else {
                await bell.wait(after: rung, upTo: settings.poll, unless: { self.isStopping })
                continue
            }
            await process(job)
        }
    }

    /// Reads `job` and writes its records (or gives it up, when its reader crashed).
    func process(_ job: Job) async {
        let start = ContinuousClock.now
        metrics.inFlight.increment()
        held.withLock { _ = $0.insert(job.id) }
        defer {
            held.withLock { _ = $0.remove(job.id) }
            metrics.inFlight.decrement()
        }
        var records: [Record]
        var file: URL? = nil
        if let bytes = job.bytes {
            let name = (job.name as NSString).lastPathComponent.replacingOccurrences(of: "/", with: "_")
            let url = settings.scratch.appendingPathComponent("\(job.id)-\(name.isEmpty ? "input" : name)")
            do {
                try bytes.write(to: url)
                file = url
            } catch {
                // This host cannot hold the input (a full disk): the job goes back for another
                // worker, and this lane waits a while; on its last attempt it is given up.
                logger.error("cannot write job \(job.id)'s input to \(url.path): \(error)")
                if job.attempts >= job.maxAttempts {
                    let failed = Record.failed(
                        path: job.name, sha256: job.sha256, pipeline: job.pipeline,
                        error: Record.ErrorInfo(.io("no worker could hold the input: \(error)")))
                    _ = try? await queue.finish(job, owner: settings.owner, records: [failed], dead: true)
                } else {
                    try? await queue.release(job, owner: settings.owner)
                }
                try? await Task.sleep(for: settings.poll)
                return
            }
        }
        let path = file?.path ?? job.path ?? ""
        records = await processor.records(of: path)
        if let file { try? FileManager.default.removeItem(at: file) }
        for i in records.indices { records[i].source.path = job.name }
        let crashed = records.contains { $0.errors.contains { $0.code == DocRouteError.crashed("").code } }
        // A passing fault of the database (a restart) is waited out while the lease lasts.
        let until = ContinuousClock.now + settings.lease
        while true {
            do {
                let held = try await queue.finish(job, owner: settings.owner, records: records, dead: crashed)
                metrics.seconds.record((ContinuousClock.now - start).seconds)
                if !held {
                    metrics.job(outcome: "lost")
                    logger.warning("job \(job.id)'s lease ran out before it was done: another worker does it")
                } else {
                    metrics.job(outcome: crashed ? "dead" : "done")
                    if crashed { metrics.deadLetters.increment() }
                    for r in records { metrics.record(status: r.status.rawValue) }
                }
                return
            } catch {
                guard ContinuousClock.now < until, !Task.isCancelled else {
                    logger.error("cannot write job \(job.id)'s records: \(String(reflecting: error))")
                    return
                }
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    /// Renews this worker's leases every third of a lease, puts back jobs whose lease ran out,
    /// and measures the queue, until cancelled.
    func keepLeases() async {
        while !Task.isCancelled {
            do {
                try await queue.heartbeat(
                    owner: settings.owner, jobs: Array(held.withLock { $0 }), lease: settings.lease)
                let reclaimed = try await queue.reclaim()
                let expired = reclaimed.requeued.count + reclaimed.dead.count
                if expired > 0 {
                    metrics.leaseExpiries.increment(by: Double(expired))
                    metrics.deadLetters.increment(by: Double(reclaimed.dead.count))
                    logger.info(
                        "leases ran out: \(reclaimed.requeued.count) jobs put back, \(reclaimed.dead.count) given up")
                }
                let counts = try await queue.counts(pipeline: settings.pipeline)
                metrics.queueDepth.set(Double(counts[.queued] ?? 0))
            } catch {
                logger.warning("cannot renew leases: \(String(reflecting: error))")
            }
            try? await Task.sleep(for: settings.lease / 3)
        }
    }

    /// Rings the bell when a job of this pipeline is queued (`LISTEN docroute_jobs`), until
    /// cancelled; lanes poll besides, so a lost connection only slows the wake-up.
    func listen() async {
        let pipeline = settings.pipeline
        await queue.listen(on: "docroute_jobs", retry: settings.poll) { payload in
            if payload == pipeline { self.bell.ring() }
        }
    }
}

/// Wakes idle lanes: a count of rings that a lane waits to see change.
package final class Bell: Sendable {
    private let rings = Atomic<Int>(0)

    package init() {}

    package var count: Int { rings.load(ordering: .relaxed) }

    package func ring() { rings.add(1, ordering: .relaxed) }

    /// Returns when the bell rang after `seen`, `unless` holds, or `upTo` has passed (checked
    /// every 20 ms: a lane wakes at most that late).
    package func wait(after seen: Int, upTo: Duration, unless: () -> Bool) async {
        let end = ContinuousClock.now + upTo
        while count == seen, !unless(), ContinuousClock.now < end, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
