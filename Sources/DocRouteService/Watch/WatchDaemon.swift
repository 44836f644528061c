import DocRoute
import DocRouteModel
import Foundation
import Logging
import Synchronization

/// `docroute watch`: turns a hot folder into a stream of records, one per document that
/// lands, exactly once, even across `kill -9`.
///
/// A file is taken when it has stopped changing (`InboxScanner`), given a row in the state
/// file (`StateStore`), and claimed by an atomic rename into `processing/<id>--<name>`. A
/// worker hashes it, recognises content already seen, runs the pipeline (in a worker process
/// unless the daemon was given the pipeline itself), keeps the records in
/// the row, writes them durably (`RecordSink`), and only then moves the input to `done/` (or
/// `failed/`, with an error record beside it). Every step is recorded before the next, so a
/// restart resumes each document where it stopped.
public final class WatchDaemon: Sendable {
    public let config: WatchConfig
    let pipeline: any DocumentProcessor
    public let state: StateStore
    public let metrics: WatchMetrics
    let logger: Logger
    let events: FolderEvents

    struct Shared {
        var queue: [Int64] = []
        var queued: Set<Int64> = []
        var inFlight: Set<Int64> = []
        var stopping = false
    }
    let shared = Mutex(Shared())
    let available = DispatchSemaphore(value: 0)
    /// Serialises appends to a JSON Lines output.
    let outputLock = Mutex(())
    /// Size to cut the JSON Lines output back to before the next append (a failed append).
    let jsonlDirty = Mutex<Int64?>(nil)

