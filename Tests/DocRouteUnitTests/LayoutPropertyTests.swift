import DocRouteTestSupport
import Foundation
import PropertyBased
import Testing

@testable import DocRouteExtraction
@testable import DocRouteModel

/// Issue 19: random word boxes, lines, labels and overlaps, and random tables with spans up to
/// a whole sheet, through the layout, table, replacement and direct code of every shipped
/// pipeline. A trap would end the test process, so these fail loudly; each document must also
/// be extracted quickly, with one field per spec field.
@Suite struct LayoutPropertyTests {
    /// Labels of the shipped pipelines, parts of them, values and punctuation.
    static let vocabulary = [
        "Surname", "Name", "Given", "names", "Document", "No", "No.", "Nr.", "N°", "Date", "of", "birth:",
        "Sex", "Place", "Nationality", "Total", "Invoice", "#:", "Order", "number", "IBAN", ":", "MARTIN",
        "12.04.1990", "X4RTB7291", "EUR", "1,234.50", "F", "M", "|", "—", "DE89370400440532013000",
        "I<UTOX0W2T7VYJ9<<<<<<<<<<<<<<<", "Sumame", "Dateof", "Date of birth", "x",
    ]

    /// A word: vocabulary index, x, line, width, vertical jitter, height.
    static let word = zip(
        Gen.int(in: 0...(vocabulary.count - 1)), Gen.int(in: -50...1100), Gen.int(in: 0...12),
        Gen.int(in: 0...300), Gen.int(in: -20...20), Gen.int(in: -5...40))

    /// A cell: vocabulary index, row, column, row span, column span.
    static let cell = zip(
        Gen.int(in: 0...(vocabulary.count - 1)), Gen.int(in: 0...6), Gen.int(in: 0...6),
        Gen.element(of: [1, 1, 1, 2, 3, 1_048_576]).map { $0 ?? 1 },
        Gen.element(of: [1, 1, 1, 2, 16_384]).map { $0 ?? 1 })

    static let specs: [PipelineSpec] = {
        let folder = Support.packageRoot.appendingPathComponent("Pipelines").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".yaml") }
            .sorted()
            .compactMap { try? PipelineSpec.resolve((folder as NSString).appendingPathComponent($0), directories: []) }
    }()

    static func document(
        words: [(Int, Int, Int, Int, Int, Int)], cells: [(Int, Int, Int, Int, Int)],
        format: DocumentFormat
    ) -> Document {
        let spans = words.enumerated().map { i, w in
            let (v, x, line, width, jitter, height) = w
            let y = Double(line * 30 + jitter)
            return TextSpan(
                text: vocabulary[v], box: Box(x0: Double(x), y0: y, x1: Double(x + width), y1: y + Double(height)),
                confidence: format == .png ? 0.9 : nil, line: line, block: 0, order: i)
        }
        // One cell per position, as readers give them.
        var seen = Set<Int>()
        let tableCells = cells.filter { seen.insert($0.1 * 100 + $0.2).inserted }.map { c in
            Cell(row: c.1, column: c.2, rowSpan: c.3, columnSpan: c.4, text: vocabulary[c.0])
        }
        let tables =
            tableCells.isEmpty
            ? []
            : [
                Table(
                    page: 0, rowCount: tableCells.map { $0.row + $0.rowSpan }.max()!,
                    columnCount: tableCells.map { $0.column + $0.columnSpan }.max()!, cells: tableCells)
            ]
        let page = Page(
            index: 0, width: 1000, height: 1000, unit: format == .png ? .px : .pt,
            origin: format == .png ? .ocr : .textLayer, dpi: format == .png ? 300 : nil, words: spans)
        return Document(
            source: .init(path: "p.\(format.rawValue)", sha256: "", format: format, bytes: 0), pages: [page],
            tables: tables)
    }

    @Test func randomLayoutsNeverTrapAndStayCheap() async throws {
        #expect(Self.specs.count >= 2)
        await propertyCheck(
            count: 250, input: Self.word.array(of: 0...60), Self.cell.array(of: 0...12),
            Gen.element(of: [DocumentFormat.png, .pdf, .docx]).map { $0 ?? .png }
        ) { words, cells, format in
            let document = Self.document(words: words, cells: cells, format: format)
            for spec in Self.specs {
                let start = Date()
                let records = Router(spec: spec).extract(document)
                #expect(Date().timeIntervalSince(start) < 2, "\(spec.name): \(words.count) words, \(cells.count) cells")
                #expect(!records.isEmpty)
                for r in records {
                    #expect(r.fields.count == spec.fields.count + spec.tableFields.count, "\(spec.name)")
                    for (name, f) in r.fields where f.valid {
                        #expect(
                            f.page == nil || f.page == 1, "\(spec.name) \(name): page \(String(describing: f.page))")
                    }
                }
            }
        }
    }
}
