import DocRouteModel
import Foundation

/// How `docroute watch` runs: the inbox, where records go, and the daemon's rules.
public struct WatchConfig: Sendable {
    /// The hot folder. The daemon keeps `processing/`, `done/` and `failed/` inside it.
    public var inbox: URL
    public var sink: RecordSink
    /// The SQLite state file (default: `INBOX/.docroute-state.sqlite`).
    public var statePath: String
    /// Documents processed at once.
    public var jobs = 1
    /// Seconds between scans when no event arrives (the only trigger without inotify).
    public var pollInterval = 2.0
    /// Seconds a file's size and modification time must stay unchanged before it is taken.
    public var settle = 1.0
    public var recursive = false
    /// Process what is in the inbox (and left from a crash), then exit.
    public var once = false
    /// Delete inputs once their records are durable, instead of moving them to `done/`.
    public var deleteDone = false
    /// Attempts per document: transient failures (LLM unreachable) are retried with backoff up
    /// to this many, and a document that was being processed this many times when the daemon
    /// died is quarantined (it may be what kills it).
    public var maxAttempts = 3
    /// A document whose content was already processed gets no record (moved to `done/`).
    public var skipDuplicates = false
    /// Use inotify when available (polling otherwise).
    public var useInotify = true
    /// First retry delay in seconds; doubled per attempt, with jitter, capped at 5 minutes.
    public var retryBase = 2.0

    public init(inbox: URL, sink: RecordSink, statePath: String? = nil) {
        self.inbox = inbox
        self.sink = sink
        self.statePath = statePath ?? inbox.appendingPathComponent(".docroute-state.sqlite").path
    }

    var processing: URL { inbox.appendingPathComponent("processing") }
    var done: URL { inbox.appendingPathComponent("done") }
    var failed: URL { inbox.appendingPathComponent("failed") }

    /// Seconds before retry `attempt` (1-based): base · 2^(attempt−1) × 0.5–1.5, ≤ 300.
    func backoff(_ attempt: Int) -> Double {
        min(300, retryBase * pow(2, Double(max(0, attempt - 1))) * Double.random(in: 0.5...1.5))
    }
}