    public init(
        config: WatchConfig, pipeline: any DocumentProcessor, logger: Logger = Logger(label: "docroute.watch"),
        metrics: WatchMetrics = WatchMetrics()
    ) throws {
        self.config = config
        self.pipeline = pipeline
        self.logger = logger
        self.metrics = metrics
        for dir in [config.inbox, config.processing, config.done, config.failed] {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        try config.sink.prepare()
        state = try StateStore(path: config.statePath)
        events = FolderEvents(useInotify: config.useInotify)
    }

    /// Stops taking files; documents being processed are finished, queued ones stay in
    /// `processing/` for the next start. Safe from any thread.
    public func stop() {
        let workers = shared.withLock { s -> Int in
            s.stopping = true
            return config.jobs
        }
        for _ in 0..<workers { available.signal() }
        events.wake()
    }

    var stopping: Bool { shared.withLock { $0.stopping } }

    /// Runs until `stop()` (or, with `once`, until the inbox is empty and nothing is left to
    /// do). Blocks the calling thread.
    public func run() throws {
        try recover()
        let group = DispatchGroup()
        for n in 0..<max(1, config.jobs) {
            group.enter()
            let thread = Thread { [self] in
                while let id = next() { handle(id) }
                group.leave()
            }
            thread.name = "docroute-watch-\(n)"
            thread.start()
        }
        logger.info(
            "watching",
            metadata: [
                "inbox": "\(config.inbox.path)", "jobs": "\(config.jobs)",
                "events": "\(events.usesInotify ? "inotify" : "polling")",
            ])
        var scanner = InboxScanner(inbox: config.inbox, recursive: config.recursive, settle: config.settle)
        var lastSchedule = -Double.infinity
        var lastDue: (queued: Bool, soonest: Double?) = (false, nil)
        while !stopping {
            let found = scanner.scan()
            events.watch(found.directories)
            let now = Date().timeIntervalSince1970
            let (ready, unsettled) = scanner.settled(found.files, now: now)
            for start in stride(from: 0, to: stopping ? 0 : ready.count, by: 64) {
                let batch = Array(ready[start..<min(ready.count, start + 64)])
                for entry in batch { scanner.forget(entry.name) }
                for id in claim(batch) { enqueue(id) }
            }
            // Rows waiting for a retry or an output: looked at twice a second (claimed files
            // are queued directly), and always before --once decides it is finished.
            var due: (queued: Bool, soonest: Double?) = (false, lastDue.soonest)
            if now - lastSchedule >= 0.5 || (config.once && ready.isEmpty && idle) {
                due = scheduleDue(now: now)
                lastSchedule = now
                lastDue = due
            }
            // With --once: done when nothing is settling, queued, in flight or due within 2 s
            // (a copy waiting for its original); later retries are left for the next run.
            if config.once && unsettled == 0 && ready.isEmpty && !due.queued && idle
                && (due.soonest ?? .infinity) > now + 2
            {
                break
            }
            var timeout =
                unsettled > 0 || config.once
                ? min(config.pollInterval, max(0.05, config.settle / 2)) : config.pollInterval
            if let soonest = due.soonest { timeout = min(timeout, max(0.05, soonest - now)) }
            events.wait(timeout: timeout)
        }
        stop()
        group.wait()
        logger.info("stopped", metadata: ["inbox": "\(config.inbox.path)"])
    }

    var idle: Bool { shared.withLock { $0.queue.isEmpty && $0.inFlight.isEmpty } }

    // MARK: queue

    func enqueue(_ id: Int64) {
        let added = shared.withLock { s -> Bool in
            guard !s.queued.contains(id), !s.inFlight.contains(id) else { return false }
            s.queue.append(id)
            s.queued.insert(id)
            return true
        }
        if added {
            metrics.queueDepth.increment()
            available.signal()
        }
    }

    func next() -> Int64? {
        enum Take { case stop, nothing, document(Int64) }
        while true {
            available.wait()
            let take = shared.withLock { s -> Take in
                if s.stopping { return .stop }
                guard !s.queue.isEmpty else { return .nothing }
                let id = s.queue.removeFirst()
                s.queued.remove(id)
                s.inFlight.insert(id)
                return .document(id)
            }
            switch take {
            case .stop: return nil
            case .nothing: continue
            case .document(let id):
                metrics.queueDepth.decrement()
                metrics.inFlight.increment()
                return id
            }
        }
    }

    /// Queues rows whose retry time has come and rows whose output is pending. Returns whether
    /// one was queued, and the earliest time a waiting row is due.
    func scheduleDue(now: Double) -> (queued: Bool, soonest: Double?) {
        guard let rows = try? state.pending() else { return (false, nil) }
        var queued = false
        var soonest: Double?
        let busy = shared.withLock { $0.queued.union($0.inFlight) }
        for row in rows where !busy.contains(row.id) {
            if let t = row.nextAttempt, t > now {
                soonest = min(soonest ?? t, t)
                continue
            }
            enqueue(row.id)
            queued = true
        }
        return (queued, soonest)
    }

    // MARK: claiming

    /// The file in `processing/` of row `id`.
    func processingURL(id: Int64, name: String) -> URL {
        config.processing.appendingPathComponent("\(id)--" + name.replacingOccurrences(of: "/", with: "__"))
    }

    /// Claims files: their content hashes, their rows (one commit for the batch), then the
    /// atomic renames into `processing/`. Returns the ids claimed (a file that went away is
    /// not). Hashing here, one file at a time, means every row has its hash before a worker
    /// looks for earlier copies. A crash between the commit and a rename leaves a `seen` row
    /// that the next start drops (the file is still in the inbox) or adopts (it was moved).
    func claim(_ entries: [InboxScanner.Entry]) -> [Int64] {
        let hashes = entries.map { Self.sha256(of: config.inbox.appendingPathComponent($0.name)) }
        let ids: [Int64]
        do {
            ids = try state.insert(zip(entries, hashes).map { ($0.name, $1) })
        } catch {
            logger.error("state file", metadata: ["error": "\(error)"])
            return []
        }
        var claimed: [Int64] = []
        for (entry, id) in zip(entries, ids) {
            let from = config.inbox.appendingPathComponent(entry.name)
            if rename(from.path, processingURL(id: id, name: entry.name).path) == 0 {
                claimed.append(id)
                continue
            }
            let e = errno
            try? state.delete(id)
            if e != ENOENT {
                logger.warning(
                    "cannot claim", metadata: ["name": "\(entry.name)", "error": "\(String(cString: strerror(e)))"])
            }
        }
        return claimed
    }

    /// A row whose file is in `processing/` but whose claim was not seen through (recovery).
    func adopt(_ id: Int64) throws {
        guard let row = try state.entry(id) else { return }
        let sha = Self.sha256(of: processingURL(id: id, name: row.name))
        try state.update(id, status: .processing, sha256: sha)
    }

    // MARK: work

    /// Does what row `id` needs next: extraction, then output and the move of the input.
    func handle(_ id: Int64) {
        defer {
            shared.withLock { _ = $0.inFlight.remove(id) }
            metrics.inFlight.decrement()
            events.wake()
        }
        do {
            guard var row = try state.entry(id) else { return }
            var records: [Record]?
            if row.status == .seen || row.status == .processing {
                guard let extracted = try extract(row) else { return }
                (row, records) = extracted
            }
            if [.extracted, .appending, .written].contains(row.status) { try finish(row, records: records) }
        } catch {
            logger.error("state file", metadata: ["id": "\(id)", "error": "\(error)"])
        }
    }

    static let transientCodes: Set<String> = ["llm_unreachable", "llm_timeout", "llm_http"]

    /// Runs the pipeline on row `row`'s file (or copies the records of the same content seen
    /// before) and keeps the records in the row. Nil when the document waits (a retry later,
    /// or its original is not extracted yet).
    func extract(_ row: StateStore.Entry) throws -> (StateStore.Entry, [Record])? {
        let file = processingURL(id: row.id, name: row.name)
        let inboxPath = config.inbox.appendingPathComponent(row.name).path
        let attempts = row.attempts + 1
        var records: [Record]
        var duplicateOf: Int64?
        let start = DispatchTime.now().uptimeNanoseconds
        if attempts > config.maxAttempts {
            // Interrupted (or failed transiently) too often: set it aside.
            let reason = row.lastError ?? "the daemon stopped while processing it"
            records = [
                failure(
                    path: inboxPath, sha256: row.sha256, code: "quarantined",
                    message: "given up after \(row.attempts) attempts: \(reason)")
            ]
            metrics.document(outcome: "quarantined")
        } else {
            guard FileManager.default.fileExists(atPath: file.path) else {
                // The claimed file is gone (removed by hand): nothing left to do but say so.
                records = [
                    failure(
                        path: inboxPath, sha256: row.sha256, code: "io",
                        message: "the file left processing/ before it was read")
                ]
                return try keep(row, records: records, duplicateOf: nil)
            }
            try state.update(
                row.id, status: .processing, attempts: attempts,
                lastError: .some("interrupted while processing (attempt \(attempts))"))
            guard let sha = row.sha256 ?? Self.sha256(of: file) else {
                records = [
                    failure(
                        path: inboxPath, sha256: nil, code: "io",
                        message: "cannot read the file: \(String(cString: strerror(errno)))")
                ]
                return try keep(row, records: records, duplicateOf: nil)
            }
            if row.sha256 == nil { try state.update(row.id, sha256: sha) }
            let original = try state.first(sha256: sha)
            if let original, original.id != row.id, !(original.records ?? "").isEmpty {
                duplicateOf = original.id
                records = Self.decode(original.records ?? "").map { r in
                    var r = r
                    r.source.path = inboxPath
                    r.duplicateOf = config.inbox.appendingPathComponent(original.name).path
                    return r
                }
            } else if let original, original.id != row.id {
                // The same content arrived earlier and is still being read: wait for it.
                try state.update(
                    row.id, attempts: row.attempts, lastError: .some(nil),
                    nextAttempt: .some(Date().timeIntervalSince1970 + 0.5))
                return nil
            } else {
                records = pipeline.process(path: file.path).map { r in
                    var r = r
                    r.source.path = inboxPath
                    if r.source.sha256 == nil { r.source.sha256 = sha }
                    return r
                }
                metrics.llmCalls.increment(by: Int64(records.first?.route.llmCalls ?? 0))
                let transient = records.flatMap(\.errors).first { Self.transientCodes.contains($0.code) }
                if transient != nil && attempts >= config.maxAttempts {
                    // Still failing after every attempt: quarantined with what it got.
                    metrics.document(outcome: "quarantined")
                    metrics.seconds.record(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                    return try keep(row, records: records, duplicateOf: nil, quarantine: true)
                }
                if let transient {
                    let wait = config.backoff(attempts)
                    try state.update(
                        row.id, lastError: .some("\(transient.code): \(transient.message)"),
                        nextAttempt: .some(Date().timeIntervalSince1970 + wait))
                    metrics.document(outcome: "retry")
                    logger.warning(
                        "retry later",
                        metadata: [
                            "name": "\(row.name)", "attempt": "\(attempts)",
                            "error": "\(transient.code)", "in_s": "\(Int(wait.rounded()))",
                        ])
                    return nil
                }
            }
        }
        metrics.seconds.record(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        return try keep(row, records: records, duplicateOf: duplicateOf)
    }

    /// Keeps the records in the row (`extracted`). A document goes to `failed/` when every
    /// record failed, or when it is `quarantine`d.
    func keep(_ row: StateStore.Entry, records: [Record], duplicateOf: Int64?, quarantine: Bool = false) throws -> (
        StateStore.Entry, [Record]
    ) {
        let isFailure = quarantine || (!records.isEmpty && records.allSatisfy { $0.status == .failed })
        let lines = records.map { $0.json() }.joined(separator: "\n") + "\n"
        let error =
            isFailure
            ? records.flatMap(\.errors).first.map {
                $0.message.hasPrefix($0.code) ? $0.message : "\($0.code): \($0.message)"
            } : nil
        var decided = row
        decided.isFailure = isFailure
        let final = try destination(for: decided)
        try state.update(
            row.id, status: .extracted, lastError: .some(error), nextAttempt: .some(nil), records: lines,
            finalPath: final, duplicateOf: duplicateOf, isFailure: isFailure)
        decided.status = .extracted
        decided.lastError = error
        decided.nextAttempt = nil
        decided.records = lines
        decided.finalPath = final
        decided.duplicateOf = duplicateOf
        return (decided, records)
    }

    /// A record for a document that yields none of its own.
    func failure(path: String, sha256: String?, code: String, message: String) -> Record {
        Record.failed(
            path: path, sha256: sha256, pipeline: pipeline.spec.name,
            error: Record.ErrorInfo(code: code, message: message))
    }

    static func decode(_ lines: String) -> [Record] {
        lines.split(separator: "\n").compactMap { try? JSONDecoder().decode(Record.self, from: Data($0.utf8)) }
    }

    /// SHA-256 of a file (see `FileHash`); nil when it cannot be read.
    static func sha256(of url: URL) -> String? { FileHash.sha256(url.path) }

    // MARK: output

    /// Writes the records durably, then moves the input out of `processing/` and marks the
    /// row finished. After a crash anywhere in here the whole is redone: the record file is
    /// replaced by the same one (or the appended lines cut and appended again), and an input
    /// already moved stays where it is.
    func finish(_ row: StateStore.Entry, records known: [Record]? = nil) throws {
        do {
            // Appends to one file are serialised; record files of their own are not.
            if case .jsonl = config.sink {
                if row.status != .written { try outputLock.withLock { _ in try write(row) } }
            } else {
                try write(row)
            }
            try move(row)
        } catch let error as SinkError {
            metrics.outputErrors.increment()
            let wait = min(30, max(1, config.retryBase))
            try state.update(
                row.id, lastError: .some("output: \(error)"), nextAttempt: .some(Date().timeIntervalSince1970 + wait))
            logger.error(
                "cannot write output; will retry",
                metadata: ["name": "\(row.name)", "error": "\(error)", "in_s": "\(Int(wait))"])
            return
        }
        let records = known ?? Self.decode(row.records ?? "")
        for r in records { metrics.record(status: r.status.rawValue) }
        let outcome =
            row.duplicateOf != nil
            ? (config.skipDuplicates ? "skipped" : "duplicate") : (row.isFailure ? "failed" : "done")
        metrics.document(outcome: outcome)
        var meta: Logger.Metadata = [
            "name": "\(row.name)", "outcome": "\(outcome)", "records": "\(records.count)",
            "status": "\(records.map(\.status.rawValue).joined(separator: ","))",
        ]
        if let ms = records.first?.timingsMs.total { meta["ms"] = "\(Int(ms.rounded()))" }
        if let e = records.first?.errors.first { meta["error"] = "\(e.code)" }
        logger.info("document", metadata: meta)
    }

    /// The key of a row's records in the output: its content hash; a duplicate drop adds its id.
    func key(_ row: StateStore.Entry) -> String {
        let sha = row.sha256 ?? "unhashed"
        return row.duplicateOf == nil && row.sha256 != nil ? sha : "\(sha)-\(row.id)"
    }

    func write(_ row: StateStore.Entry) throws {
        if row.duplicateOf != nil && config.skipDuplicates { return }
        let text = row.records ?? ""
        if row.isFailure {
            // An error record beside the failed input, first: a row marked written (appended to
            // a JSON Lines output) is not written again after a crash, so nothing may follow.
            let url = config.failed.appendingPathComponent("\(row.name).\(row.id).error.jsonl")
            try? FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try RecordSink.writeDurably(Data(text.utf8), to: url)
        }
        switch config.sink {
        case .directory(let dir):
            try RecordSink.writeDurably(Data(text.utf8), to: dir.appendingPathComponent(key(row) + ".jsonl"))
        case .jsonl(let file):
            // The state says where the append starts (a restart that finds the row still
            // appending cuts the file back there), then that it was written: before the lock is
            // released, so the next append is never cut by such a restart.
            try RecordSink.append(
                text, to: file, dirty: jsonlDirty,
                starting: { try state.update(row.id, status: .appending, jsonlOffset: .some($0)) },
                written: { try state.update(row.id, status: .written) },
                failed: { try state.update(row.id, status: .extracted) })
        }
    }

    /// Where the input goes: `done/NAME` or `failed/NAME`, "" to delete. A name that arrived
    /// before (another row) or whose place is taken becomes `NAME.ID.ext`; so two documents
    /// of one name finishing at once never pick the same place.
    func destination(for row: StateStore.Entry) throws -> String {
        if config.deleteDone && !row.isFailure { return "" }
        let folder = row.isFailure ? "failed" : "done"
        var rel = folder + "/" + row.name
        if try state.hasEarlier(name: row.name, than: row.id)
            || FileManager.default.fileExists(atPath: config.inbox.appendingPathComponent(rel).path)
        {
            let url = URL(fileURLWithPath: row.name)
            let ext = url.pathExtension
            let stem = ext.isEmpty ? row.name : String(row.name.dropLast(ext.count + 1))
            rel = folder + "/" + stem + ".\(row.id)" + (ext.isEmpty ? "" : "." + ext)
        }
        return rel
    }

    /// Moves (or deletes) the input of a row whose records are durable, and marks it finished.
    func move(_ row: StateStore.Entry) throws {
        let from = processingURL(id: row.id, name: row.name)
        let final = row.finalPath ?? ""
        if FileManager.default.fileExists(atPath: from.path) {
            if final.isEmpty {
                guard unlink(from.path) == 0 else {
                    throw SinkError.io("cannot delete \(from.path): \(String(cString: strerror(errno)))")
                }
            } else {
                let to = config.inbox.appendingPathComponent(final)
                try? FileManager.default.createDirectory(
                    at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
                guard rename(from.path, to.path) == 0 else {
                    throw SinkError.io("cannot move to \(final): \(String(cString: strerror(errno)))")
                }
                RecordSink.syncDirectory(to.deletingLastPathComponent())
            }
            RecordSink.syncDirectory(config.processing)
        }
        try state.update(row.id, status: row.isFailure ? .failed : .done, nextAttempt: .some(nil))
    }
}
