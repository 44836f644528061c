import DocRouteModel
import Foundation

/// Turns one file into its records: a `Pipeline` in this process, or a `WorkerPool` that runs
/// the pipeline in worker processes. Never throws: a document that cannot be done gives one
/// `failed` record with a typed error.
public protocol DocumentProcessor: Sendable {
    /// The pipeline's spec (names records, scores evaluations).
    var spec: PipelineSpec { get }
    /// The records of the file at `path`: one, or one per row of a register table.
    func process(path: String) -> [Record]
}

extension Pipeline: DocumentProcessor {}

extension DocumentProcessor {
    /// `process(path:)` for async callers: run on a thread of its own, since it blocks while a
    /// worker process reads the document.
    public func records(of path: String) async -> [Record] {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: self.process(path: path)) }
            thread.name = "docroute-document"
            thread.start()
        }
    }
}
