import DocRoute
import DocRouteQueue
import Foundation

/// The async jobs of `docroute serve --postgres`: enqueued in PostgreSQL's job queue, read by
/// `docroute worker` processes on any host, and kept as the queue keeps them. Every request is
/// a job of its own (the queue's `--again`), even for content seen before.
public struct QueueJobs: JobStore {
    let queue: JobQueue
    let maxAttempts: Int

    public init(queue: JobQueue, maxAttempts: Int = 3) {
        self.queue = queue; self.maxAttempts = maxAttempts
    }

    public func submit(_ submission: Submission, pipeline: String) async throws -> JobStatus {
        let job: JobQueue.Enqueued
        switch submission.input {
        case .bytes(let bytes, let name):
            job = try await queue.enqueue(
                pipeline: pipeline, name: name, input: .bytes(bytes), sha256: FileHash.sha256(bytes), again: true,
                maxAttempts: maxAttempts, callbackURL: submission.callback)
        case .path(let path):
            // Its bytes when small, as workers on other hosts may not see this one's files.
            job = try await queue.enqueue(
                file: path, pipeline: pipeline, again: true, maxAttempts: maxAttempts, callbackURL: submission.callback)
        }
        return JobStatus(id: String(job.id), state: "queued", pipeline: pipeline, name: submission.name)
    }

    public func status(_ id: String) async throws -> JobStatus? {
        guard let number = Int64(id), let job = try await queue.job(number) else { return nil }
        return JobStatus(job)
    }
}

extension JobStatus {
    /// A job of the queue as the API shows it.
    init(_ job: JobQueue.Status) {
        self.init(
            id: String(job.id), state: job.state.rawValue, pipeline: job.pipeline, name: job.name,
            attempts: job.attempts, records: job.records)
    }
}
