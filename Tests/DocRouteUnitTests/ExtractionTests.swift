import DocRouteTestSupport
import Foundation
import Testing

@testable import DocRoute
@testable import DocRouteExtraction
@testable import DocRouteModel
@testable import DocRouteReaders

/// The identity pipeline on the labelled samples, through the library.
@Suite struct ExtractionTests {
    static func truth() throws -> [Evaluation.Truth] {
        try Evaluation.loadTruth(path: Support.identityRoot.appendingPathComponent("truth.jsonl").path)
    }

    @Test func structuredDocumentsAreExtractedExactly() throws {
        // DOCX (tables and `Label: value` paragraphs), XLSX (forms and registers), PDF text layers.
        let truth = try Self.truth().filter {
            !$0.file.hasPrefix("png/") && !$0.file.hasPrefix("jpeg/") && !$0.file.hasPrefix("scanned-pdf/")
        }
        #expect(truth.count >= 40)
        let e = Evaluation.run(
            directory: Support.identityRoot.path, truth: truth,
            runner: BatchRunner(pipeline: try Support.pipeline("identity"), jobs: 2))
        for kind in ["docx", "xlsx", "pdf"] {
            let score = try #require(e.byKind[kind], "\(kind)")
            #expect(score.f1 == 1.0, "\(kind): \(e.mismatches.prefix(5))")
            #expect(score.truePositives >= 70)
        }
        #expect(e.failedFiles.isEmpty)
    }

    @Test func aRegisterGivesOneRecordPerPerson() throws {
        let records = try Support.pipeline("identity").process(
            path: Support.identityRoot.appendingPathComponent("xlsx/register-1.xlsx").path)
        #expect(records.count == 8)
        #expect(records.map { $0.source.row } == Array(2...9))
        #expect(records.allSatisfy { $0.status == .ok && $0.source.sheet == "Register" })
        let truth = try Self.truth().filter { $0.file == "xlsx/register-1.xlsx" }
        for r in records {
            let t = try #require(truth.first { $0.row == r.source.row })
            #expect(r.fields["surname"]?.value == t.fields["surname"])
            #expect(r.fields["date_of_birth"]?.value == t.fields["date_of_birth"])
        }
    }

    @Test func theSameFileGivesTheSameRecord() throws {
        let pipeline = try Support.pipeline("identity")
        let path = Support.identityRoot.appendingPathComponent("png/card-person01-clean.png").path
        var a = try #require(pipeline.process(path: path).first)
        var b = try #require(pipeline.process(path: path).first)
        a.timingsMs = .init(); b.timingsMs = .init()
        #expect(a == b)
        #expect(a.json() == b.json())
        #expect(a.status == .ok)
        #expect(a.versions.tesseract != nil)
    }

