import DocRoute
import DocRouteService
import Foundation
import Logging
import Synchronization

/// `docroute watch INBOX --postgres URL`: a hot folder that feeds the job queue instead of
/// extracting. Each file, once it has stopped changing (`--settle`), is enqueued with its bytes,
/// then moved to `done/` (or deleted). A crash between the two costs nothing: the file is
/// enqueued again at the next start, and enqueueing the same content for the same pipeline finds
/// the job already there. A file over the inline limit goes to `failed/` with a `.error` note
/// beside it: the workers could not read it here (`docroute enqueue` takes it by path).
public final class QueueInbox: Sendable {
    /// What is watched and how files are enqueued.
    public struct Settings: Sendable {
        public var inbox: URL
        /// The pipeline (its spec's name) the files are enqueued for.
        public var pipeline: String
        public var recursive = false
        public var settle = 1.0
        public var pollInterval = 2.0
        public var inlineLimit = JobQueue.defaultInlineLimit
        public var maxAttempts = 3
        public var deleteDone = false
        /// Enqueue what is there, then return.
        public var once = false

        public init(inbox: URL, pipeline: String) {
            self.inbox = inbox
            self.pipeline = pipeline
        }
    }

    public let queue: JobQueue
    public let settings: Settings
    let logger: Logger
    private let stopping = Atomic<Bool>(false)

    public init(queue: JobQueue, settings: Settings, logger: Logger = Logger(label: "docroute.watch")) {
        self.queue = queue; self.settings = settings; self.logger = logger
    }

    /// Enqueues no more files; `run` returns after the file in hand.
    public func stop() { stopping.store(true, ordering: .relaxed) }

    /// Watches until `stop()` (or, with `once`, until nothing settled or settling is left).
    public func run() async throws {
        var scanner = InboxScanner(inbox: settings.inbox, recursive: settings.recursive, settle: settings.settle)
        logger.info("watching", metadata: ["inbox": "\(settings.inbox.path)", "queue": "\(settings.pipeline)"])
        while !stopping.load(ordering: .relaxed) {
            let (ready, unsettled) = scanner.settled(scanner.scan().files, now: Date().timeIntervalSince1970)
            for entry in ready where !stopping.load(ordering: .relaxed) {
                scanner.forget(entry.name)
                try await take(entry.name)
            }
            if settings.once && ready.isEmpty && unsettled == 0 { break }
            let wait =
                unsettled > 0 ? min(settings.pollInterval, max(0.05, settings.settle / 2)) : settings.pollInterval
            try? await Task.sleep(for: .milliseconds(Int(wait * 1000)))
        }
        logger.info("stopped", metadata: ["inbox": "\(settings.inbox.path)"])
    }

    /// Enqueues one settled file and moves it out of the inbox. A database error is thrown (the
    /// file stays for the next start); a file that cannot be enqueued goes to `failed/`.
    func take(_ name: String) async throws {
        let url = settings.inbox.appendingPathComponent(name)
        var size = 0
        if let s = try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber { size = s.intValue }
        guard size <= settings.inlineLimit else {
            try set(
                name, aside: "failed",
                note:
                    "\(size) bytes, more than the \(settings.inlineLimit) a job holds: enqueue it by path (docroute enqueue), from storage every worker reads\n"
            )
            return
        }
        do {
            let job = try await queue.enqueue(
                file: url.path, pipeline: settings.pipeline, inlineLimit: settings.inlineLimit,
                maxAttempts: settings.maxAttempts)
            logger.info("enqueued", metadata: ["file": "\(name)", "job": "\(job.id)", "new": "\(job.created)"])
        } catch let error as QueueError {
            try set(name, aside: "failed", note: "\(error)\n")
            return
        }
        if settings.deleteDone {
            try FileManager.default.removeItem(at: url)
        } else {
            try set(name, aside: "done", note: nil)
        }
    }

    /// Moves `name` into `folder` (a new name when one is taken), with a note beside it.
    func set(_ name: String, aside folder: String, note: String?) throws {
        let from = settings.inbox.appendingPathComponent(name)
        var to = settings.inbox.appendingPathComponent(folder).appendingPathComponent(name)
        try FileManager.default.createDirectory(at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
        if FileManager.default.fileExists(atPath: to.path) {
            let ext = to.pathExtension
            let stem = to.deletingPathExtension().lastPathComponent
            let unique = "\(stem).\(UUID().uuidString.prefix(8).lowercased())" + (ext.isEmpty ? "" : ".\(ext)")
            to = to.deletingLastPathComponent().appendingPathComponent(unique)
        }
        try FileManager.default.moveItem(at: from, to: to)
        if let note { try Data(note.utf8).write(to: to.appendingPathExtension("error")) }
    }
}
