import DocRouteTestSupport
import Foundation
import Testing

@testable import DocRouteModel
@testable import DocRouteReaders

/// Format detection by content: lying extensions, truncated and empty files, encrypted OOXML,
/// legacy OLE2, ZIPs that are not OOXML.
@Suite(.tags(.corpus)) struct DetectorTests {
    let detector = FormatDetector()

    func detect(_ path: String) throws -> DocumentFormat {
        try detector.detect(Data(contentsOf: URL(fileURLWithPath: path)), url: URL(fileURLWithPath: path))
    }

    func unsupportedKind(_ path: String) throws -> String? {
        do {
            _ = try detect(path)
            return nil
        } catch let DocRouteError.unsupportedFormat(kind) {
            return kind
        }
    }

    @Test func everySampleFormatByContent() throws {
        #expect(try detect(Support.sample("purchase-order.pdf")) == .pdf)
        #expect(try detect(Support.sample("employee-form.docx")) == .docx)
        #expect(try detect(Support.sample("orders.xlsx")) == .xlsx)
        #expect(try detect(Support.sample("id-card-clean.png")) == .png)
        #expect(try detect(Support.sample("id-card-photo.jpg")) == .jpeg)
        #expect(try detect(Support.sample("purchase-order-scan.tiff")) == .tiff)
    }

    @Test func lyingExtensionIsReadAsWhatItIs() throws {
        #expect(try detect(Support.sample("misnamed-png.jpg")) == .png)
        let document = try Support.reader.read(path: Support.sample("misnamed-png.jpg"))
        #expect(document.source.format == .png)
        #expect(Support.normalise(document.text).contains("Surname: MARTIN"))
    }

    @Test func emptyFile() throws {
        #expect(throws: DocRouteError.emptyFile) { try detector.detect(Data()) }
        #expect(throws: DocRouteError.emptyFile) {
            try Support.reader.read(path: Support.corpus("robustness-pdf/pdfplumber/empty.pdf"))
        }
    }

    @Test func legacyOLE2() throws {
        #expect(try unsupportedKind(Support.fixture("legacy-word.doc")) == "legacy OLE2 Word document (.doc)")
        #expect(try unsupportedKind(Support.fixture("legacy-excel.xls")) == "legacy OLE2 Excel workbook (.xls)")
    }

    @Test func encryptedOOXMLIsNamed() throws {
        for name in ["protected_passtika.xlsx", "bug53475-password-is-pass.docx"] {
            let kind = try unsupportedKind(Support.corpus("robustness-ooxml/poi-encrypted-protected/\(name)"))
            #expect(kind?.contains("encrypted OOXML package") == true, "\(name): \(kind ?? "nil")")
        }
    }

    @Test func zipThatIsNotOOXML() throws {
        let kind = try unsupportedKind(Support.fixture("plain.zip"))
        #expect(kind?.contains("ZIP archive that is not OOXML") == true)
    }

    @Test func otherContentIsNamed() throws {
        #expect(try unsupportedKind(Support.fixture("notes.txt")) == "plain text")
        #expect(throws: DocRouteError.unsupportedFormat(kind: "GIF image")) {
            try detector.detect(Data("GIF89a\u{1}\u{0}\u{1}\u{0}".utf8))
        }
    }

    @Test func strictOOXMLIsRecognisedAndRead() throws {
        for name in ["SimpleStrict.xlsx", "sample.strict.xlsx"] {
            let path = Support.corpus("robustness-ooxml/poi-encrypted-protected/\(name)")
            #expect(try detect(path) == .xlsx)
            let document = try Support.reader.read(path: path)
            #expect(document.tables.contains { !$0.cells.isEmpty }, "\(name) has cells")
        }
        let strictDocx = Support.corpus("docling-format-regression/tests/data/docx/sources/Strict.docx")
        #expect(try detect(strictDocx) == .docx)
        #expect(!Support.normalise(try Support.reader.read(path: strictDocx).text).isEmpty)
    }

    /// Every sample cut short: a typed error or a read, never a crash.
    @Test(arguments: [
        "purchase-order.pdf", "employee-form.docx", "orders.xlsx", "id-card-clean.png",
        "id-card-photo.jpg", "purchase-order-scan.tiff",
    ])
    func truncatedFiles(name: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Support.sample(name)))
        for fraction in [0.02, 0.5, 0.9] {
            let cut = data.prefix(Int(Double(data.count) * fraction))
            do {
                let document = try Support.reader.read(data: Data(cut), path: "\(name) cut to \(cut.count) bytes")
                #expect(document.source.bytes == cut.count)
            } catch {
                // Any DocRouteError is an acceptable outcome; the test is that there is one.
                #expect(!error.code.isEmpty)
            }
        }
        // A ZIP or PDF cut to a few bytes must not be taken for a valid document.
        let head = Data(data.prefix(16))
        #expect(throws: DocRouteError.self) { try Support.reader.read(data: head, path: "\(name) head") }
    }
}
