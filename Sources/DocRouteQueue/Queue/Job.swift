import Foundation

/// A document claimed from the queue: what to read, under which lease, and how often it was tried.
public struct Job: Sendable, Hashable {
    public var id: Int64
    public var pipeline: String
    /// The input's name as enqueued (records carry it as `source.path`).
    public var name: String
    /// The bytes held in the database, or nil when the job names a path (`path`).
    public var bytes: Data?
    /// A path every worker can read, when the bytes are not held.
    public var path: String?
    public var sha256: String
    /// Claims so far, this one included.
    public var attempts: Int
    public var maxAttempts: Int
    public var callbackURL: String?
}

/// Where a job stands (`JobQueue.state`).
public enum JobState: String, Sendable, Codable, CaseIterable {
    /// Waiting for a worker.
    case queued
    /// Claimed by a worker whose lease has not run out.
    case running
    /// Its records are written.
    case done
    /// Given up: its worker crashed on it, or its lease ran out `max_attempts` times; its one
    /// record says why.
    case dead
}
