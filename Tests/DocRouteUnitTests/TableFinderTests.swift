import Foundation
import Testing

@testable import DocRoute
@testable import DocRouteExtraction
@testable import DocRouteModel

/// Tables rebuilt from made-up text-layer pages (points, 10 pt words, 6 pt per character).
@Suite struct TableFinderTests {
    /// A page of `lines`: each line a y and its pieces, each piece an x and its words.
    static func page(_ lines: [(y: Double, pieces: [(x: Double, text: String)])]) -> Document {
        var words: [TextSpan] = []
        for (l, line) in lines.enumerated() {
            for piece in line.pieces {
                var x = piece.x
                for w in piece.text.split(separator: " ") {
                    let width = Double(w.count) * 6
                    words.append(
                        TextSpan(
                            text: String(w), box: Box(x0: x, y0: line.y, x1: x + width, y1: line.y + 10),
                            confidence: nil,
                            line: l, block: 0, order: words.count))
                    x += width + 3
                }
            }
        }
        let page = Page(index: 0, width: 600, height: 800, unit: .pt, origin: .textLayer, words: words)
        return Document(
            source: Document.Source(path: "t.pdf", sha256: "", format: .pdf, bytes: 0), pages: [page], tables: [])
    }

    @Test func anUnruledTableBelowAParagraphIsFoundWithItsWrappedLabel() throws {
        let doc = Self.page([
            (100, [(50, "The figures below are the quarterly totals of the year and were")]),
            (114, [(50, "checked against the ledger before they were published here.")]),
            (150, [(200, "Q1"), (300, "Q2"), (400, "Total")]),
            (170, [(50, "Widgets"), (200, "10"), (300, "12"), (400, "22")]),
            (190, [(50, "Gadgets and"), (200, "5"), (300, "7"), (400, "12")]),
            (202, [(50, "gizmos")]),
            (222, [(50, "Tools"), (200, "1"), (300, "2"), (400, "3")]),
            (260, [(50, "Our outlook for the next year is steady, as the paragraph says here.")]),
        ])
        let tables = TableFinder.tables(in: doc)
        #expect(tables.count == 1)
        let t = try #require(tables.first)
        #expect(t.rowCount == 4 && t.columnCount == 4)
        let text = { (row: Int, column: Int) in t.cell(row: row, column: column)?.text }
        #expect(text(0, 1) == "Q1" && text(0, 3) == "Total")
        #expect(text(2, 0) == "Gadgets and\ngizmos")
        #expect(text(3, 0) == "Tools" && text(3, 3) == "3")
        // Scored against its own truth, nothing is lost.
        let truth = Table(
            page: 0, rowCount: 4, columnCount: 4,
            cells: [
                Cell(row: 0, column: 1, text: "Q1"), Cell(row: 0, column: 2, text: "Q2"),
                Cell(row: 0, column: 3, text: "Total"),
                Cell(row: 1, column: 0, text: "Widgets"), Cell(row: 1, column: 1, text: "10"),
                Cell(row: 1, column: 2, text: "12"), Cell(row: 1, column: 3, text: "22"),
                Cell(row: 2, column: 0, text: "Gadgets and gizmos"), Cell(row: 2, column: 1, text: "5"),
                Cell(row: 2, column: 2, text: "7"), Cell(row: 2, column: 3, text: "12"),
                Cell(row: 3, column: 0, text: "Tools"), Cell(row: 3, column: 1, text: "1"),
                Cell(row: 3, column: 2, text: "2"), Cell(row: 3, column: 3, text: "3"),
            ])
        #expect(TableScore.score(predicted: tables, truth: [truth]).f1 == 1)
    }

    @Test func twoColumnsOfRunningTextAreNoTable() {
        let left = "measures of health inequality can summarize in one number"
        let right = "instead of multiple pairwise comparisons the difference in"
        let doc = Self.page((0..<8).map { i in (100 + Double(i) * 14, [(50, left), (320, right)]) })
        #expect(TableFinder.tables(in: doc).isEmpty)
    }
}
