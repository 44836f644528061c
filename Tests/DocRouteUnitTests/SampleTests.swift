import DocRouteTestSupport
import Foundation
import Testing

@testable import DocRouteModel
@testable import DocRouteReaders

/// Every reader on the Samples/ files: what was put in comes out.
@Suite(.serialized) struct SampleTests {
    static let truths = (try? Support.manifest()) ?? []

    @Test func manifestCoversEveryFormat() throws {
        let formats = Set(Self.truths.map(\.format))
        #expect(formats.isSuperset(of: ["pdf", "docx", "xlsx", "png", "jpeg", "tiff"]))
        #expect(Self.truths.contains { $0.format == "pdf" && $0.ocr }, "a scanned PDF sample")
        #expect(Self.truths.contains { $0.format == "tiff" && $0.pages > 1 }, "a multi-page TIFF sample")
    }

    @Test(arguments: truths.filter { !$0.ocr }.map(\.file))
    func nativeTextComesOut(file: String) throws {
        let truth = try #require(Self.truths.first { $0.file == file })
        let document = try Support.reader.read(path: Support.sample(file))
        #expect(document.source.format.rawValue == truth.format)
        #expect(document.pages.count == truth.pages)
        let text = Support.normalise(document.text)
        for line in truth.lines {
            #expect(text.contains(Support.normalise(line)), "\(file): missing line \(line)")
        }
        for c in truth.cells {
            let table = try #require(document.tables.indices.contains(c.table) ? document.tables[c.table] : nil)
            let cell = try #require(
                table.cell(row: c.row, column: c.column), "\(file): no cell at \(c.row),\(c.column)")
            #expect(cell.text == c.text)
            if let span = c.rowSpan { #expect(cell.rowSpan == span, "\(file) \(c.text): row span") }
            if let span = c.columnSpan { #expect(cell.columnSpan == span, "\(file) \(c.text): column span") }
            if let kind = c.kind { #expect(cell.kind?.rawValue == kind, "\(file) \(c.text): kind") }
            if let formula = c.formula { #expect(cell.formula == formula) }
        }
    }

    /// OCR of the clean samples: character error rate under 2% against the printed text.
    @Test(arguments: truths.filter(\.ocr).map(\.file))
    func ocrCharacterErrorRate(file: String) throws {
        let truth = try #require(Self.truths.first { $0.file == file })
        let document = try Support.reader.read(path: Support.sample(file))
        #expect(document.source.format.rawValue == truth.format)
        #expect(document.pages.count == truth.pages)
        #expect(document.pages.allSatisfy { $0.origin == .ocr })
        let cer = Support.characterErrorRate(document.text, truth: truth.lines.joined(separator: "\n"))
        print("CER \(file): \(String(format: "%.4f", cer))")
        #expect(cer < 0.02, "\(file): CER \(cer)")
        for word in document.pages.flatMap(\.words) {
            let box = try #require(word.box)
            #expect(box.x1 > box.x0 && box.y1 > box.y0)
            let confidence = try #require(word.confidence)
            #expect((0...1).contains(confidence))
        }
    }

    @Test func pdfTextLayerHasWordBoxesInReadingOrder() throws {
        let document = try Support.reader.read(path: Support.sample("purchase-order.pdf"))
        let page = document.pages[0]
        #expect(page.origin == .textLayer && page.unit == .pt)
        #expect(abs(page.width - 595.28) < 0.1 && abs(page.height - 841.89) < 0.1)
        let words = page.words.map(\.text)
        // Table cells drawn apart on one line are separate words, left to right.
        let header = try #require(words.firstIndex(of: "Item"))
        #expect(Array(words[header..<header + 6]) == ["Item", "Description", "Qty", "Unit", "price", "Amount"])
        let title = page.words[0]
        #expect(title.text == "PURCHASE")
        let box = try #require(title.box)
        #expect(box.x0 > 70 && box.x0 < 74 && box.y0 > 55 && box.y1 < 80, "\(box)")
        #expect(page.words.map(\.order) == Array(0..<page.words.count))
        #expect(page.words.allSatisfy { $0.confidence == nil })
    }

    @Test func scannedPDFPageIsRecognisedInPoints() throws {
        let document = try Support.reader.read(path: Support.sample("purchase-order-scanned.pdf"))
        let page = document.pages[0]
        #expect(page.origin == .ocr && page.unit == .pt)
        #expect(abs((page.dpi ?? 0) - 300) < 1)
        for word in page.words {
            let box = try #require(word.box)
            #expect(box.x0 >= 0 && box.x1 <= page.width + 1 && box.y1 <= page.height + 1)
        }
    }

    @Test func ocrWordsAreGroupedIntoLinesAndBlocks() throws {
        let document = try Support.reader.read(path: Support.sample("letter-a4.png"))
        let truth = try #require(Self.truths.first { $0.file == "letter-a4.png" })
        let page = document.pages[0]
        #expect(page.unit == .px && page.width == 2480 && page.height == 3508)
        let lines = Set(page.words.map(\.line)), blocks = Set(page.words.map(\.block))
        #expect(lines.count == truth.lines.count, "one OCR line per printed line")
        #expect(blocks.count >= 4 && blocks.count < lines.count, "paragraphs group lines")
        #expect(
            page.text.split(separator: "\n").first.map(String.init)
                == "ACME Supplies Ltd, 14 Harbour Road, Portsmouth PO1 3AX")
    }

    @Test func imageWithoutResolutionIsAssumed300dpi() throws {
        let document = try Support.reader.read(path: Support.sample("id-card-photo.jpg"))
        #expect(document.pages[0].dpi == 300)
        #expect(document.warnings.contains { $0.contains("assumed 300 dpi") })
    }

    @Test func docxKeepsDocumentOrderHeadersAndFooters() throws {
        let document = try Support.reader.read(path: Support.sample("employee-form.docx"))
        let lines = document.pages[0].text.split(separator: "\n").map(String.init)
        #expect(lines.first == "Northwind Trading GmbH - Personnel Office", "header first")
        #expect(lines.last == "Form HR-7 rev. 2024-01", "footer last")
        let heading = try #require(lines.firstIndex(of: "Employee Registration Form"))
        let cell = try #require(lines.firstIndex(of: "Personal details"))
        let signature = try #require(lines.firstIndex(of: "Signature: C. Martin"))
        #expect(heading < cell && cell < signature, "paragraphs and table in document order")
        #expect(document.pages[0].words.allSatisfy { $0.box == nil && $0.confidence == nil })
        let table = try #require(document.tables.first)
        #expect(table.rowCount == 5 && table.columnCount == 3)
        #expect(table.cell(covering: 4, 0)?.text == "Address", "vMerge covers the row below")
        #expect(table.cell(covering: 0, 2)?.text == "Personal details", "gridSpan covers the columns")
    }

    @Test func deskewOptionRuns() throws {
        let reader = DocumentReader(preprocess: true, ocr: Support.reader.ocr)
        let document = try reader.read(path: Support.sample("id-card-clean.png"))
        #expect(Support.normalise(document.text).contains("Document No: X4RTB7291"))
    }
}
