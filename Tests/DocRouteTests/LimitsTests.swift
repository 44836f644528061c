import CLeptonica
import DocRouteTestSupport
import Foundation
import Testing
import ZIPFoundation

import struct DocRouteModel.Box

@testable import DocRouteModel
@testable import DocRouteReaders

/// Caps on untrusted input, each a typed error.
@Suite(.tags(.corpus)) struct LimitsTests {
    func limitExceeded(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch DocRouteError.limitExceeded(let m) {
            return m
        } catch {
            return "other: \(error)"
        }
    }

    @Test func xmlEntitiesAreNeverExpanded() throws {
        let laughs = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
            <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
            <root>&lol3;</root>
            """
        #expect(limitExceeded { _ = try XMLTree(data: Data(laughs.utf8), name: "bomb.xml") }?.contains("DTD") == true)
        let external = """
            <?xml version="1.0"?><!-- a comment first --><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>
            """
        #expect(limitExceeded { _ = try XMLTree(data: Data(external.utf8), name: "xxe.xml") } != nil)
        let plain = XMLTree.declaresDocumentType(Data("<?xml version=\"1.0\"?><r><t>&lt;!DOCTYPE</t></r>".utf8))
        #expect(plain == false, "markup after the root element is text, not a DTD")
    }

    @Test(arguments: [
        "poc-xmlbomb.xlsx", "poc-xmlbomb-empty.xlsx", "ContentTypeHasEntities.ooxml",
        "CorePropertiesHasEntities.ooxml", "PackageRelsHasEntities.ooxml",
    ])
    func corpusEntityFilesAreRefusedOrReadWithoutExpansion(name: String) throws {
        let (result, seconds) = Support.timedRead(Support.corpus("robustness-ooxml/poi-malformed/\(name)"))
        #expect(seconds < 10)
        switch result {
        case .success(let document):
            // The entity-bearing part was not one that is read: no expansion can have happened.
            #expect(!document.text.contains("lol"), "\(name)")
        case .failure(let error):
            #expect(["limit_exceeded", "unsupported_format", "corrupt"].contains(error.code), "\(name): \(error)")
        }
    }

    @Test func zipBombIsStoppedByRatioAndSize() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("docroute-bomb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("bomb.xlsx")
        var sheet = Data("<sheetData>".utf8)
        sheet.append(Data(repeating: 0x20, count: 8 << 20))  // 8 MiB of spaces: ratio ~1000:1
        sheet.append(Data("</sheetData>".utf8))
        try Self.workbook(url, sheet: sheet)

        let message = limitExceeded { _ = try Support.reader.read(path: url.path) }
        #expect(message?.contains("compression ratio") == true, "\(message ?? "read")")

        var limits = ReaderLimits()
        limits.zipMaxRatio = 1_000_000
        limits.zipMaxEntryBytes = 1 << 20
        let reader = DocumentReader(limits: limits, ocr: Support.reader.ocr)
        let sized = limitExceeded { _ = try reader.read(path: url.path) }
        #expect(sized?.contains("bytes") == true, "\(sized ?? "read")")
    }

    /// A minimal workbook at `url` whose one sheet holds `sheetXML` (inside `<worksheet>`).
    static func workbook(_ url: URL, sheet sheetXML: String) throws {
        try workbook(url, sheet: Data(sheetXML.utf8))
    }

    /// A minimal workbook at `url` whose one sheet holds the bytes `sheet` (inside `<worksheet>`).
    static func workbook(_ url: URL, sheet: Data) throws {
        let archive = try Archive(url: url, accessMode: .create)
        func add(_ path: String, _ data: Data) throws {
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate
            ) { pos, size in
                data.subdata(in: Int(pos)..<Int(pos) + size)
            }
        }
        try add("[Content_Types].xml", Data("<Types/>".utf8))
        try add(
            "xl/workbook.xml",
            Data(("<workbook><sheets><sheet name=\"a\" r:id=\"rId1\" xmlns:r=\"r\"/></sheets></workbook>").utf8))
        try add(
            "xl/_rels/workbook.xml.rels",
            Data(
                ("<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>")
                    .utf8))
        try add("xl/worksheets/sheet1.xml", Data("<worksheet>".utf8) + sheet + Data("</worksheet>".utf8))
    }

    /// Issue 19: one `<mergeCell ref="B1:XFD1048576"/>` in a 1 kB workbook grew without bound
    /// (12.7 GB after 132 s) when the table code indexed every covered position. The merge is a
    /// range: the record comes at once, with the value right of its label.
    @Test func aMergeCoveringTheWholeSheetCostsWhatItsCellsDo() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("docroute-merge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("merge.xlsx")
        try Self.workbook(
            url,
            sheet: """
                <sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Surname</t></is></c><c r="B1" t="inlineStr"><is><t>MARTIN</t></is></c></row>\
                <row r="2"><c r="A2" t="inlineStr"><is><t>Given names</t></is></c></row></sheetData>\
                <mergeCells count="1"><mergeCell ref="B1:XFD1048576"/></mergeCells>
                """)
        let document = try Support.reader.read(path: url.path)
        #expect(document.tables.first?.rowCount == 1_048_576 && document.tables.first?.columnCount == 16_384)
        let start = Date()
        let record = try #require(Support.pipeline("identity").process(path: url.path).first)
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(record.fields["surname"]?.value == .string("MARTIN"))
        // Given names sits beside the merge, so the merged MARTIN is its neighbour too.
        #expect(record.fields["given_names"]?.value == .string("MARTIN"))
    }

    /// Issue 19: 3 M empty cells in a 9 MB workbook took 1.2 GB in libxml2's tree. A part with
    /// more elements than the cap is refused before it is parsed.
    @Test func anXMLPartWithTooManyElementsIsRefusedBeforeParsing() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "docroute-elements-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("cells.xlsx")
        try Self.workbook(
            url, sheet: "<sheetData><row r=\"1\">" + String(repeating: "<c s=\"1\"/>", count: 30) + "</row></sheetData>"
        )
        var limits = ReaderLimits()
        limits.maxXMLElements = 20
        let message = limitExceeded {
            _ = try DocumentReader(limits: limits, ocr: Support.reader.ocr).read(path: url.path)
        }
        #expect(message?.contains("more than 20 elements") == true, "\(message ?? "read")")
        limits.maxXMLElements = 40
        #expect(throws: Never.self) {
            _ = try DocumentReader(limits: limits, ocr: Support.reader.ocr).read(path: url.path)
        }
        // Start tags, not declarations, end tags or text; a tag-like run inside a comment is
        // counted too (an upper bound: the cap can only be met early, never missed).
        #expect(XMLTree.elementCount(Data("<?xml?><a>1 < 2<b/></a><!-- <c -->".utf8), stopAfter: 100) == 3)
        #expect(XMLTree.elementCount(Data(String(repeating: "<c/>", count: 50).utf8), stopAfter: 10) == 11)
    }

    @Test func pixelCapRefusesBeforeDecoding() {
        var limits = ReaderLimits()
        limits.maxPixels = 100_000
        let reader = DocumentReader(limits: limits, ocr: Support.reader.ocr)
        let message = limitExceeded { _ = try reader.read(path: Support.sample("id-card-clean.png")) }
        #expect(message?.contains("1012×638") == true)
    }

    @Test func pageCap() {
        var limits = ReaderLimits()
        limits.maxPages = 1
        let reader = DocumentReader(limits: limits, ocr: Support.reader.ocr)
        #expect(
            limitExceeded { _ = try reader.read(path: Support.sample("purchase-order.pdf")) }?.contains("2 pages")
                == true)
        #expect(
            limitExceeded { _ = try reader.read(path: Support.sample("purchase-order-scan.tiff")) }?.contains("frames")
                == true)
        #expect(limitExceeded { _ = try reader.read(path: Support.sample("orders.xlsx")) }?.contains("sheets") == true)
    }

    /// Issue 19: the TIFF frame cap was met only after every frame under it had been decoded
    /// and recognised (2,000 frames, 21 s). It is now checked from the headers first: four
    /// frames of a card, a cap of three, refused before one is read.
    @Test func theTIFFFrameCapIsCheckedBeforeAnyFrameIsRecognised() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("frames-\(UUID().uuidString).tif").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var pix: UnsafeMutablePointer<PIX>? = .some(try #require(pixRead(Support.sample("id-card-clean.png"))))
        defer { pixDestroy(&pix) }
        for k in 0..<4 { #expect(pixWriteTiff(path, pix, Int32(IFF_TIFF_LZW), k == 0 ? "w" : "a") == 0) }
        var limits = ReaderLimits()
        limits.maxPages = 3
        let reader = DocumentReader(limits: limits, ocr: Support.reader.ocr)
        let clock = OCRClock()
        let message = limitExceeded { _ = try reader.read(path: path, clock: clock) }
        #expect(message?.contains("more than 3 frames") == true, "\(message ?? "read")")
        #expect(clock.milliseconds == 0, "a frame was recognised first")
        limits.maxPages = 4
        let four = try DocumentReader(limits: limits, ocr: Support.reader.ocr).read(path: path)
        #expect(four.pages.count == 4)
    }

    @Test func fileSizeCap() {
        var limits = ReaderLimits()
        limits.maxFileBytes = 1000
        let reader = DocumentReader(limits: limits, ocr: Support.reader.ocr)
        #expect(
            limitExceeded { _ = try reader.read(path: Support.sample("orders.xlsx")) }?.contains("cap 1000") == true)
    }

    @Test func timeBudgetStopsOCR() {
        var limits = ReaderLimits()
        limits.maxSeconds = 0.2
        let reader = DocumentReader(limits: limits, ocr: Support.reader.ocr)
        let start = Date()
        #expect(throws: DocRouteError.timeout(seconds: 0.2)) { try reader.read(path: Support.sample("letter-a4.png")) }
        #expect(Date().timeIntervalSince(start) < 1.0, "Tesseract is cancelled, not waited for")
    }

    @Test func sharedStringAmplificationIsCapped() {
        let (result, seconds) = Support.timedRead(
            Support.corpus("robustness-ooxml/poi-malformed/poc-shared-strings.xlsx"))
        #expect(seconds < 10)
        guard case .failure(.limitExceeded(let m)) = result else {
            Issue.record("expected limitExceeded, got \(result)")
            return
        }
        #expect(m.contains("bytes of cell text"))
    }
}
