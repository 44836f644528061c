/// What went wrong talking to the queue (not a document's error: those are records).
public enum QueueError: Error, Sendable, CustomStringConvertible {
    /// The connection URL cannot be used.
    case badURL(String)
    /// The database is not migrated to the version this build needs.
    case notMigrated(have: Int, need: Int)
    /// An input cannot be enqueued (unreadable, or too large to hold and no path to give).
    case input(String)

    public var description: String {
        switch self {
        case .badURL(let m): "bad PostgreSQL URL: \(m)"
        case .notMigrated(let have, let need):
            "the database's queue schema is at version \(have), this build needs \(need): run `docroute db migrate`"
        case .input(let m): m
        }
    }
}
