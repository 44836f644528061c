import DocRoute
import DocRouteModel
import Foundation
import Logging

/// The async jobs of a `docroute serve` without `--postgres`: held in this process's memory,
/// read by the pipelines' worker processes as they come, and lost with the process (a job
/// queued or running when the server stops is not read; `--postgres` keeps them). The newest
/// `keep` finished jobs stay to be asked for; at most `maxPending` wait or run at once (503
/// `busy` past it).
public actor MemoryJobs: JobStore {
    let pipelines: Pipelines
    let callbacks: Callbacks?
    let metrics: ServeMetrics?
    let maxPending: Int
    let keep: Int
    var jobs: [String: JobStatus] = [:]
    var finished: [String] = []
    var pending = 0
    var next = 1

    public init(
        pipelines: Pipelines, callbacks: Callbacks?, metrics: ServeMetrics? = nil, maxPending: Int = 1000,
        keep: Int = 10_000
    ) {
        self.pipelines = pipelines; self.callbacks = callbacks; self.metrics = metrics
        self.maxPending = maxPending; self.keep = keep
    }

    public func submit(_ submission: Submission, pipeline: String) throws -> JobStatus {
        let processor = try pipelines.processor(pipeline)
        guard pending < maxPending else {
            var error = APIError(
                .serviceUnavailable, code: "busy", "\(maxPending) jobs are waiting here already; try again later")
            error.headers[.retryAfter] = "5"
            throw error
        }
        let id = String(next)
        next += 1
        let job = JobStatus(id: id, state: "queued", pipeline: pipeline, name: submission.name)
        jobs[id] = job
        pending += 1
        metrics?.jobsPending.set(to: Double(pending))
        Task { await self.run(job, submission, processor) }
        return job
    }

    public func status(_ id: String) -> JobStatus? { jobs[id] }

    func run(_ job: JobStatus, _ submission: Submission, _ processor: any DocumentProcessor) async {
        var job = job
        job.state = "running"
        job.attempts = 1
        jobs[job.id] = job
        let records: [Record]
        do {
            records = try await APIServer.records(of: submission.input, with: processor, metrics: metrics)
        } catch {
            records = [
                Record.failed(
                    path: submission.name, pipeline: job.pipeline,
                    error: Record.ErrorInfo(code: "io", message: "\(error)"))
            ]
        }
        job.state = "done"
        job.records = records.map { $0.json() }
        jobs[job.id] = job
        pending -= 1
        metrics?.jobsPending.set(to: Double(pending))
        finished.append(job.id)
        if finished.count > keep {
            for old in finished.prefix(finished.count - keep) { jobs[old] = nil }
            finished.removeFirst(finished.count - keep)
        }
        if let url = submission.callback, let callbacks {
            let outcome = await callbacks.deliver(job, to: url)
            metrics?.callback(outcome)
        }
    }
}
