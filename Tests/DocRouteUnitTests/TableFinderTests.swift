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

    /// A page of `lines` (as `page`) with ruling lines drawn on it.
    static func ruled(_ lines: [(y: Double, pieces: [(x: Double, text: String)])], rules: [Box]) -> Document {
        var doc = page(lines)
        doc.pages[0].rules = rules
        return doc
    }

    @Test func aRuledGridIsATableWithAHeaderAcrossTwoColumns() throws {
        // Columns at 40 | 200 | 300 | 400, rows at 90 | 110 | 130 | 160; no line between the two
        // figure columns in the header row, where "Amounts in euro" runs across.
        let across = [90.0, 110, 130, 160].map { Box(x0: 40, y0: $0, x1: 400, y1: $0 + 0.5) }
        var down = [40.0, 200, 400].map { Box(x0: $0, y0: 90, x1: $0 + 0.5, y1: 160) }
        down.append(Box(x0: 300, y0: 110, x1: 300.5, y1: 160))
        let doc = Self.ruled(
            [
                (95, [(60, "Item"), (230, "Amounts in euro")]),
                (115, [(60, "Chairs"), (220, "10"), (320, "12")]),
                (135, [(60, "Desks for the"), (220, "5"), (320, "7")]),
                (147, [(60, "meeting room")]),
            ], rules: across + down)
        let tables = TableFinder.tables(in: doc)
        #expect(tables.count == 1)
        let t = try #require(tables.first)
        #expect(t.rowCount == 3 && t.columnCount == 3)
        let head = try #require(t.cell(row: 0, column: 1))
        #expect(head.text == "Amounts in euro" && head.columnSpan == 2)
        // A ruled row's wrapped label is one cell, not two rows.
        #expect(t.cell(row: 2, column: 0)?.text == "Desks for the\nmeeting room")
        #expect(t.cell(row: 2, column: 2)?.text == "7")
    }

    @Test func aFramedTableWithoutInnerLinesTakesRowsAndColumnsFromItsText() throws {
        // A frame, a line under the header and one vertical line after the labels; the figure
        // columns and the rows have no lines.
        let rules = [
            Box(x0: 40, y0: 90, x1: 400, y1: 90.5), Box(x0: 40, y0: 108, x1: 400, y1: 108.5),
            Box(x0: 40, y0: 180, x1: 400, y1: 180.5), Box(x0: 40, y0: 90, x1: 40.5, y1: 180),
            Box(x0: 150, y0: 90, x1: 150.5, y1: 180), Box(x0: 400, y0: 90, x1: 400.5, y1: 180),
        ]
        let doc = Self.ruled(
            [
                (95, [(60, "Age"), (200, "Men"), (320, "Women")]),
                (115, [(60, "Under 20"), (200, "1,204"), (320, "1,310")]),
                (130, [(60, "20 to 39"), (200, "2,118"), (320, "2,240")]),
                (145, [(60, "40 to 59"), (200, "1,977"), (320, "2,015")]),
                (160, [(60, "60 and over"), (200, "1,420"), (320, "1,702")]),
            ], rules: rules)
        let t = try #require(TableFinder.tables(in: doc).first)
        #expect(t.rowCount == 5 && t.columnCount == 3)
        #expect(t.cell(row: 3, column: 0)?.text == "40 to 59" && t.cell(row: 3, column: 2)?.text == "2,015")
    }

    @Test func aListInColumnGroupsSideBySideIsOneTablePerGroup() throws {
        typealias Line = (y: Double, pieces: [(x: Double, text: String)])
        var lines: [Line] = [(100, [(50, "Age"), (120, "Total"), (250, "Age"), (320, "Total")])]
        for i in 0..<4 {
            let y = 120 + Double(i) * 14
            let pieces: [(x: Double, text: String)] = [
                (50, "\(i) years"), (120, String(100 + i)), (250, "\(40 + i) years"), (320, String(200 + i)),
            ]
            lines.append((y, pieces))
        }
        let doc = Self.page(lines)
        let tables = TableFinder.tables(in: doc)
        #expect(tables.count == 2)
        #expect(tables.allSatisfy { $0.columnCount == 2 && $0.rowCount == 5 })
        #expect(tables.last?.cell(row: 1, column: 0)?.text == "40 years")
    }
}
