/// Where `POST /v1/jobs` puts a document and `GET /v1/jobs/{id}` finds it: this process's
/// memory (`MemoryJobs`) or PostgreSQL's job queue (`QueueJobs`).
public protocol JobStore: Sendable {
    /// Takes the job and answers at once, before it is read; throws an `APIError` to refuse it.
    func submit(_ submission: Submission, pipeline: String) async throws -> JobStatus
    /// The job's state, or nil when there is no such job.
    func status(_ id: String) async throws -> JobStatus?
}
