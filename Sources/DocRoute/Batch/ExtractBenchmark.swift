import DocRouteExtraction
import DocRouteModel
import DocRouteReaders
import Foundation

/// Measures what extraction costs once a document is read: the router's median time per page
/// with the pipeline's table fields (line items) and without them, so that their share shows.
public struct ExtractBenchmark: Sendable {
    /// One document's medians.
    public struct DocumentResult: Sendable, Encodable {
        public var file: String
        public var pages: Int
        /// Rows the table fields found.
        public var rows: Int
        public var msPerPage: Double
        public var msPerPageWithoutTables: Double
    }

    /// The whole report: per document, then the medians over documents with rows and without.
    public struct Report: Sendable, Encodable {
        public var pipeline: String
        public var documents: [DocumentResult]
        /// Median over documents where a table field found rows: extraction ms per page, and
        /// the part of it the table fields cost.
        public var withRowsMsPerPage: Double?
        public var withRowsTablesMsPerPage: Double?
        /// The same over documents where no rows were found.
        public var withoutRowsMsPerPage: Double?
        public var withoutRowsTablesMsPerPage: Double?
        public var errors: [String]
    }

    public let files: [String]
    public let spec: PipelineSpec
    public let repeats: Int

    public init(files: [String], spec: PipelineSpec, repeats: Int = 20) {
        self.files = files; self.spec = spec; self.repeats = max(1, repeats)
    }

    public func run() -> Report {
        let reader = DocumentReader()
        let router = Router(spec: spec)
        var bare = spec
        bare.tableFields = []
        let without = Router(spec: bare)
        var results: [DocumentResult] = []
        var errors: [String] = []
        // Both routers in turn, each repeat, so that the machine's drift falls on both alike.
        func medians(_ document: Document) -> (Double, Double, [Router.Extraction]) {
            var a: [Double] = [], b: [Double] = []
            var last: [Router.Extraction] = []
            for _ in 0..<repeats {
                var start = DispatchTime.now().uptimeNanoseconds
                last = router.extract(document)
                a.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                start = DispatchTime.now().uptimeNanoseconds
                _ = without.extract(document)
                b.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            return (Statistics.median(a), Statistics.median(b), last)
        }
        for file in files {
            let document: Document
            do { document = try reader.read(path: file) } catch {
                errors.append("\(file): \(error)")
                continue
            }
            let pages = max(document.pages.count, 1)
            let (withTables, plain, extractions) = medians(document)
            let rows = spec.tableFields.reduce(0) { n, t in
                n + (extractions.first?.fields[t.name]?.rows?.count ?? 0)
            }
            results.append(
                DocumentResult(
                    file: file, pages: pages, rows: rows,
                    msPerPage: (withTables / Double(pages)).rounded(toPlaces: 3),
                    msPerPageWithoutTables: (plain / Double(pages)).rounded(toPlaces: 3)))
        }
        func medians(_ list: [DocumentResult]) -> (Double?, Double?) {
            guard !list.isEmpty else { return (nil, nil) }
            return (
                Statistics.median(list.map(\.msPerPage)).rounded(toPlaces: 3),
                Statistics.median(list.map { $0.msPerPage - $0.msPerPageWithoutTables }).rounded(toPlaces: 3)
            )
        }
        let (a, b) = medians(results.filter { $0.rows > 0 })
        let (c, d) = medians(results.filter { $0.rows == 0 })
        return Report(
            pipeline: spec.name, documents: results, withRowsMsPerPage: a, withRowsTablesMsPerPage: b,
            withoutRowsMsPerPage: c, withoutRowsTablesMsPerPage: d, errors: errors)
    }
}
