import DocRouteModel
import Foundation

/// Counts by status and median time per kind of document, for the end of a batch.
public struct BatchSummary: Sendable, Encodable {
    public var documents = 0
    public var records = 0
    public var byStatus: [String: Int] = [:]
    /// Median total milliseconds per document, by kind (`pdf`, `scanned`, `png`, ...).
    public var medianMs: [String: Double] = [:]
    public var seconds: Double = 0
    private var times: [String: [Double]] = [:]

    public init() {}

    enum CodingKeys: String, CodingKey {
        case documents, records, byStatus = "by_status", medianMs = "median_ms", seconds
    }

    /// Adds one document's records.
    public mutating func add(_ records: [Record]) {
        documents += 1
        self.records += records.count
        for r in records { byStatus[r.status.rawValue, default: 0] += 1 }
        if let first = records.first {
            let kind = first.status == .failed ? "failed" : Evaluation.kind(of: first)?.rawValue ?? "failed"
            times[kind, default: []].append(first.timingsMs.total)
            let sorted = times[kind]!.sorted()
            medianMs[kind] = Statistics.median(sorted).rounded(toPlaces: 1)
        }
    }

    /// Documents whose record failed.
    public var failed: Int { byStatus[Record.Status.failed.rawValue] ?? 0 }

    /// One line per fact, for a terminal.
    public var text: String {
        var out = String(format: "%d documents, %d records in %.1f s: ", documents, records, seconds)
        out += ["ok", "partial", "needs_review", "failed"].map { "\(byStatus[$0] ?? 0) \($0)" }.joined(separator: ", ")
        if !medianMs.isEmpty {
            out +=
                "\nmedian ms per document: "
                + medianMs.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        return out
    }
}
