import DocRouteTestSupport
import Foundation
import Testing

@testable import DocRoute
@testable import DocRouteModel
@testable import DocRouteReaders

/// The shared corpora in ../shared/corpora: real files nobody here wrote.
@Suite(.serialized, .tags(.corpus)) struct CorpusTests {
    /// A reader with a 6 s budget, so that every file ends well inside the 10 s bound even on a
    /// machine slower than ours (a budget is checked between steps: the step running when it
    /// passes still finishes, and a debug build's full-page OCR alone takes ~9 s here).
    static let reader: DocumentReader = {
        var limits = ReaderLimits()
        limits.maxSeconds = 6
        return DocumentReader(limits: limits, ocr: Support.reader.ocr)
    }()

    /// Every file of robustness-pdf/ and robustness-ooxml/: a read or a typed error, each under
    /// 10 s, and memory bounded over the whole run.
    @Test func robustnessCorporaEndInAReadOrATypedError() throws {
        let files = Support.corpusFiles("robustness-pdf") + Support.corpusFiles("robustness-ooxml")
        #expect(files.count >= 170, "both corpora are present (\(files.count) files)")
        var codes: [String: Int] = [:]
        var slowest = (0.0, "")
        for file in files {
            let (result, seconds) = Support.timedRead(file, reader: Self.reader)
            #expect(seconds < 10, "\(file) took \(seconds) s")
            if seconds > slowest.0 { slowest = (seconds, file) }
            if seconds > 4 { print("robustness corpora: \(file) took \(String(format: "%.2f", seconds)) s") }
            switch result {
            case .success(let document):
                codes["read", default: 0] += 1
                #expect(document.source.bytes > 0)
            case .failure(let error):
                codes[error.code, default: 0] += 1
            }
        }
        let memory = Support.peakMemoryMiB()
        print(
            "robustness corpora: \(files.count) files, outcomes \(codes.sorted { $0.key < $1.key }), slowest \(String(format: "%.2f", slowest.0)) s (\(slowest.1)), peak RSS \(Int(memory)) MiB"
        )
        #expect(memory < 3_000, "peak memory \(memory) MiB")
        #expect(codes["read", default: 0] >= 100)
    }

    /// Valid files from 40+ producers are read with non-empty text.
    @Test func producerDiversityFilesAreRead() throws {
        let files = Support.corpusFiles("robustness-ooxml/producer-diversity")
        #expect(files.count >= 40)
        for file in files {
            let (result, _) = Support.timedRead(file, reader: Self.reader)
            switch result {
            case .success(let document):
                let hasText =
                    document.pages.contains { !$0.words.isEmpty } || document.tables.contains { !$0.cells.isEmpty }
                // A few producer files are deliberately empty shells (no body text).
                if !hasText { print("no text: \(file)") }
            case .failure(let error):
                Issue.record("\(file): \(error)")
            }
        }
    }

    @Test func encryptedPDFsAreTypedOrReadWithEmptyUserPassword() throws {
        let needsPassword = [
            "robustness-pdf/pdfplumber/password-example.pdf",
            "docling-format-regression/tests/data/pdf_password/sources/2206.01062_pg3.pdf",
        ]
        for file in needsPassword {
            let (result, _) = Support.timedRead(Support.corpus(file), reader: Self.reader)
            guard case .failure(.encrypted) = result else { Issue.record("\(file): \(result)"); continue }
        }
        let (empty, _) = Support.timedRead(
            Support.corpus("robustness-pdf/pdfjs/empty_protected.pdf"), reader: Self.reader)
        if case .failure(let error) = empty {
            #expect(error.code != "encrypted", "empty user password opens: \(error)")
        }
    }

    /// docling's DOCX, XLSX and PDF sources (Word, Excel, LibreOffice, openpyxl) are all read,
    /// with the words of docling's reviewed Markdown found in our text.
    @Test func doclingRegressionFilesAreRead() throws {
        let root = "docling-format-regression/tests/data"
        let files =
            Support.corpusFiles("\(root)/docx/sources") + Support.corpusFiles("\(root)/xlsx/sources")
            + Support.corpusFiles("\(root)/pdf") + Support.corpusFiles("\(root)/ocr/sources")
        #expect(files.count >= 34)
        var checked = 0
        for file in files {
            let (result, _) = Support.timedRead(file, reader: Self.reader)
            guard case .success(let document) = result else { Issue.record("\(file): \(result)"); continue }
            // Sheet names are part of the model (page names); ISO date-times print a "T".
            let text =
                (document.text + " " + document.tables.flatMap(\.cells).map(\.text).joined(separator: " ")
                + " " + document.pages.compactMap(\.name).joined(separator: " "))
                .replacingOccurrences(of: #"(\d)T(\d)"#, with: "$1 $2", options: .regularExpression)
            #expect(!Support.normalise(text).isEmpty, "\(file) has text")
            let name = (file as NSString).lastPathComponent
            guard let truthPath = Self.doclingTruth(file, root: Support.corpus(root)) else {
                #expect(Self.withoutTruth.contains(name), "\(file): no ground truth expected, but not listed as such")
                continue
            }
            let truth = try String(contentsOfFile: truthPath, encoding: .utf8)
            let recall = Self.wordRecall(truth: truth, text: text)
            print("docling \(name): word recall \(String(format: "%.3f", recall))")
            #expect(recall >= (Self.recallExceptions[name] ?? 0.9), "\(name): recall \(recall)")
            checked += 1
        }
        // Every file but the listed ones has docling's Markdown, and every one of those was scored.
        #expect(checked == files.count - Self.withoutTruth.count, "\(checked) of \(files.count) files scored")
    }

    /// docling's reviewed Markdown for a source file, where docling keeps one: `docx/groundtruth/NAME.docx.md`
    /// (and xlsx), `pdf/groundtruth/NAME.md` for `pdf/sources/NAME.pdf`, and the Tesseract full-page
    /// reading `ocr/groundtruth/tesseract/full_page/NAME.tesseract.full_page.md` for `ocr/sources`.
    static func doclingTruth(_ file: String, root: String) -> String? {
        let name = (file as NSString).lastPathComponent
        let stem = (name as NSString).deletingPathExtension
        let folder = String((file as NSString).deletingLastPathComponent.dropFirst(root.count + 1))
        let path: String
        switch folder {
        case "docx/sources", "xlsx/sources":
            path = "\(root)/\(folder.dropLast("/sources".count))/groundtruth/\(name).md"
        case "pdf/sources": path = "\(root)/pdf/groundtruth/\(stem).md"
        case "ocr/sources": path = "\(root)/ocr/groundtruth/tesseract/full_page/\(stem).tesseract.full_page.md"
        default: return nil
        }
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// docling's PDFs that have no Markdown of their own (loose files beside `pdf/sources`).
    static let withoutTruth: Set<String> = ["invisible_text_layer.pdf", "bookmark_sample.pdf"]

    /// Files where docling's Markdown holds text that DocRoute does not read, on purpose
    /// (cell comments, chart and picture captions, hyperlink targets), or not as docling does.
    static let recallExceptions: [String: Double] = [
        "xlsx_comments.xlsx": 0.45,  // cell comments and their authors
        "xlsx_01.xlsx": 0.8,  // "Line chart", "Scatter chart by ..." placeholders
        "unit_test_formatting.docx": 0.8,  // the URL behind a hyperlink
        // Word's Arabic PDF maps each lam-alef ligature to alef, lam (reversed; pdftotext reads
        // the same): 17 of its 151 words. Every line is read (0.74 when 4 lines were lost).
        "right_to_left_01.pdf": 0.85,
    ]

    /// Share of the distinct alphanumeric words of `truth` (Markdown) that occur in `text`.
    static func wordRecall(truth: String, text: String) -> Double {
        func words(_ s: String) -> Set<String> {
            Set(s.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init).filter { $0.count > 1 })
        }
        let expected = words(truth.replacingOccurrences(of: "<!-- image -->", with: ""))
        guard !expected.isEmpty else { return 1 }
        return Double(expected.intersection(words(text)).count) / Double(expected.count)
    }

    /// XLSX dates as the corpus MANIFEST names them (calamine's expected values).
    @Test func calamineDates() throws {
        let base = "robustness-ooxml/producer-diversity/xlsx"
        let d1904 = try Support.reader.read(path: Support.corpus("\(base)/calamine__date_1904.xlsx")).tables[0]
        #expect(d1904.cell(row: 0, column: 0)?.text == "2021-01-01")
        #expect(d1904.cell(row: 0, column: 0)?.kind == .date)
        #expect(d1904.cell(row: 1, column: 0)?.text == "2021-01-02")
        let d1900 = try Support.reader.read(path: Support.corpus("\(base)/calamine__date.xlsx")).tables[0]
        #expect(d1900.cell(row: 0, column: 0)?.text == "2021-01-01")
        #expect(d1900.cell(row: 2, column: 0)?.text == "255:10:10", "[hh]:mm:ss is a duration")
        #expect(d1900.cell(row: 2, column: 0)?.kind == .duration)
        let quoted = try Support.reader.read(path: Support.corpus("\(base)/calamine__date_quoted_format.xlsx")).tables[
            0]
        #expect(quoted.cells.allSatisfy { $0.text == "2021-01-01" && $0.kind == .date })
        let escaped = try Support.reader.read(path: Support.corpus("\(base)/calamine__has_x000D_inline.xlsx"))
        #expect(escaped.tables.flatMap(\.cells).contains { $0.text.contains("\r") }, "_x000D_ decodes to CR")
    }

    /// Tesseract's own test pages: character error rate against their ground truth.
    @Test func tesseractGroundTruthCharacterErrorRate() throws {
        let cases: [(image: String, truth: String, bound: Double)] = [
            ("phototest.png", "phototest.txt", 0.03),
            ("eurotext.png", "eurotext.txt", 0.10),
            ("8071_093.3B.png", "8071_093.3B.txt", 0.10),
            ("8087_054.3B.png", "8087_054.3B.txt", 0.10),
        ]
        for c in cases {
            let document = try Support.reader.read(path: Support.corpus("tesseract-ocr-gt/png/\(c.image)"))
            let truth = try String(contentsOfFile: Support.corpus("tesseract-ocr-gt/gt/\(c.truth)"), encoding: .utf8)
            let cer = Support.characterErrorRate(document.text, truth: truth)
            print("tesseract-ocr-gt \(c.image): CER \(String(format: "%.4f", cer))")
            #expect(cer < c.bound, "\(c.image): CER \(cer)")
        }
    }

    static func shipped(_ name: String) throws -> Pipeline {
        let spec = try PipelineSpec.resolve(
            name, directories: [Support.packageRoot.appendingPathComponent("Pipelines").path])
        return Pipeline(spec: spec, reader: Support.reader)
    }

    static func values(_ record: Record) -> [String: FieldValue] {
        record.fields.compactMapValues { $0.valid ? $0.value : nil }
    }

    /// A passport photographed open: its front page printed sideways above the data page. The
    /// page stays upright, and the zone is found with its second line read and its first
    /// (names, read garbled) re-read: the check digits prove number and dates.
    @Test func aPassportOpenOnItsDataPageGivesItsZone() throws {
        let record = try #require(
            try Self.shipped("identity").process(path: Support.corpus("fields-dev/mindee/passport-default_sample.png"))
                .first)
        let v = Self.values(record)
        #expect(v["document_number"] == .string("707797979"))
        #expect(v["date_of_birth"] == .string("1995-05-20"))
        #expect(v["date_of_expiry"] == .string("2017-04-22"))
        #expect(record.fields["date_of_birth"]?.strategy == .mrz)
        #expect(record.source.preprocessing?.first?.contains { $0.hasPrefix("rotate") } == false)
    }

    /// A scanned invoice whose enlarged reading is surer but lost the amounts column: the
    /// amounts the first reading had are kept, and the totals add up.
    @Test func wordsOneReadingLostAreKeptFromTheOther() throws {
        let path = Support.corpus("fields-dev/mindee/financial_document-default_sample.png")
        let text = try Support.reader.read(path: path).text
        for amount in ["195.00", "9.75", "45.00"] { #expect(text.contains(amount), "\(amount)") }
        let record = try #require(try Self.shipped("invoice").process(path: path).first)
        let v = Self.values(record)
        #expect(v["amount"] == .number(Decimal(string: "204.75")!))
        #expect(v["amount_untaxed"] == .number(Decimal(string: "195.00")!))
        #expect(v["amount_tax"] == .number(Decimal(string: "9.75")!))
        #expect(record.fields["amount"]?.checks["sum"] == .agrees)
    }

    /// A photographed till receipt: `20% VAT` and `20% VAT Net` are labels after a rate, and
    /// net + tax = total picks them among the receipt's many amounts. The shop's name heads
    /// it in small print the page layout leaves unread (read as an unread line, enlarged).
    @Test func aReceiptsTotalsAddUp() throws {
        let record = try #require(
            try Self.shipped("receipt").process(
                path: Support.corpus("fields-dev/mindee/expense_receipts-default_sample.png")
            ).first)
        let v = Self.values(record)
        #expect(v["total"] == .number(Decimal(string: "10.20")!))
        #expect(v["net"] == .number(Decimal(string: "8.50")!))
        #expect(v["tax"] == .number(Decimal(string: "1.70")!))
        #expect(v["currency"] == .string("GBP"))
        #expect(v["shop"] == .string("Clachan"))
    }

    /// The same invoices as text PDFs and as OCR'd images: every labelled field both fill has the
    /// same value, and the images fill all the PDFs fill (Flipkart's number, in a dashed frame
    /// Tesseract's layout drops, is read as an unread line). (Issuer and customer are left out:
    /// found by print size and headings, they are guesses a rendering can change.)
    @Test func aTextLayerAndAnOCRPageOfTheSameInvoiceAgree() throws {
        let invoice = try Self.shipped("invoice")
        var missed = 0
        for name in ["AmazonWebServices", "FlipkartInvoice", "SammyMaystoneLinesTest", "oyo"] {
            let base = Support.corpus("fields-dev/invoice2data/\(name)")
            // Line items are left out too: a long description's serial number may differ by a
            // letter (LineItemCorpusTests measures them on images).
            let guesses: Set<String> = ["issuer", "customer", "line_items"]
            let text = Self.values(try #require(invoice.process(path: base + ".pdf").first)).filter {
                !guesses.contains($0.key)
            }
            let image = Self.values(try #require(invoice.process(path: base + ".png").first)).filter {
                !guesses.contains($0.key)
            }
            #expect(text.count >= 4, "\(name): \(text)")
            for (field, value) in text {
                if let read = image[field] { #expect(read == value, "\(name) \(field)") } else { missed += 1 }
            }
            #expect(image.keys.allSatisfy { text[$0] != nil }, "\(name): the image fills \(image.keys.sorted())")
        }
        #expect(missed == 0)
    }
}
