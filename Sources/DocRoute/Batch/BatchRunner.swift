import Foundation
import Synchronization

/// Runs a pipeline over many files with up to `jobs` threads and hands each file's records
/// back on the caller's thread, in input order, as soon as they and those before are ready.
public struct BatchRunner: Sendable {
    public let pipeline: Pipeline
    public let jobs: Int

    public init(pipeline: Pipeline, jobs: Int) {
        self.pipeline = pipeline
        self.jobs = max(1, jobs)
    }

    /// Processes `files`; `emit(index, records)` is called once per file, in order.
    public func run(_ files: [String], emit: (Int, [Record]) -> Void) {
        guard !files.isEmpty else { return }
        let results = Mutex([Int: [Record]]())
        let next = Atomic(0)
        let ready = DispatchSemaphore(value: 0)
        let pipeline = self.pipeline
        let workers = min(jobs, files.count)
        DispatchQueue.global().async {
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let i = next.add(1, ordering: .relaxed).oldValue
                    guard i < files.count else { return }
                    let records = pipeline.process(path: files[i])
                    results.withLock { $0[i] = records }
                    ready.signal()
                }
            }
        }
        var emitted = 0
        while emitted < files.count {
            ready.wait()
            while let records = results.withLock({ $0.removeValue(forKey: emitted) }) {
                emit(emitted, records)
                emitted += 1
            }
        }
    }

    /// All records of `files`, in input order.
    public func run(_ files: [String]) -> [[Record]] {
        var out: [[Record]] = []
        out.reserveCapacity(files.count)
        run(files) { _, records in out.append(records) }
        return out
    }
}
