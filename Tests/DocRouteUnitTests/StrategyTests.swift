import Foundation
import Testing

@testable import DocRouteExtraction
@testable import DocRouteModel

/// Label matching, the three strategies and the router, on documents built word by word.
@Suite struct StrategyTests {
    static let fields: [FieldSpec] = [
        FieldSpec(name: "surname", labels: ["Surname", "Last name"]),
        FieldSpec(name: "given_names", labels: ["Given names", "Prénoms"]),
        FieldSpec(name: "date_of_birth", labels: ["Date of birth", "DOB"], type: .date),
        FieldSpec(name: "date_of_expiry", labels: ["Date of expiry"], type: .date),
        FieldSpec(name: "number", labels: ["Document No"], pattern: try! FieldPattern("[A-Z0-9]{9}")),
    ]

    /// A page of OCR-like words: each line is a list of (text, x) at a fixed word height.
    static func document(_ lines: [[(String, Double)]], format: DocumentFormat = .png, confidence: Double? = 0.9)
        -> Document
    {
        var words: [TextSpan] = []
        for (li, line) in lines.enumerated() {
            for (text, x) in line {
                let w = Double(text.count) * 10
                words.append(
                    TextSpan(
                        text: text, box: Box(x0: x, y0: Double(li) * 30, x1: x + w, y1: Double(li) * 30 + 20),
                        confidence: confidence, line: li, block: 0, order: words.count))
            }
        }
        let page = Page(index: 0, width: 1000, height: 1000, unit: .px, origin: .ocr, dpi: 300, words: words)
        return Document(source: .init(path: "t.png", sha256: "", format: format, bytes: 0), pages: [page], tables: [])
    }

    @Test func labelsMatchDespiteCaseAccentsPunctuationAndOCRSlips() {
        let m = LabelMatcher(fields: Self.fields)
        #expect(m.matchWhole("DATE OF BIRTH:")?.field == "date_of_birth")
        #expect(m.matchWhole("Dale of birth")?.field == "date_of_birth")
        #expect(m.matchWhole("Sumame")?.field == "surname")
        #expect(m.matchWhole("prenoms")?.field == "given_names")
        #expect(m.matchWhole("Date of birth (DD.MM.YYYY)")?.field == "date_of_birth")
        #expect(m.matchWhole("Date of expiry")?.field == "date_of_expiry")
        #expect(m.matchWhole("Place of birth") == nil)
        #expect(m.matchWhole("DOS") == nil)  // three letters: no slip allowed
        // In running words: a merged "Dateof" and a label ending in a colon mid-line.
        let words = ["Dateof", "birth:", "12.04.1990", "Surname:", "MARTIN"].enumerated().map {
            TextSpan(text: $1, box: nil, confidence: nil, line: 0, block: 0, order: $0)
        }
        let found = m.matches(in: words, isStart: { $0 == 0 })
        #expect(found.map(\.field) == ["date_of_birth", "surname"])
        #expect(found.map(\.start) == [0, 3])
    }

    /// Issue 19's crash: a label followed at once by another label in its segment, with a
    /// column after them, sliced the line backwards (a trap, so the whole process died).
    @Test func aLabelFollowedByAnotherLabelBeforeAColumnHasNoColumnValue() throws {
        let doc = Self.document([
            [("Surname", 100), ("Document", 180), ("No", 270), ("X4RTB7291", 300), ("OTHER", 700)]
        ])
        let f = try #require(Router(spec: PipelineSpec(name: "t", fields: Self.fields)).extract(doc).first).fields
        #expect(f["number"]?.value == .string("X4RTB7291"))
        #expect(f["surname"]?.value != .string("OTHER"))
    }

    @Test func tableFindsValuesRightOfBelowAndAfterColons() throws {
        let doc = Self.document([
            [("Surname", 100), ("Given", 500), ("names", 560)],  // labels above values, two columns
            [("MARTIN", 100), ("CLAIRE", 500), ("ANNE", 570)],
            [("Date", 100), ("of", 150), ("birth:", 180), ("12.04.1990", 250)],  // Label: value
            [("Document", 100), ("No", 190), ("X4RTB7291", 600)],  // value in the next column
        ])
        let records = Router(spec: PipelineSpec(name: "t", fields: Self.fields)).extract(doc)
        let f = try #require(records.first).fields
        #expect(f["surname"]?.value == .string("MARTIN"))
        #expect(f["given_names"]?.value == .string("CLAIRE ANNE"))
        #expect(f["date_of_birth"]?.value == .string("1990-04-12"))
        #expect(f["date_of_birth"]?.raw == "12.04.1990")
        #expect(f["number"]?.value == .string("X4RTB7291"))
        #expect(f["number"]?.strategy == .table)
        #expect(f["number"]?.box == Box(x0: 600, y0: 90, x1: 690, y1: 110))
        #expect(f["number"]?.page == 1)
        #expect(f["date_of_expiry"]?.valid == false && f["date_of_expiry"]?.reason == "not found")
        #expect(f["date_of_expiry"]?.tried == [.table, .replacement, .direct])
    }

