import DocRouteModel
import DocRouteReaders
import Foundation

/// Reads many files with up to `jobs` threads and returns their reports in input order.
public struct InspectRunner: Sendable {
    public let reader: DocumentReader
    public let jobs: Int

    public init(reader: DocumentReader, jobs: Int) {
        self.reader = reader
        self.jobs = max(1, jobs)
    }

    public func run(_ files: [String]) -> [InspectReport] {
        let reader = self.reader
        var out: [InspectReport] = []
        out.reserveCapacity(files.count)
        OrderedParallel.run(
            count: files.count, jobs: jobs, work: { InspectReport(path: files[$0], reader: reader) },
            emit: { _, report in out.append(report) })
        return out
    }
}
