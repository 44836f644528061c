import DocRoute
import DocRouteReaders
import DocRouteTestSupport
import Foundation
import Testing

@testable import DocRouteExtraction
@testable import DocRouteModel

/// Tables rebuilt from real PDFs' ruling lines (poppler renders the page, leptonica finds the
/// lines).
@Suite(.tags(.corpus)) struct TableCorpusTests {
    @Test func aRuledExhibitIsRebuiltFromItsLines() throws {
        // us-013 page 2: a framed, fully ruled table whose cells wrap over up to six lines, with
        // its title and its source note inside the frame.
        var reader = DocumentReader()
        reader.rules = true
        let document = try reader.read(path: Support.corpus("fields-dev/icdar2013-tables/us-013.pdf"))
        #expect(document.pages[1].rules.count >= 8)
        let tables = TableFinder.tables(in: document).filter { $0.page == 1 }
        let t = try #require(tables.first { $0.columnCount == 5 })
        #expect(t.rowCount == 4)
        #expect(t.cell(row: 0, column: 1)?.text == "General Assessment")
        #expect(t.cell(row: 3, column: 0)?.text == "Participating\nstudents")
        #expect(t.cell(row: 3, column: 1)?.text.hasPrefix("All general education\nstudents, most") == true)
        // The title and the note inside the frame are not rows of the table.
        #expect(!t.cells.contains { $0.text.contains("Exhibit 9") || $0.text.hasPrefix("Source") })
        // Without its lines the page reads as nothing of the kind.
        let plain = try DocumentReader().read(path: Support.corpus("fields-dev/icdar2013-tables/us-013.pdf"))
        #expect(plain.pages[1].rules.isEmpty)
        #expect(!TableFinder.tables(in: plain).contains { $0.columnCount == 5 && $0.rowCount == 4 })
    }
}

/// Tables rebuilt on pages nobody tuned on: Samples/make-tables-fresh.py (Pillow, reportlab)
/// draws report pages in six rule styles, as text-layer PDFs and grey PNGs (150-300 dpi).
@Suite(.tags(.corpus)) struct FreshTableTests {
    /// A seed no threshold was chosen on (the finder was tuned on ICDAR 2013 and seed 61001).
    static let heldOutSeed = 61002

    @Test func freshTablesFromTheirLinesOnTextLayersAndScans() throws {
        let dir = try Support.generated("make-tables-fresh.py", seed: Self.heldOutSeed, ["8"])
        defer { try? FileManager.default.removeItem(at: dir) }
        for kind in ["pdf", "png"] {
            let folder = dir.appendingPathComponent(kind).path
            let truth = (folder as NSString).appendingPathComponent("truth-tables.jsonl")
            var reader = DocumentReader()
            reader.rules = true
            let lined = try TableScore.evaluate(directory: folder, truthPath: truth, reader: reader).overall
            let plain = try TableScore.evaluate(directory: folder, truthPath: truth, reader: DocumentReader()).overall
            print(
                "fresh tables (seed \(Self.heldOutSeed)), \(kind): relation F1 "
                    + String(format: "%.4f with lines, %.4f without", lined.f1, plain.f1))
            #expect(lined.f1 >= 0.95)
            #expect(lined.f1 > plain.f1)
        }
    }
}
