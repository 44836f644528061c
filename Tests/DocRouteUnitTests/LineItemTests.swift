import Foundation
import Testing

@testable import DocRoute
@testable import DocRouteExtraction
@testable import DocRouteModel

/// Line items (table fields) read from made-up text-layer pages (points, 10 pt words, 6 pt per
/// character), through a pipeline's records.
@Suite struct LineItemTests {
    static let spec = """
        name: items
        fields:
          - name: total
            labels: [Total]
            type: money
          - name: net
            labels: [Net amount]
            type: money
          - name: items
            type: table
            columns:
              - {name: description, labels: [Description, Item], type: text}
              - {name: quantity, labels: [Qty, Quantity], type: number}
              - {name: price, labels: [Unit price, Price], type: money}
              - {name: amount, labels: [Amount], type: money}
            product: {quantity: quantity, price: price, amount: amount}
            total: {column: amount, fields: [net, total]}
        """

    /// Pages of lines: each line a page, a y and its pieces, each piece an x and its words.
    static func document(_ lines: [(page: Int, y: Double, pieces: [(x: Double, text: String)])]) -> Document {
        var words: [Int: [TextSpan]] = [:]
        for (l, line) in lines.enumerated() {
            for piece in line.pieces {
                var x = piece.x
                for w in piece.text.split(separator: " ") {
                    let width = Double(w.count) * 6
                    words[line.page, default: []].append(
                        TextSpan(
                            text: String(w), box: Box(x0: x, y0: line.y, x1: x + width, y1: line.y + 10),
                            confidence: nil, line: l, block: 0, order: words[line.page, default: []].count))
                    x += width + 3
                }
            }
        }
        let pages = (0...(lines.map(\.page).max() ?? 0)).map { p in
            Page(index: p, width: 600, height: 800, unit: .pt, origin: .textLayer, words: words[p] ?? [])
        }
        return Document(
            source: Document.Source(path: "t.pdf", sha256: "", format: .pdf, bytes: 0), pages: pages, tables: [])
    }

    static func record(_ document: Document) throws -> Record {
        let pipeline = Pipeline(spec: try PipelineSpec.parse(yaml: spec))
        return try #require(pipeline.records(for: document).first)
    }

    static func rows(_ r: Record) -> [[String: String]] {
        guard case .rows(let rows)? = r.fields["items"]?.value else { return [] }
        return rows.map { $0.mapValues(\.description) }
    }

    static let header: [(x: Double, text: String)] = [
        (50, "Description"), (300, "Qty"), (380, "Unit price"), (480, "Amount"),
    ]