    @Test func recordsCarryProvenance() throws {
        let pipeline = try Support.pipeline("identity")
        let r = try #require(
            pipeline.process(path: Support.identityRoot.appendingPathComponent("pdf/record-01-person03.pdf").path).first
        )
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.json().utf8)) as? [String: Any])
        for key in ["source", "pipeline", "template", "status", "fields", "route", "timings_ms", "errors", "versions"] {
            #expect(object.keys.contains(key), "\(key)")
        }
        let dob = try #require((object["fields"] as? [String: Any])?["date_of_birth"] as? [String: Any])
        #expect(dob["valid"] as? Bool == true)
        #expect((dob["value"] as? String)?.count == 10)
        #expect(dob["raw"] is String && dob["strategy"] is String && dob["page"] as? Int == 1)
        #expect((dob["box"] as? [Double])?.count == 4)
        let confidence = try #require(dob["confidence"] as? Double)
        #expect(confidence > 0.9 && confidence <= 1)
    }

    @Test func purchaseOrdersFromTextScanAndTIFF() throws {
        let pipeline = try Support.pipeline("purchase_order")
        for name in ["purchase-order.pdf", "purchase-order-scanned.pdf", "purchase-order-scan.tiff"] {
            let r = try #require(pipeline.process(path: Support.sample(name)).first)
            // Numbers, dates and amounts are sure; free text (names, addresses, terms), which any
            // words validate, may go to review (the confidence model, issue 21): never partial.
            #expect(r.status == .ok || r.status == .needsReview, "\(name)")
            let free: Set = ["buyer", "supplier", "delivery_address", "payment_terms"]
            let doubtful = Set((r.review ?? [:]).keys)
            #expect(doubtful.isSubset(of: free), "\(name): \(doubtful)")
            for typed in ["po_number", "order_date", "total"] {
                #expect((r.fields[typed]?.confidence ?? 0) >= 0.9, "\(name) \(typed)")
            }
            #expect(r.fields["po_number"]?.value == .string("PO-2024-0193"), "\(name)")
            #expect(r.fields["order_date"]?.value == .string("2024-03-15"), "\(name)")
            #expect(r.fields["total"]?.value == .number(Decimal(string: "1284.5")!), "\(name)")
            #expect(r.fields["total"]?.currency == "EUR", "\(name)")
            #expect(r.fields["supplier"]?.value == .string("ACME Supplies Ltd"), "\(name)")
        }
    }

    @Test func textValuesAreReReadByTheValuesModel() throws {
        // Debian's `eng` reads KRAKOW; the `Latin` model re-reading the value's own box reads
        // the accent, and the record says the value was re-read.
        let pipeline = try Support.pipeline("identity")
        #expect(pipeline.spec.ocr.values == "Latin")
        let path = Support.identityRoot.appendingPathComponent("png/card-person02-clean.png").path
        let r = try #require(pipeline.process(path: path).first)
        #expect(r.fields["place_of_birth"]?.value == .string("KRAKÓW"))
        #expect(r.fields["place_of_birth"]?.reread == true)
        #expect(r.fields["surname"]?.value == .string("NOWAK"))
        #expect(r.route.rereads >= 2)
        #expect(r.json().contains("\"reread\":true"))
        #expect(r.warnings.isEmpty)

        // Without a values model, valid values stay as the page read them: same letters.
        var spec = pipeline.spec
        spec.ocr.values = nil
        let plain = try #require(Pipeline(spec: spec, reader: Support.reader).process(path: path).first)
        let place = try #require(plain.fields["place_of_birth"])
        #expect(place.reread == false && place.valid)
        if case .string(let s) = place.value {
            #expect(TextNormalizer.key(s) == "krakow")
        } else {
            Issue.record("no place")
        }
        #expect(!plain.json().contains("\"reread\""))

        // A re-read keeps the capitals the page read.
        #expect(Router.cased("Noémie", like: "NOEMIE") == "NOÉMIE")
        #expect(Router.cased("Luís MIGUEL", like: "LUIS MIGUEL") == "LUÍS MIGUEL")
        #expect(Router.cased("Müller GmbH", like: "Muller GmbH") == "Müller GmbH")
    }

    @Test func invalidValuesAreReReadFromTheirBox() throws {
        // On the skewed card the page reads the document number as H1CD1BL4g, which its
        // pattern rejects and no single confusion repairs; the line re-read of its box reads it.
        // (Read as it is: deskewed, the page reads the number right.)
        var spec = try Support.pipeline("identity").spec
        spec.ocr.values = nil
        let raw = DocumentReader(preprocess: false, ocr: Support.reader.ocr)
        let r = try #require(
            Pipeline(spec: spec, reader: raw)
                .process(path: Support.identityRoot.appendingPathComponent("png/card-person01-skew.png").path).first)
        let number = try #require(r.fields["document_number"])
        #expect(number.value == .string("H1CD1BL48"))
        #expect(number.reread)
        #expect(r.status != .partial)
    }

    @Test func aValuesModelThatCannotLoadLeavesPageReadings() throws {
        var spec = try Support.pipeline("identity").spec
        spec.ocr.values = "nosuchmodel"
        let r = try #require(
            Pipeline(spec: spec, reader: Support.reader)
                .process(path: Support.identityRoot.appendingPathComponent("png/card-person03-clean.png").path).first)
        #expect(r.fields.values.allSatisfy { $0.valid && !$0.reread })
        // Every value is given; only what the page's OCR was unsure of (CHIDI, at 0.62) waits
        // for a person.
        #expect(r.status != .partial)
        for (name, reason) in r.review ?? [:] {
            #expect(
                reason == "unsure OCR reading" && (r.fields[name]?.evidence?.ocr ?? 1) < 0.7,
                "\(name): \(reason) \(String(describing: r.fields[name]))")
        }
        #expect(r.warnings.contains { $0.contains("values not re-read") && $0.contains("nosuchmodel") })
    }

    @Test func unreadableFilesGiveFailedRecordsWithTypedErrors() throws {
        let pipeline = try Support.pipeline("identity")
        let r = try #require(pipeline.process(path: Support.fixture("legacy-word.doc")).first)
        #expect(r.status == .failed)
        #expect(r.errors.map(\.code) == ["unsupported_format"])
        #expect(r.fields.isEmpty)
        let missing = try #require(pipeline.process(path: "/nonexistent/file.pdf").first)
        #expect(missing.errors.first?.code == "io")
    }
}