    @Test func nativeTablesPairLabelCellsWithValueCells() throws {
        let table = Table(
            page: 0, rowCount: 3, columnCount: 3,
            cells: [
                Cell(row: 0, column: 0, text: "Surname:"), Cell(row: 0, column: 1, text: ""),
                Cell(row: 0, column: 2, text: "Nowak"),
                Cell(row: 1, column: 0, text: "Date of birth"),
                Cell(row: 1, column: 1, text: "1994-02-28", kind: .date),
                Cell(row: 2, column: 0, text: "Given names"), Cell(row: 2, column: 1, text: "Date of expiry"),
            ])
        let doc = Document(
            source: .init(path: "t.xlsx", sha256: "", format: .xlsx, bytes: 0),
            pages: [Page(index: 0, width: 0, height: 0, unit: .none, origin: .native, words: [])], tables: [table])
        let f = try #require(Router(spec: PipelineSpec(name: "t", fields: Self.fields)).extract(doc).first).fields
        #expect(f["surname"]?.value == .string("Nowak"))  // empty cells skipped
        #expect(f["date_of_birth"]?.value == .string("1994-02-28"))
        #expect(f["given_names"]?.valid == false)  // the cell right of it is a label
    }

    @Test func registerTablesGiveOneRecordPerRow() throws {
        var cells = [
            Cell(row: 0, column: 0, text: "Surname"), Cell(row: 0, column: 1, text: "Given names"),
            Cell(row: 0, column: 2, text: "Date of birth"),
        ]
        for (r, person) in [
            ("NOWAK", "PIOTR", "1994-02-28"), ("ROSSI", "GIULIA", "1991-11-15"), ("PETROV", "IVAN", "1998-12-28"),
        ].enumerated() {
            cells += [
                Cell(row: r + 1, column: 0, text: person.0), Cell(row: r + 1, column: 1, text: person.1),
                Cell(row: r + 1, column: 2, text: person.2, kind: .date),
            ]
        }
        let doc = Document(
            source: .init(path: "r.xlsx", sha256: "", format: .xlsx, bytes: 0),
            pages: [Page(index: 0, width: 0, height: 0, unit: .none, origin: .native, name: "People", words: [])],
            tables: [Table(page: 0, name: "People", rowCount: 4, columnCount: 3, cells: cells)])
        let records = Router(spec: PipelineSpec(name: "t", fields: Self.fields)).extract(doc)
        #expect(records.count == 3)
        #expect(records.map(\.row) == [2, 3, 4])
        #expect(records.map { $0.fields["surname"]?.value } == [.string("NOWAK"), .string("ROSSI"), .string("PETROV")])
        #expect(records[2].fields["date_of_birth"]?.value == .string("1998-12-28"))
        #expect(records.allSatisfy { $0.sheet == "People" })
    }

    static let template = TemplateSpec(
        id: "permit",
        text: """
            UTOPIA RESIDENCE PERMIT
            Surname: {{surname}}
            Given names: {{given_names}}
            Date of birth: {{date_of_birth}}
            Document No: {{number}}
            """)