    @Test func wrappedDescriptionsJoinTheirRowAndTotalsAreLeftOut() throws {
        let r = try Self.record(
            Self.document([
                (0, 60, [(50, "ACME Supplies Ltd")]),
                (0, 100, Self.header),
                (0, 120, [(50, "Office chair"), (300, "2"), (380, "120.00"), (480, "240.00")]),
                (0, 134, [(50, "with arm rests")]),
                (0, 148, [(50, "Paper A4"), (300, "10"), (380, "4.50"), (480, "45.00")]),
                (0, 168, [(380, "Net amount"), (480, "285.00")]),
                (0, 182, [(380, "Total"), (480, "285.00")]),
                (0, 240, [(50, "Thank you for your business, paid within 30 days.")]),
            ]))
        #expect(
            Self.rows(r) == [
                ["description": "Office chair with arm rests", "quantity": "2", "price": "120", "amount": "240"],
                ["description": "Paper A4", "quantity": "10", "price": "4.5", "amount": "45"],
            ])
        let field = try #require(r.fields["items"])
        #expect(field.rows?.first?.cells["description"]?.raw == "Office chair\nwith arm rests")
        #expect(field.excluded?.map(\.reason) == ["total", "total"])
        #expect(field.checks["total"] == .agrees)
        #expect(field.rows?.allSatisfy { $0.checks["product"] == .agrees } == true)
        #expect(field.confidence >= 0.97)
        #expect(r.review?["items"] == nil)
        // Each cell is a field of its own, with where it was printed.
        let cell = try #require(field.rows?.first?.cells["amount"])
        #expect(cell.valid && cell.page == 1 && cell.box?.x0 == 480 && cell.raw == "240.00")
    }

    @Test func aSubtotalInsideTheItemsIsLeftOutAndSaidSo() throws {
        let r = try Self.record(
            Self.document([
                (0, 100, Self.header),
                (0, 120, [(50, "Widgets"), (300, "1"), (380, "10.00"), (480, "10.00")]),
                (0, 134, [(380, "Subtotal"), (480, "10.00")]),
                (0, 148, [(50, "--- Services ---")]),
                (0, 162, [(50, "Installation"), (300, "2"), (380, "25.00"), (480, "50.00")]),
                (0, 190, [(380, "Total"), (480, "60.00")]),
            ]))
        #expect(Self.rows(r).map { $0["description"] } == ["Widgets", "Installation"])
        let excluded = try #require(r.fields["items"]?.excluded)
        #expect(excluded.map(\.reason) == ["subtotal", "no amounts", "total"])
        #expect(excluded.first?.text == "Subtotal 10.00")
        #expect(r.fields["items"]?.checks["total"] == .agrees)
    }

    @Test func aProductThatDisagreesSendsTheRecordToReview() throws {
        let r = try Self.record(
            Self.document([
                (0, 100, Self.header),
                (0, 120, [(50, "Widgets"), (300, "3"), (380, "10.00"), (480, "31.00")]),
                (0, 134, [(50, "Gadgets"), (300, "1"), (380, "5.00"), (480, "5.00")]),
                (0, 160, [(380, "Total"), (480, "36.00")]),
            ]))
        let field = try #require(r.fields["items"])
        // Kept as printed, never corrected.
        #expect(Self.rows(r).first?["amount"] == "31")
        #expect(field.rows?.map { $0.checks["product"] } == [.disagrees, .agrees])
        #expect(field.confidence < 0.9)
        #expect(r.status == .needsReview)
        #expect(r.review?["items"]?.contains("row 1: 3 × 10 is not 31") == true)
    }

    @Test func aTableGoesOnOnTheNextPageWithOrWithoutItsHeader() throws {
        for repeated in [true, false] {
            var lines: [(page: Int, y: Double, pieces: [(x: Double, text: String)])] = [
                (0, 680, Self.header),
                (0, 700, [(50, "Widgets"), (300, "1"), (380, "10.00"), (480, "10.00")]),
                (0, 714, [(50, "Gadgets"), (300, "2"), (380, "5.00"), (480, "10.00")]),
                (0, 780, [(250, "Page 1 of 2")]),
                (1, 40, [(50, "ACME Supplies Ltd, invoice 2026-001, continued")]),
            ]
            if repeated { lines.append((1, 80, Self.header)) }
            lines += [
                (1, 100, [(50, "Sprockets"), (300, "4"), (380, "2.50"), (480, "10.00")]),
                (1, 130, [(380, "Total"), (480, "30.00")]),
            ]
            let r = try Self.record(Self.document(lines))
            #expect(
                Self.rows(r).map { $0["description"] } == ["Widgets", "Gadgets", "Sprockets"],
                "header repeated: \(repeated)")
            #expect(r.fields["items"]?.rows?.last?.page == 2)
            #expect(r.fields["items"]?.checks["total"] == .agrees)
        }
    }

    @Test func aNativeTableIsReadByItsHeaderRow() throws {
        let table = Table(
            page: 0, rowCount: 3, columnCount: 4,
            cells: [
                Cell(row: 0, column: 0, text: "Item"), Cell(row: 0, column: 1, text: "Quantity"),
                Cell(row: 0, column: 2, text: "Price"), Cell(row: 0, column: 3, text: "Amount"),
                Cell(row: 1, column: 0, text: "Bolts"), Cell(row: 1, column: 1, text: "100"),
                Cell(row: 1, column: 2, text: "0.10"), Cell(row: 1, column: 3, text: "10.00"),
                Cell(row: 2, column: 0, text: "Total"), Cell(row: 2, column: 3, text: "10.00"),
            ])
        var doc = Self.document([(0, 40, [(50, "Order")])])
        doc.tables = [table]
        let r = try Self.record(doc)
        #expect(Self.rows(r) == [["description": "Bolts", "quantity": "100", "price": "0.1", "amount": "10"]])
        #expect(r.fields["items"]?.excluded?.map(\.reason) == ["total"])
    }

    @Test func aHeaderOverTwoLinesNamesItsColumns() throws {
        // `Unit` over `price`: neither names a column alone.
        let r = try Self.record(
            Self.document([
                (0, 100, [(50, "Description"), (300, "Qty"), (380, "Unit"), (480, "Amount")]),
                (0, 110, [(380, "price")]),
                (0, 130, [(50, "Widgets"), (300, "3"), (380, "10.00"), (480, "30.00")]),
                (0, 160, [(380, "Total"), (480, "30.00")]),
            ]))
        #expect(Self.rows(r) == [["description": "Widgets", "quantity": "3", "price": "10", "amount": "30"]])
        #expect(r.fields["items"]?.rows?.first?.checks["product"] == .agrees)
    }

    @Test func noHeaderNoRows() throws {
        let r = try Self.record(
            Self.document([
                (0, 100, [(50, "Widgets"), (300, "1"), (380, "10.00"), (480, "10.00")]),
                (0, 130, [(380, "Total"), (480, "10.00")]),
            ]))
        let field = try #require(r.fields["items"])
        #expect(!field.valid && field.value == nil && field.rows == nil)
        #expect(r.review?["items"] == nil)
    }

    @Test func specErrorsNameTheColumn() {
        let bad = Self.spec.replacingOccurrences(
            of: "product: {quantity: quantity, price: price, amount: amount}",
            with: "product: {quantity: quantity, price: description, amount: amount}")
        #expect(throws: PipelineSpecError.self) { try PipelineSpec.parse(yaml: bad) }
        do {
            _ = try PipelineSpec.parse(yaml: bad)
        } catch {
            #expect("\(error)".contains("description is not a number or money column"))
        }
        let one = """
            name: x
            fields:
              - name: items
                type: table
                columns:
                  - {name: description, labels: [Description]}
            """
        #expect(throws: PipelineSpecError.self) { try PipelineSpec.parse(yaml: one) }
    }

    @Test func cellsArePairedWithTheTruthRowTheyMatchBest() {
        let field = TableFieldSpec(
            name: "items",
            columns: [
                ColumnSpec(name: "description", labels: ["D"]), ColumnSpec(name: "amount", labels: ["A"], type: .money),
            ])
        var score = LineItemScore()
        score.add(
            file: "a.pdf",
            truth: [
                ["description": .string("Bolts"), "amount": .number(10)],
                ["description": .string("Nuts"), "amount": .number(5)],
            ],
            predicted: [
                ["description": .string("Nuts"), "amount": .number(5)],
                ["description": .string("Bolts washers"), "amount": .number(10)],
                ["description": .string("Total"), "amount": .number(15)],
            ], field: field)
        // Nuts: 2 right; Bolts: amount right, description wrong; Total: a row not in the truth.
        #expect(score.cells.truePositives == 3 && score.cells.falsePositives == 3 && score.cells.falseNegatives == 1)
        #expect(score.rows.truePositives == 1 && score.rows.falsePositives == 2 && score.rows.falseNegatives == 1)
        #expect(score.byColumn["description"]?.truePositives == 1)
    }
}
