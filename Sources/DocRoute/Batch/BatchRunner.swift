import DocRouteModel
import Foundation

/// Runs a pipeline (in this process or in workers) over many files, `jobs` at a time, and
/// hands each file's records back on the caller's thread, in input order, as soon as they and
/// those before are ready.
public struct BatchRunner: Sendable {
    public let pipeline: any DocumentProcessor
    public let jobs: Int

    public init(pipeline: any DocumentProcessor, jobs: Int) {
        self.pipeline = pipeline
        self.jobs = max(1, jobs)
    }

    /// Processes `files`; `emit(index, records)` is called once per file, in order.
    public func run(_ files: [String], emit: (Int, [Record]) -> Void) {
        let pipeline = self.pipeline
        OrderedParallel.run(count: files.count, jobs: jobs, work: { pipeline.process(path: files[$0]) }, emit: emit)
    }

    /// All records of `files`, in input order.
    public func run(_ files: [String]) -> [[Record]] {
        var out: [[Record]] = []
        out.reserveCapacity(files.count)
        run(files) { _, records in out.append(records) }
        return out
    }
}