    @Test func templateAlignmentToleratesOCRNoiseAndExtraOrMissingLines() throws {
        // "Sumame", "Glven narnes", a stray line, and the date line missing entirely.
        let doc = Self.document([
            [("UTOPIA", 50), ("RESIDENCE", 130), ("PERMIT", 260)],
            [("~~", 50), ("---", 80)],
            [("Sumame:", 50), ("NOWAK", 150)],
            [("Glven", 50), ("narnes:", 110), ("PIOTR", 200)],
            [("Document", 50), ("No:", 150), ("X0W2T7VYJ", 200)],
        ])
        let context = ExtractionContext(document: doc, fields: Self.fields)
        let matches = TemplateAligner([Self.template]).align(context.layout, format: .png)
        let match = try #require(matches.first)
        #expect(match.score > 0.6 && match.score < 1)
        #expect(match.values["surname"]?.first?.text == "NOWAK")
        #expect(match.values["given_names"]?.first?.text == "PIOTR")
        #expect(match.values["number"]?.first?.text == "X0W2T7VYJ")
        #expect(match.values["date_of_birth"] == nil)
        // A document of another layout does not match.
        let other = Self.document([
            [("INVOICE", 50)], [("Total:", 50), ("12.00", 120)], [("Customer:", 50), ("ACME", 150)],
        ])
        let otherMatch = try #require(
            TemplateAligner([Self.template])
                .align(ExtractionContext(document: other, fields: Self.fields).layout, format: .png).first)
        #expect(otherMatch.score < 0.3)
    }

    @Test func routerPutsAStrongTemplateFirstAndRecordsIt() throws {
        let doc = Self.document([
            [("UTOPIA", 50), ("RESIDENCE", 130), ("PERMIT", 260)],
            [("Surname:", 50), ("NOWAK", 150)],
            [("Given", 50), ("names:", 110), ("PIOTR", 200)],
            [("Date", 50), ("of", 100), ("birth:", 130), ("28/02/1994", 200)],
            [("Document", 50), ("No:", 150), ("X0W2T7VYJ", 200)],
        ])
        let spec = PipelineSpec(name: "t", fields: Self.fields, templates: [Self.template])
        let e = try #require(Router(spec: spec).extract(doc).first)
        #expect(e.route.order == [.replacement, .table, .direct])
        #expect(e.template == "permit")
        #expect(e.fields["date_of_birth"]?.value == .string("1994-02-28"))
        #expect(e.fields.values.filter(\.valid).allSatisfy { $0.strategy == .replacement })
        // The pipeline's routing section overrides the default order.
        var pinned = spec
        pinned.routing = RoutingSpec(byKind: ["image": [.direct, .table]])
        let p = try #require(Router(spec: pinned).extract(doc).first)
        #expect(p.route.order == [.direct, .table])
        #expect(p.fields["number"]?.strategy == .direct)
        #expect(p.fields["surname"]?.strategy == .table)
    }

    @Test func invalidValuesFallThroughToTheNextStrategy() throws {
        // The table gives a date that is not a date; the template's value is valid.
        let doc = Self.document([
            [("UTOPIA", 50), ("RESIDENCE", 130), ("PERMIT", 260)],
            [("Date", 50), ("of", 100), ("birth:", 130), ("31.02.1994", 200)],
            [("DOB", 50), ("28.02.1994", 400)],
        ])
        var spec = PipelineSpec(
            name: "t", fields: Self.fields,
            templates: [TemplateSpec(id: "x", text: "UTOPIA RESIDENCE PERMIT\nDOB {{date_of_birth}}")])
        spec.routing = RoutingSpec(order: [.table, .replacement])
        let e = try #require(Router(spec: spec).extract(doc).first)
        #expect(e.fields["date_of_birth"]?.value == .string("1994-02-28"))
        // With only the table strategy the field is invalid, with the failing text and the reason.
        spec.routing = RoutingSpec(order: [.table])
        spec.templates = []
        let t = try #require(
            Router(spec: spec).extract(
                Self.document([[("Date", 50), ("of", 100), ("birth:", 130), ("31.02.1994", 200)]])
            ).first)
        #expect(t.fields["date_of_birth"]?.valid == false)
        #expect(t.fields["date_of_birth"]?.value == nil)
        #expect(t.fields["date_of_birth"]?.raw == "31.02.1994")
        #expect(t.fields["date_of_birth"]?.reason?.contains("day 31") == true)
    }

    /// Letters a field's pattern cannot hold are read as their one look-alike it can, however
    /// many (three O in a number without O), less sure than a reading; a PDF's text is not.
    @Test func lettersThePatternCannotHoldBecomeTheirLookAlikes() throws {
        let spec = try PipelineSpec.parse(
            yaml: """
                name: t
                fields:
                  - {name: number, labels: [Document No], type: text, pattern: "[A-HJ-NPR-Z0-9]{9}"}
                """, file: "t.yaml")
        let lines = [[("Document", 50.0), ("No", 150), ("SOTOWTXRO", 300)]]
        let ocr = try #require(Router(spec: spec).extract(Self.document(lines)).first?.fields["number"])
        #expect(ocr.value == .string("S0T0WTXR0") && ocr.evidence?.repaired == true && (ocr.evidence?.raw ?? 1) < 0.9)
        let pdf = try #require(
            Router(spec: spec).extract(Self.document(lines, format: .pdf, confidence: nil)).first?.fields["number"])
        #expect(pdf.valid == false)
    }

    /// A learned template's reading that was not kept (the document fell back) fills only what
    /// the routing strategies leave empty, and says so; what the page gives wins.
    @Test func aTemplateReadingFillsOnlyWhatTheRouteLeavesEmpty() throws {
        let doc = Self.document([
            [("Surname:", 100), ("MARTIN", 250)],
            [("Date", 100), ("of", 150), ("birth:", 180), ("12.04.1990", 250)],
        ])
        func c(_ text: String) -> [Candidate] {
            [
                Candidate(
                    text: text, page: 0, box: Box(x0: 250, y0: 90, x1: 340, y1: 110), confidence: 0.95, ocr: true,
                    quality: 1)
            ]
        }
        let reading: CandidateSet = [
            "surname": c("MARTEN"), "number": c("X4RTB7291"), "date_of_expiry": c("31.02.2030"),
        ]
        let router = Router(spec: PipelineSpec(name: "t", fields: Self.fields))
        let f = try #require(router.extract(doc, reread: nil, templateReading: reading).first)
        #expect(f.fields["surname"]?.value == .string("MARTIN") && f.fields["surname"]?.fromTemplate == false)
        #expect(f.fields["number"]?.value == .string("X4RTB7291") && f.fields["number"]?.fromTemplate == true)
        #expect(
            f.fields["number"]?.strategy == .replacement && f.fields["number"]?.tried.contains(.replacement) == true)
        // A reading that does not validate fills nothing.
        #expect(f.fields["date_of_expiry"]?.valid == false && f.fields["date_of_expiry"]?.fromTemplate == false)
        #expect(f.route.reason.contains("number from the learned template's regions"))
        // Without it, the number is not found.
        #expect(try #require(router.extract(doc, reread: nil).first).fields["number"]?.valid == false)
    }
}
