import Foundation
import Synchronization

/// Reads many files with up to `jobs` threads and returns their reports in input order.
public struct InspectRunner: Sendable {
    public let reader: DocumentReader
    public let jobs: Int

    public init(reader: DocumentReader, jobs: Int) {
        self.reader = reader
        self.jobs = max(1, jobs)
    }

    public func run(_ files: [String]) -> [InspectReport] {
        let results = Mutex([Int: InspectReport]())
        let next = Atomic(0)
        let reader = self.reader
        DispatchQueue.concurrentPerform(iterations: min(jobs, max(files.count, 1))) { _ in
            while true {
                let i = next.add(1, ordering: .relaxed).oldValue
                guard i < files.count else { return }
                let report = InspectReport(path: files[i], reader: reader)
                results.withLock { $0[i] = report }
            }
        }
        return results.withLock { r in files.indices.compactMap { r[$0] } }
    }
}
