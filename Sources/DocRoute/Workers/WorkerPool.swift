import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
    import DocRouteModel
#endif

/// Runs a pipeline in worker processes, so that no document can take down the caller: a worker
/// that dies (a signal, a runtime trap, its memory cap) or overruns the document's deadline is
/// killed and replaced, and that document alone gets a `crashed` or `timeout` record.
///
/// Each calling thread takes an idle worker (starting one when none is idle), so a caller
/// running `jobs` threads gets `jobs` workers, each with its own OCR engine. Workers are
/// retired after `recycleAfter` documents.
public final class WorkerPool: DocumentProcessor {
    /// How the workers are started and supervised.
    public struct Settings: Sendable {
        /// The docroute executable.
        public var executable: String
        /// Its arguments: the hidden `worker` command and the pipeline's options.
        public var arguments: [String]
        /// Seconds a document may take, reading and extraction, before its worker is killed.
        public var deadline: Double
        /// Documents a worker reads before it is replaced by a fresh one.
        public var recycleAfter: Int
        /// The workers' memory cap in MiB (enforced by the worker; named in error messages).
        public var memoryMB: Int

        public init(
            executable: String, arguments: [String], deadline: Double, recycleAfter: Int = 500, memoryMB: Int = 2048
        ) {
            self.executable = executable; self.arguments = arguments; self.deadline = deadline
            self.recycleAfter = max(1, recycleAfter); self.memoryMB = memoryMB
        }
    }

    /// What the pool has done so far.
    public struct Stats: Sendable {
        public var started = 0
        public var startSeconds = 0.0
        public var crashed = 0
        public var timedOut = 0
        public var recycled = 0

        /// One line for a batch summary.
        public var text: String {
            String(
                format: "workers: %d started (%.0f ms each to start), %d crashed, %d timed out, %d recycled",
                started, started == 0 ? 0 : startSeconds * 1000 / Double(started), crashed, timedOut, recycled)
        }
    }

    public let spec: PipelineSpec
    public let settings: Settings
    private let idle = Mutex<[WorkerProcess]>([])
    private let counts = Mutex(Stats())
    private let environment: [String: String]

    public init(spec: PipelineSpec, settings: Settings) {
        self.spec = spec
        self.settings = settings
        // A worker's death shows as the end of its pipes; writing to one must not kill us.
        signal(SIGPIPE, SIG_IGN)
        var env = ProcessInfo.processInfo.environment
        env["DOCROUTE_SUPERVISOR"] = String(getpid())
        // Swift's backtracer takes seconds per crash; the runtime's message is enough here.
        if env["SWIFT_BACKTRACE"] == nil { env["SWIFT_BACKTRACE"] = "enable=no" }
        // Tesseract's OpenMP threads slow OCR down on few cores (each worker is one job).
        if env["OMP_THREAD_LIMIT"] == nil { env["OMP_THREAD_LIMIT"] = "1" }
        environment = env
    }

    deinit { shutdown() }

    public var stats: Stats { counts.withLock { $0 } }

    /// Ends every idle worker (they exit when their stdin closes).
    public func shutdown() {
        let workers = idle.withLock { w -> [WorkerProcess] in
            defer { w.removeAll() }; return w
        }
        for w in workers { w.retire() }
    }

    public func process(path: String) -> [Record] {
        let start = DispatchTime.now().uptimeNanoseconds
        let deadline = start + UInt64(settings.deadline * 1e9)
        let worker: WorkerProcess
        do { worker = try take() } catch { return [failed(path: path, error: error, start: start)] }
        switch worker.exchange(path: path, deadline: deadline) {
        case .answered(let lines):
            var records: [Record] = []
            for line in lines {
                guard let r = try? JSONDecoder().decode(Record.self, from: Data(line.utf8)) else {
                    worker.kill()
                    counts.withLock { $0.crashed += 1 }
                    return [
                        failed(
                            path: path, error: .crashed("the worker's answer is not a record: \(line.prefix(200))"),
                            start: start)
                    ]
                }
                records.append(r)
            }
            give(back: worker)
            return records
        case .timedOut:
            counts.withLock { $0.timedOut += 1 }
            return [failed(path: path, error: .timeout(seconds: settings.deadline), start: start)]
        case .died(let death):
            counts.withLock { $0.crashed += 1 }
            var message = death.description
            if death.outOfMemory { message += " (the worker's memory cap is \(settings.memoryMB) MiB)" }
            return [failed(path: path, error: .crashed(message), start: start)]
        }
    }

    /// An idle worker that is still alive, or a new one. (One that died while idle is
    /// dropped here, so the next document is not blamed for it.)
    private func take() throws(DocRouteError) -> WorkerProcess {
        while let w = idle.withLock({ $0.popLast() }) {
            if !w.hasExited { return w }
        }
        let w = try WorkerProcess.spawn(
            executable: settings.executable, arguments: settings.arguments,
            environment: environment, startTimeout: max(30, settings.deadline))
        counts.withLock {
            $0.started += 1; $0.startSeconds += w.startSeconds
        }
        return w
    }

    private func give(back worker: WorkerProcess) {
        if worker.documents >= settings.recycleAfter {
            worker.retire()
            counts.withLock { $0.recycled += 1 }
        } else {
            idle.withLock { $0.append(worker) }
        }
    }

    /// The record of a document its worker could not do (the file's hash kept, so `--resume`
    /// and the daemon know it).
    private func failed(path: String, error: DocRouteError, start: UInt64) -> Record {
        let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        return Record.failed(
            path: path, sha256: FileHash.sha256(path), pipeline: spec.name, error: Record.ErrorInfo(error),
            timings: Record.Timings(read: ms, total: ms))
    }
}
