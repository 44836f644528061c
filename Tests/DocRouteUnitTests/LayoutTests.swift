import Foundation
import Testing

@testable import DocRouteExtraction
@testable import DocRouteModel

/// Visual lines, label→value pairs across the OCR engine's blocks, value shapes, symbol
/// labels, currencies, titles and repeated labels, on documents built word by word.
@Suite struct LayoutTests {
    /// A word: text, left edge, top, height, and the reader line (OCR line) it came in.
    struct W {
        var text: String; var x: Double; var y: Double; var h: Double = 20; var line: Int;
        var confidence: Double? = 0.95
    }

    static func document(_ words: [W], format: DocumentFormat = .png, width: Double = 1200, height: Double = 1600)
        -> Document
    {
        let spans = words.enumerated().map { i, w in
            TextSpan(
                text: w.text, box: Box(x0: w.x, y0: w.y, x1: w.x + Double(w.text.count) * 11, y1: w.y + w.h),
                confidence: format == .pdf ? nil : w.confidence, line: w.line, block: w.line, order: i)
        }
        let page = Page(
            index: 0, width: width, height: height, unit: format == .pdf ? .pt : .px,
            origin: format == .pdf ? .textLayer : .ocr, dpi: format == .pdf ? nil : 300, words: spans)
        return Document(
            source: .init(path: "t.\(format.rawValue)", sha256: "", format: format, bytes: 0), pages: [page], tables: []
        )
    }

    /// The words of `text` printed from `x` on, one space (a third of the height) apart.
    static func run(_ text: String, x: Double, y: Double, h: Double = 20, line: Int) -> [W] {
        var out: [W] = [], at = x
        for word in text.split(separator: " ") {
            out.append(W(text: String(word), x: at, y: y, h: h, line: line))
            at += Double(word.count) * 11 + h / 3
        }
        return out
    }

    static func fields(_ spec: PipelineSpec, _ document: Document) -> [String: Record.Field] {
        Router(spec: spec).extract(document).first?.fields ?? [:]
    }

    /// Labels in one column, values far to the right: the OCR engine gave every word a line
    /// (and a block) of its own, a little offset, as Tesseract does on such cards.
    @Test func aLabelAndAValueInDifferentOCRBlocksArePaired() {
        let doc = Self.document([
            W(text: "Surname", x: 60, y: 100, line: 0), W(text: "MARTIN", x: 700, y: 103, line: 1),
            W(text: "Date", x: 60, y: 160, line: 2), W(text: "of", x: 110, y: 160, line: 2),
            W(text: "birth", x: 140, y: 160, line: 2),
            W(text: "12.04.1990", x: 700, y: 158, line: 3),
        ])
        let lines = TextLayout(doc).lines.map { $0.words.map(\.text).joined(separator: " ") }
        #expect(lines == ["Surname MARTIN", "Date of birth 12.04.1990"])
        let f = Self.fields(PipelineSpec(name: "t", fields: StrategyTests.fields), doc)
        #expect(f["surname"]?.value == .string("MARTIN"))
        #expect(f["date_of_birth"]?.value == .string("1990-04-12"))
    }

    /// A page left skewed by 1.7°: the value column, 640 px right, stands most of a line lower
    /// than its labels; the labels' own lines show the slope, and each value joins its label.
    @Test func onASkewedPageValuesJoinTheirLabelsAlongTheSlope() {
        let slope = 0.03
        var words: [W] = []
        let rows = [
            ("Date of birth", "12.04.1990"), ("Place of birth", "KRAKOW"), ("Date of expiry", "01.02.2030"),
            ("Document No", "AB1234567"),
        ]
        for (n, (label, value)) in rows.enumerated() {
            let y = 100 + Double(n) * 60
            var x = 60.0
            for word in label.split(separator: " ") {
                words.append(W(text: String(word), x: x, y: y + slope * x, line: 2 * n))
                x += Double(word.count) * 11 + 7
            }
            words.append(W(text: value, x: 700, y: y + slope * 700, line: 2 * n + 1))
        }
        let lines = TextLayout(Self.document(words)).lines.map { $0.words.map(\.text).joined(separator: " ") }
        #expect(lines == rows.map { "\($0.0) \($0.1)" }, "\(lines)")
    }

    /// An address printed over lines: under its label, or beside it and continued under its
    /// first line; the next label ends it.
    @Test func anAddressKeepsItsLinesUntilTheNextLabel() {
        let spec = PipelineSpec(
            name: "t",
            fields: [
                FieldSpec(name: "ship_to", labels: ["Ship to"], type: .address),
                FieldSpec(name: "terms", labels: ["Payment terms"]),
            ])
        let below =
            Self.run("Ship to:", x: 60, y: 100, line: 0) + Self.run("Taylor's Store", x: 60, y: 128, line: 1)
            + Self.run("35 Rue du Logiciel Libre", x: 60, y: 152, line: 2)
            + Self.run("69100 Villeurbanne", x: 60, y: 176, line: 3)
            + Self.run("Payment terms: 30 days", x: 60, y: 200, line: 4)
        let f = Self.fields(spec, Self.document(below, format: .pdf))
        #expect(f["ship_to"]?.value == .string("Taylor's Store\n35 Rue du Logiciel Libre\n69100 Villeurbanne"))
        #expect(f["ship_to"]?.found == "multi_line")
        #expect(f["terms"]?.value == .string("30 days"))
        let beside =
            Self.run("Ship to: Hafenstrasse 12", x: 60, y: 100, line: 0)
            + Self.run("20457 Hamburg", x: 155, y: 124, line: 1)
            + Self.run("Germany", x: 155, y: 148, line: 2)
            + Self.run("Thank you for your order", x: 60, y: 260, line: 3)
        let g = Self.fields(spec, Self.document(beside, format: .pdf))
        #expect(g["ship_to"]?.value == .string("Hafenstrasse 12\n20457 Hamburg\nGermany"))
    }

    /// `Company Name` printed under a ship-from and a ship-to heading: a field naming its
    /// section takes the one under its heading, side by side or one above the other.
    @Test func aRepeatedLabelIsReadInTheFieldsSection() throws {
        let yaml = """
            name: t
            fields:
              - name: ship_to_company
                labels: [Company Name]
                section: [Ship to, Shipped to, Lieferadresse]
              - name: ship_from_company
                labels: [Company Name]
                section: [Ship from]
            """
        let spec = try PipelineSpec.parse(yaml: yaml, file: "t.yaml")
        #expect(spec.fields[0].section == ["Ship to", "Shipped to", "Lieferadresse"])
        let sideBySide =
            Self.run("Ship From", x: 60, y: 100, line: 0) + Self.run("Ship To", x: 700, y: 100, line: 1)
            + Self.run("Company Name: Acme Supplies", x: 60, y: 140, line: 2)
            + Self.run("Company Name: Northwind GmbH", x: 700, y: 140, line: 3)
        let f = Self.fields(spec, Self.document(sideBySide, format: .pdf))
        #expect(f["ship_to_company"]?.value == .string("Northwind GmbH"))
        #expect(f["ship_to_company"]?.found == "section_same_line")
        #expect(f["ship_from_company"]?.value == .string("Acme Supplies"))
        let stacked =
            Self.run("Ship to", x: 60, y: 100, line: 0)
            + Self.run("Company Name: Northwind GmbH", x: 60, y: 130, line: 1)
            + Self.run("Ship from", x: 60, y: 200, line: 2)
            + Self.run("Company Name: Acme Supplies", x: 60, y: 230, line: 3)
        let g = Self.fields(spec, Self.document(stacked, format: .pdf))
        #expect(g["ship_to_company"]?.value == .string("Northwind GmbH"))
        #expect(g["ship_from_company"]?.value == .string("Acme Supplies"))
    }

    /// A reader line holding two rows of a column (poppler does this) is cut by height; a line
    /// of the next row, half a line lower, is not joined; a speck does not join a line.
    @Test func readerLinesAreCutByHeightAndNeighbouringRowsStayApart() {
        let doc = Self.document(
            [
                W(text: "Net", x: 60, y: 100, line: 0), W(text: "VAT", x: 60, y: 130, line: 1),
                W(text: "593,36", x: 300, y: 100, line: 1),  // in the VAT line by the reader, beside "Net" on the page
                W(text: "124,61", x: 300, y: 130, line: 2),
                // The date half a line higher.
                W(text: "Place", x: 60, y: 200, line: 3), W(text: "04/07/2034", x: 700, y: 190, line: 4),
                W(text: "ie", x: 200, y: 205, h: 3, line: 5, confidence: 0.9),
            ], format: .pdf)
        let lines = TextLayout(doc).lines.map { $0.words.map(\.text).joined(separator: " ") }
        #expect(lines.contains("Net 593,36"))
        #expect(lines.contains("VAT 124,61"))
        #expect(lines.contains("Place"))
        #expect(!lines.contains { $0.contains("ie") && $0.contains("Place") })
    }

    /// `Invoice` inside a sentence is no invoice number; the number is found where its label is.
    @Test func aLabelInsideProseGivesNoIdentifier() {
        let spec = PipelineSpec(
            name: "t",
            fields: [FieldSpec(name: "invoice_number", labels: ["Invoice", "Invoice Number"], type: .identifier)])
        let prose = "This invoice is for the billing period July 1 - July 31 , 2014".split(separator: " ")
        var words = prose.enumerated().map { W(text: String($1), x: 60 + Double($0) * 70, y: 100, line: 0) }
        words += [
            W(text: "Invoice", x: 60, y: 200, line: 1), W(text: "Number:", x: 150, y: 200, line: 1),
            W(text: "42183017", x: 700, y: 200, line: 2),
        ]
        let f = Self.fields(spec, Self.document(words, format: .pdf))
        #expect(f["invoice_number"]?.value == .string("42183017"))
        // The sentence alone: nothing rather than a sentence.
        let only = Self.fields(spec, Self.document(Array(words.prefix(prose.count)), format: .pdf))
        #expect(only["invoice_number"]?.valid == false)
    }

    /// `#`, `N°` and `Nr.` mark a number; they match as labels and never stay in the value.
    @Test func symbolLabelsMatchAndTheirSymbolsDoNotLeak() {
        let spec = PipelineSpec(
            name: "t", fields: [FieldSpec(name: "number", labels: ["#", "Facture", "Rechnung Nr."], type: .identifier)])
        let hash = Self.fields(
            spec,
            Self.document(
                [W(text: "#", x: 60, y: 100, line: 0), W(text: "invoice_number_1", x: 80, y: 100, line: 0)],
                format: .pdf))
        #expect(hash["number"]?.value == .string("invoice_number_1"))
        let glued = Self.fields(
            spec,
            Self.document(Self.run("Facture n°562044387 du 02 Juillet 2015", x: 60, y: 100, line: 0), format: .pdf))
        #expect(glued["number"]?.value == .string("562044387"))
        let spaced = Self.fields(
            spec, Self.document(Self.run("Rechnung Nr. : # 2022089083", x: 60, y: 100, line: 0), format: .pdf))
        #expect(spaced["number"]?.value == .string("2022089083"))
    }

    /// A value printed in a column of its own after a label with words of its own.
    @Test func aValueInTheNextColumnAfterALongerLabel() {
        let spec = PipelineSpec(
            name: "t",
            fields: [
                FieldSpec(name: "amount", labels: ["Total amount due"], type: .money),
                FieldSpec(name: "currency", type: .currency),
            ])
        let words =
            Self.run("TOTAL AMOUNT DUE ON August 3 , 2014", x: 500, y: 100, line: 0) + [
                W(text: "$4.11", x: 1150, y: 100, line: 0)
            ]
        let f = Self.fields(spec, Self.document(words, format: .pdf, width: 1300))
        #expect(f["amount"]?.value == .number(Decimal(string: "4.11")!))
        #expect(f["amount"]?.found == "next_column")
        // The currency printed with the amount fills the currency field.
        #expect(f["currency"]?.value == .string("USD"))
        #expect(f["currency"]?.found == "with_amount")
    }

    @Test func currencyFromCodesAndSymbolsOnThePage() {
        let spec = PipelineSpec(name: "t", fields: [FieldSpec(name: "currency", type: .currency)])
        let euros = Self.fields(
            spec,
            Self.document(
                [
                    W(text: "Total", x: 60, y: 100, line: 0), W(text: "EUR", x: 160, y: 100, line: 0),
                    W(text: "34,73", x: 600, y: 100, line: 0),
                ], format: .pdf))
        #expect(euros["currency"]?.value == .string("EUR"))
        // One symbol alone may be a misread digit ("$60067" for a postcode): no currency.
        let one = Self.fields(
            spec,
            Self.document([W(text: "Bangalore", x: 60, y: 100, line: 0), W(text: "$60067", x: 200, y: 100, line: 0)]))
        #expect(one["currency"]?.valid == false)
        // A currency's name or symbol with an amount in cents counts as much as a code.
        let rupees = Self.fields(
            spec, Self.document(Self.run("Price includes a discount of Rs -40.00", x: 60, y: 100, line: 0)))
        #expect(rupees["currency"]?.value == .string("INR"))
        #expect(NumberNormalizer.currency(named: "€") == "EUR")
        #expect(NumberNormalizer.currency(named: "Euro") == "EUR")
        #expect(NumberNormalizer.currency(named: "Rs.") == "INR")
        #expect(NumberNormalizer.currency(named: "Total") == nil)
    }

    /// The largest print at the top of the first page names an unlabelled shop.
    @Test func aTitleFieldTakesTheLetterhead() {
        let spec = PipelineSpec(
            name: "t",
            fields: [
                FieldSpec(name: "shop", type: .text, position: .title),
                FieldSpec(name: "total", labels: ["Total"], type: .money),
            ])
        let f = Self.fields(
            spec,
            Self.document(
                [W]() + Self.run("Clachan Inn", x: 300, y: 80, h: 48, line: 0)
                    + Self.run("34 Kingley Street", x: 300, y: 150, line: 1) + [
                        W(text: "Total", x: 60, y: 1000, h: 30, line: 2),
                        W(text: "£10.20", x: 600, y: 1000, h: 30, line: 2),
                    ]))
        #expect(f["shop"]?.value == .string("Clachan Inn"))
        #expect(f["shop"]?.found == "title")
        // A guess by place, not a label: below the review line.
        #expect((f["shop"]?.confidence ?? 1) < 0.9)
        #expect(f["total"]?.value == .number(Decimal(string: "10.20")!))
    }

    /// An issuer's name with evidence beats the largest print: a legal form, the web domain
    /// spelling it, a second printing at the foot; a name under `Bill to` (the customer's
    /// block) is not taken even with a legal form.
    @Test func aNameWithEvidenceBeatsTheLargestPrint() {
        var customer = FieldSpec(name: "customer", type: .text)
        customer.after = ["Bill to"]
        let spec = PipelineSpec(
            name: "t",
            fields: [
                FieldSpec(name: "issuer", type: .text, position: .title), customer,
                FieldSpec(name: "total", labels: ["Total"], type: .money),
            ])
        var words: [W] = Self.run("INVOICE", x: 60, y: 60, h: 60, line: 0)
        words += Self.run("Veldkamp Installaties B.V.", x: 700, y: 70, line: 1)
        words += Self.run("Bill to", x: 60, y: 200, line: 2)
        words += Self.run("Harbour Tools Ltd.", x: 60, y: 230, h: 34, line: 3)
        words += Self.run("Total 120.00", x: 60, y: 900, line: 4)
        words += Self.run("Veldkamp Installaties B.V. - www.veldkamp.nl", x: 60, y: 1500, line: 5)
        let f = Self.fields(spec, Self.document(words))
        #expect(f["issuer"]?.value == .string("Veldkamp Installaties B.V."))
        #expect(f["issuer"]?.found == "letterhead")
        #expect(f["issuer"]?.box?.y0 == 70)  // the printing at the top
        #expect((f["issuer"]?.confidence ?? 1) < 0.9)
        // Without the evidence the largest print that is no label stays the guess.
        let plain = Self.fields(
            spec,
            Self.document(
                Self.run("Clachan Inn", x: 60, y: 60, h: 48, line: 0) + Self.run("Bill to", x: 60, y: 200, line: 1)
                    + Self.run("Harbour Tools Ltd.", x: 60, y: 230, line: 2)))
        #expect(plain["issuer"]?.value == .string("Clachan Inn"))
        #expect(plain["issuer"]?.found == "title")
        #expect(
            Router.domains(
                TextLayout(
                    Self.document(
                        Self.run(
                            "info@mail.qualityhosting.de and www.shop.co.uk or bob@gmail.com", x: 60, y: 60, line: 0))))
                == ["qualityhosting", "shop"])
        #expect(Router.nameKey(["WS", "Retail", "Services", "Pvt.", "Ltd."]) == ("wsretailservices", true))
        #expect(Router.nameKey(["Pay", "as"]) == ("payas", false))
    }

    /// A copy's mark (`Kopie factuur`: the document's word is a label) and a heading of the
    /// pipeline are no issuer, nor is body-sized print at the top: an invoice whose letterhead
    /// is a picture has no title (fields-dev's saeco.pdf).
    @Test func aCopyMarkAHeadingOrBodyPrintIsNoTitle() {
        var customer = FieldSpec(name: "customer", type: .text)
        customer.after = ["Factuuradres"]
        let spec = PipelineSpec(
            name: "t",
            fields: [
                FieldSpec(name: "issuer", type: .text, position: .title), customer,
                FieldSpec(name: "number", labels: ["Factuur"], type: .identifier),
            ])
        let body =
            Self.run("Factuuradres", x: 80, y: 250, line: 1) + Self.run("Strategic Corp", x: 80, y: 280, line: 2)
            + Self.run("Klant", x: 80, y: 560, line: 4) + Self.run("Prijzen zijn inclusief BTW", x: 80, y: 700, line: 5)
            + Self.run("Factuur", x: 600, y: 560, line: 4) + Self.run("VF1005193039", x: 600, y: 590, line: 6)
        let copy = Self.fields(spec, Self.document(Self.run("Kopie factuur", x: 80, y: 500, h: 38, line: 3) + body))
        #expect(copy["issuer"]?.value == nil)
        #expect(copy["number"]?.value == .string("VF1005193039"))
        #expect(Self.fields(spec, Self.document(body))["issuer"]?.value == nil)
        // A name printed larger is the title again.
        let named = Self.fields(spec, Self.document(Self.run("Saeco Shop", x: 80, y: 100, h: 38, line: 0) + body))
        #expect(named["issuer"]?.value == .string("Saeco Shop"))
    }

    /// A label printed twice (a group's subtotal, then the document's): `occurrence` picks.
    @Test func occurrencePicksTheFirstOrLastPrinting() throws {
        let words = [
            W(text: "Subtotal", x: 60, y: 100, line: 0), W(text: "112.00", x: 600, y: 100, line: 0),
            W(text: "Subtotal", x: 60, y: 300, line: 1), W(text: "262.90", x: 600, y: 300, line: 1),
        ]
        for (occurrence, want) in [(FieldSpec.Occurrence.first, "112"), (.last, "262.9")] {
            var field = FieldSpec(name: "net", labels: ["Subtotal"], type: .money)
            field.occurrence = occurrence
            let f = Self.fields(PipelineSpec(name: "t", fields: [field]), Self.document(words, format: .pdf))
            #expect(f["net"]?.value == .number(Decimal(string: want)!), "\(occurrence)")
        }
        let yaml =
            "name: t\nfields:\n  - name: net\n    labels: [Subtotal]\n    type: money\n    occurrence: last\n  - name: shop\n    position: title\n"
        let spec = try PipelineSpec.parse(yaml: yaml, file: "t.yaml")
        #expect(spec.fields[0].occurrence == .last && spec.fields[1].position == .title)
    }

    /// Net + tax = gross: the readings that add up are taken together (a group's subtotal
    /// printed first loses to the document's); a missing part is the difference where it is
    /// printed, and is not made up where it is not.
    @Test func totalsAreChosenSoThatTheyAddUp() throws {
        let yaml = """
            name: t
            fields:
              - {name: net, labels: [Subtotal], type: money}
              - {name: tax, labels: [Tax], type: money}
              - {name: gross, labels: [Total], type: money, sum: {plus: [net, tax]}}
            """
        let spec = try PipelineSpec.parse(yaml: yaml, file: "t.yaml")
        let words = [
            W(text: "Subtotal", x: 60, y: 100, line: 0), W(text: "112.00", x: 600, y: 100, line: 0),
            W(text: "Subtotal", x: 60, y: 300, line: 1), W(text: "262.90", x: 600, y: 300, line: 1),
            W(text: "Tax", x: 60, y: 340, line: 2), W(text: "16.94", x: 600, y: 340, line: 2),
            W(text: "Total", x: 60, y: 380, line: 3), W(text: "279.84", x: 600, y: 380, line: 3),
        ]
        let f = Self.fields(spec, Self.document(words, format: .pdf))
        #expect(f["net"]?.value == .number(Decimal(string: "262.90")!))
        #expect(f["net"]?.checks["sum"] == .agrees && f["gross"]?.checks["sum"] == .agrees)
        // No net printed under a label, but printed as a charge: found by the sum.
        let aws = [
            W(text: "Charges", x: 60, y: 100, line: 0), W(text: "$4.11", x: 600, y: 100, line: 0),
            W(text: "Tax", x: 60, y: 140, line: 1), W(text: "$0.00", x: 600, y: 140, line: 1),
            W(text: "Total", x: 60, y: 180, line: 2), W(text: "$4.11", x: 600, y: 180, line: 2),
        ]
        let g = Self.fields(spec, Self.document(aws, format: .pdf))
        #expect(g["net"]?.value == .number(Decimal(string: "4.11")!))
        #expect(g["net"]?.found == "by_sum" && g["net"]?.box?.y0 == 100)
        // The difference printed nowhere: the part stays empty.
        let none = Self.fields(spec, Self.document(Array(aws.dropFirst(2)), format: .pdf))
        #expect(none["net"]?.valid == false)
        // Parts that do not add up: the total is kept, less sure.
        let wrong =
            [W(text: "Subtotal", x: 60, y: 100, line: 0), W(text: "10.00", x: 600, y: 100, line: 0)]
            + Array(aws.dropFirst(2))
        let h = Self.fields(spec, Self.document(wrong, format: .pdf))
        // (The router halves its confidence; the confidence model weighs that and the check.)
        #expect(h["gross"]?.checks["sum"] == .disagrees && (h["gross"]?.evidence?.raw ?? 1) < 0.6)
        #expect((h["gross"]?.confidence ?? 1) < (g["gross"]?.confidence ?? 0))
    }

    /// Labels above their values on a page skewed by 1.7°: the row under a right-hand label
    /// starts higher on the left than that label ends, and one label word's box reaches into
    /// the row below; each value is still the one under its label.
    @Test func valuesBelowTheirLabelsOnASkewedPage() {
        let slope = 0.03
        var words: [W] = []
        func put(_ text: String, x: Double, y: Double, h: Double, line: Int) {
            words += Self.run(text, x: x, y: y, h: h, line: line).map {
                var w = $0; w.y += slope * w.x; return w
            }
        }
        // Long lines show the slope.
        put("REPUBLIC OF UTOPIA - PERSONAL DATA - IDENTITY CARD OF THE REPUBLIC", x: 60, y: 20, h: 24, line: 9)
        put("ISSUED UNDER THE IDENTITY DOCUMENTS ACT OF THE REPUBLIC OF UTOPIA", x: 60, y: 60, h: 18, line: 8)
        put("THIS CARD REMAINS THE PROPERTY OF THE REPUBLIC OF UTOPIA AT ALL TIMES", x: 60, y: 300, h: 18, line: 7)
        put("Surname", x: 300, y: 120, h: 18, line: 0); put("Sex", x: 780, y: 120, h: 18, line: 0)
        put("IVANOVA", x: 300, y: 147, h: 28, line: 1); put("M", x: 780, y: 147, h: 28, line: 1)
        put("Place of", x: 300, y: 200, h: 18, line: 2)
        words.append(W(text: "birth", x: 400, y: 200 + slope * 400, h: 34, line: 2))
        put("POZNAN", x: 300, y: 227, h: 28, line: 3)
        let spec = PipelineSpec(
            name: "t",
            fields: [
                FieldSpec(name: "surname", labels: ["Surname"], type: .text),
                FieldSpec(name: "sex", labels: ["Sex"], type: .text),
                FieldSpec(name: "place", labels: ["Place of birth"], type: .text),
            ])
        let f = Self.fields(spec, Self.document(words))
        #expect(f["sex"]?.value == .string("M") && f["sex"]?.found == "below")
        #expect(f["surname"]?.value == .string("IVANOVA"))
        #expect(f["place"]?.value == .string("POZNAN"))
    }

    /// In a header row (most segments labels), the word beside a label is another heading:
    /// below the row is the value; beside it is weak evidence, under review.
    @Test func besideALabelInAHeaderRowIsAnotherHeading() {
        let spec = PipelineSpec(
            name: "t",
            fields: [
                FieldSpec(name: "customer", labels: ["Klant"], type: .text),
                FieldSpec(name: "date", labels: ["Factuur datum"], type: .date),
                FieldSpec(name: "number", labels: ["Factuur"], type: .identifier),
            ])
        let header =
            Self.run("Klant", x: 60, y: 100, line: 0) + Self.run("Order", x: 300, y: 100, line: 0)
            + Self.run("Factuur datum", x: 500, y: 100, line: 0) + Self.run("Factuur", x: 800, y: 100, line: 0)
        let f = Self.fields(spec, Self.document(header, format: .pdf))
        #expect(f["customer"]?.value == .string("Order") && (f["customer"]?.confidence ?? 1) < 0.9)
        // With the row's values under it, each label takes its own.
        let values =
            Self.run("SCONL0303006280999", x: 60, y: 140, line: 1) + Self.run("SCONL000000444", x: 300, y: 140, line: 1)
            + Self.run("8-9-2022", x: 500, y: 140, line: 1) + Self.run("VF1005193039", x: 800, y: 140, line: 1)
        let g = Self.fields(spec, Self.document(header + values, format: .pdf))
        #expect(g["customer"]?.value == .string("SCONL0303006280999") && g["customer"]?.found == "below")
        #expect(g["number"]?.value == .string("VF1005193039"))
    }

    /// A label whose second word has no ascenders (`names`) beside a value in larger print
    /// whose box an umlaut and a descender make tall (`JÖRG`): one line.
    @Test func aSmallLabelJoinsATallValue() {
        let words = [
            W(text: "Given", x: 52, y: 225, h: 23, line: 0), W(text: "names", x: 149, y: 232, h: 16, line: 0),
            W(text: "JÖRG", x: 638, y: 219, h: 38, line: 1),
        ]
        let lines = TextLayout(Self.document(words)).lines.map { $0.words.map(\.text).joined(separator: " ") }
        #expect(lines == ["Given names JÖRG"])
    }

    /// A right-hand column set lower than the left one, in larger print: the right label is
    /// not what stands under the left one (nothing does until the left value), and a line
    /// joining both labels still comes before the left value's.
    @Test func aLowerRightColumnDoesNotPutALabelAfterItsValue() {
        let words = [
            W(text: "Given", x: 278, y: 204, h: 12, line: 0), W(text: "names", x: 330, y: 204, h: 12, line: 0),
            W(text: "Nationality", x: 592, y: 216, h: 18, line: 1),
            W(text: "JONAS", x: 274, y: 222, h: 19, line: 2), W(text: "NLD", x: 591, y: 241, h: 18, line: 3),
        ]
        let lines = TextLayout(Self.document(words)).lines.map { $0.words.map(\.text).joined(separator: " ") }
        #expect(lines == ["Given names", "Nationality", "JONAS", "NLD"])
        let spec = PipelineSpec(
            name: "t",
            fields: [
                FieldSpec(name: "given", labels: ["Given names"], type: .text),
                FieldSpec(name: "nationality", labels: ["Nationality"], type: .text),
            ])
        let f = Self.fields(spec, Self.document(words))
        #expect(f["given"]?.value == .string("JONAS") && f["nationality"]?.value == .string("NLD"))

        // Skewed by 3.4° (long lines show it): `Given names` joins the taller `Nationality`
        // along the slope, and their line still comes before `JONAS`, which starts higher than
        // `Nationality`.
        let slope = 0.06
        var skewed: [W] = []
        for (n, text) in [
            "REPUBLIC OF UTOPIA IDENTITY CARD OF THE REPUBLIC OF UTOPIA",
            "ISSUED UNDER THE IDENTITY DOCUMENTS ACT OF UTOPIA",
            "THIS CARD REMAINS THE PROPERTY OF THE REPUBLIC AT ALL TIMES",
        ].enumerated() {
            skewed += Self.run(text, x: 100, y: [60, 100, 400][n], h: 16, line: 10 + n).map {
                var w = $0; w.y += slope * w.x; return w
            }
        }
        skewed += [
            W(text: "Given", x: 278, y: 204, h: 12, line: 0), W(text: "names", x: 330, y: 205, h: 12, line: 0),
            W(text: "Nationality", x: 592, y: 224, h: 18, line: 1),
            W(text: "JONAS", x: 274, y: 222, h: 19, line: 2), W(text: "NLD", x: 591, y: 244, h: 18, line: 3),
        ]
        let tilted = TextLayout(Self.document(skewed)).lines.map { $0.words.map(\.text).joined(separator: " ") }
        #expect(tilted.contains("Given names Nationality"), "\(tilted)")
        #expect(
            (tilted.firstIndex { $0.hasPrefix("Given") } ?? 99) < (tilted.firstIndex { $0.hasPrefix("JONAS") } ?? 0),
            "\(tilted)")
        let g = Self.fields(spec, Self.document(skewed))
        #expect(g["given"]?.value == .string("JONAS") && g["nationality"]?.value == .string("NLD"))
    }

    /// A label heading a column of figures names every row's figure: its value is the column's
    /// total — in the row a totals label starts, or a last figure that adds up the ones above —
    /// and nothing when the column has none. A label under words set tight above it is the
    /// end of a wrapped header (`Ohne` / `MwSt.`) and takes nothing below. In a totals row of
    /// figures with cents, a whole number is a count, not the amount.
    @Test func aColumnOfFiguresGivesItsTotalNotItsFirstRow() throws {
        let yaml = """
            name: t
            fields:
              - {name: net, labels: [Net], type: money}
              - {name: tax, labels: [VAT], type: money}
              - {name: gross, labels: [Total], type: money}
            """
        let spec = try PipelineSpec.parse(yaml: yaml, file: "t.yaml")
        func table(_ rows: [[String]], header: [String] = ["Item", "Qty", "Net", "VAT", "Total"]) -> [W] {
            let xs: [Double] = [60, 400, 560, 700, 840]
            var words: [W] = []
            for (r, row) in ([header] + rows).enumerated() {
                for (c, text) in row.enumerated() where !text.isEmpty {
                    words += Self.run(text, x: xs[c], y: 100 + Double(r) * 40, line: r)
                }
            }
            return words
        }
        let items = [["Paper", "2", "10.00", "2.00", "12.00"], ["Ink", "1", "5.50", "1.10", "6.60"]]
        // A labelled totals row: the column's figure in it; the count beside `Total` is not the amount.
        let f = Self.fields(
            spec, Self.document(table(items + [["Total", "3", "15.50", "3.10", "18.60"]]), format: .pdf))
        #expect(f["net"]?.value == .number(Decimal(string: "15.50")!) && f["net"]?.found == "total_row")
        #expect(f["tax"]?.value == .number(Decimal(string: "3.10")!))
        #expect(f["gross"]?.value == .number(Decimal(string: "18.60")!))
        // No totals label: a last row that adds up the column is its total.
        let g = Self.fields(spec, Self.document(table(items + [["", "", "15.50", "3.10", ""]]), format: .pdf))
        #expect(
            g["net"]?.value == .number(Decimal(string: "15.50")!)
                && g["tax"]?.value == .number(Decimal(string: "3.10")!))
        // Rows without a total: no row's figure is the column's value.
        let h = Self.fields(spec, Self.document(table(items), format: .pdf))
        #expect(h["net"]?.valid == false && h["tax"]?.valid == false)
        // One row under a one-line header: the value below it.
        let one = Self.fields(spec, Self.document(table([["", "", "15.50", "3.10", "18.60"]]), format: .pdf))
        #expect(one["net"]?.value == .number(Decimal(string: "15.50")!) && one["net"]?.found == "below")
        // `VAT` ending a header wrapped over two lines (`Net of` / `VAT`): nothing below it.
        let wrapped = [
            W(text: "Net", x: 700, y: 100, line: 0), W(text: "of", x: 740, y: 100, line: 0),
            W(text: "VAT", x: 700, y: 122, line: 1), W(text: "15.50", x: 700, y: 160, line: 2),
        ]
        #expect(Self.fields(spec, Self.document(wrapped, format: .pdf))["tax"]?.valid == false)
    }

    /// One printed value serves one field: two labels reaching the same date leave it to the
    /// surer one; the other, with no other reading, stays empty and says why.
    @Test func onePrintedValueServesOneField() {
        let spec = PipelineSpec(
            name: "t",
            fields: [
                FieldSpec(name: "date", labels: ["Date"], type: .date),
                FieldSpec(name: "due", labels: ["Due date"], type: .date),
            ])
        // `Date` (above it) and `Due date` (left of it) both reach 2022-01-31.
        let words = [
            W(text: "Date", x: 600, y: 100, line: 0), W(text: "Due", x: 60, y: 140, line: 1),
            W(text: "date", x: 110, y: 140, line: 1),
            W(text: "31.01.2022", x: 600, y: 140, line: 1), W(text: "01.01.2022", x: 600, y: 180, line: 2),
        ]
        let f = Self.fields(spec, Self.document(words, format: .pdf))
        #expect(f["due"]?.value == .string("2022-01-31"))
        #expect(f["date"]?.valid == false)
        #expect(f["date"]?.reason?.contains("due's value") == true)
    }

    /// `position: first`: a date printed without a label, after the invoice number; the due
    /// date's own value is not taken twice.
    @Test func anUnlabelledDateIsTheFirstOnThePage() throws {
        let yaml =
            "name: t\nfields:\n  - {name: date, labels: [Invoice date], type: date, position: first}\n  - {name: due, labels: [Date limite de paiement le], type: date}\n"
        let spec = try PipelineSpec.parse(yaml: yaml, file: "t.yaml")
        let words =
            Self.run("Date limite de paiement le 05 Juillet 2015", x: 60, y: 60, line: 0)
            + Self.run("Facture n°562044387 du 02 Juillet 2015", x: 60, y: 100, line: 1)
        let f = Self.fields(spec, Self.document(words, format: .pdf))
        #expect(f["due"]?.value == .string("2015-07-05"))
        #expect(f["date"]?.value == .string("2015-07-02"))
        #expect(f["date"]?.found == "first_on_page" && (f["date"]?.evidence?.raw ?? 1) <= 0.5)
        #expect(f["date"]?.evidence?.label == nil && (f["date"]?.confidence ?? 1) < (f["due"]?.confidence ?? 0))
        // Without the key, nothing is guessed.
        let plain = try PipelineSpec.parse(
            yaml: yaml.replacingOccurrences(of: ", position: first", with: ""), file: "t.yaml")
        #expect(Self.fields(plain, Self.document(words, format: .pdf))["date"]?.valid == false)
    }

    /// A zone line OCR read whole and the line above it read without its filler: found as a
    /// zone of two lines (which a re-read with the zone's alphabet can then recover).
    @Test func aZoneLineTakesTheGarbledLineNextToIt() throws {
        let words =
            Self.run("Nationality BRITISH CITIZEN", x: 60, y: 500, line: 0)
            + Self.run("PNVORE SSN AENECR", x: 40, y: 900, line: 1)
            + [W(text: "7077979792GBR9505209M1704224<<<<<<<<<<<<<<00", x: 40, y: 935, line: 2)]
        let zone = try #require(MRZZone.locate(in: Self.document(words)))
        #expect(zone.lines == 2)
        #expect(zone.text.hasSuffix("\n7077979792GBR9505209M1704224<<<<<<<<<<<<<<00"))
        // A zone-like line alone, with prose above it, is no zone.
        let alone =
            Self.run("Nationality BRITISH CITIZEN", x: 40, y: 900, line: 0)
            + [W(text: "7077979792GBR9505209M1704224<<<<<<<<<<<<<<00", x: 40, y: 935, line: 1)]
        #expect(MRZZone.locate(in: Self.document(alone)) == nil)
        // Filler read as e and c (a few lower-case letters) leaves a line in the zone.
        let card = [
            W(text: "I<UTOXOW2T7VYI9<<<<<<<eeeee#c#<<", x: 40, y: 900, line: 0),
            W(text: "9402283M2907181P0L<<<<<<<<<<<Q", x: 40, y: 935, line: 1),
            W(text: "NOWAK<<PIOTR<<<<<<<<<<<<<<c<cc<c<", x: 40, y: 970, line: 2),
        ]
        #expect(MRZZone.locate(in: Self.document(card))?.lines == 3)
    }

    /// A receipt's letterhead: the shop's name, and its address on the lines under it, up to
    /// the first line holding a date.
    @Test func anAddressUnderTheTitle() throws {
        let yaml =
            "name: t\nfields:\n  - {name: shop, type: text, position: title}\n  - {name: address, type: address, position: below_title}\n  - {name: date, labels: [Date], type: date}\n"
        let spec = try PipelineSpec.parse(yaml: yaml, file: "t.yaml")
        let words =
            Self.run("Clachan", x: 300, y: 80, h: 30, line: 0) + Self.run("34 Kingley Street", x: 260, y: 118, line: 1)
            + Self.run("W1B 5QH", x: 300, y: 146, line: 2)
            + Self.run("Sylvia 26 Feb 2016 15:20", x: 100, y: 174, line: 3)
            + Self.run("Total 10.20", x: 100, y: 600, line: 4)
        let f = Self.fields(spec, Self.document(words))
        #expect(f["shop"]?.value == .string("Clachan"))
        #expect(f["address"]?.value == .string("34 Kingley Street\nW1B 5QH"))
        #expect(f["address"]?.found == "address_block")  // it holds a postcode
    }

    /// A rate before a label (`20% VAT`) and labels one after another (`20% VAT Net`) count
    /// mid-line; a word that is not a rate before one does not, nor do a label's words inside
    /// a sentence.
    @Test func labelsAfterARate() {
        let spec = PipelineSpec(
            name: "t",
            fields: [
                FieldSpec(name: "net", labels: ["Net"], type: .money),
                FieldSpec(name: "tax", labels: ["VAT"], type: .money),
            ])
        let words =
            Self.run("20% VAT Net", x: 60, y: 100, line: 0) + [W(text: "8.50", x: 600, y: 100, line: 0)]
            + Self.run("20% VAT", x: 60, y: 140, line: 1) + [W(text: "1.70", x: 600, y: 140, line: 1)]
        let f = Self.fields(spec, Self.document(words, format: .pdf))
        #expect(f["net"]?.value == .number(Decimal(string: "8.50")!))
        #expect(f["tax"]?.value == .number(Decimal(string: "1.70")!))
        let prose = Self.fields(
            spec,
            Self.document(
                Self.run("prices include VAT", x: 60, y: 100, line: 0) + [W(text: "1.70", x: 600, y: 100, line: 0)],
                format: .pdf))
        #expect(prose["tax"]?.valid == false)
        // A long exact label between lower-case words is the sentence's, not a label.
        let due = PipelineSpec(name: "t", fields: [FieldSpec(name: "amount", labels: ["Amount due"], type: .money)])
        let sentence =
            Self.run("please pay the amount due by 3 March", x: 60, y: 100, line: 0) + [
                W(text: "45.00", x: 700, y: 100, line: 0)
            ]
        #expect(Self.fields(due, Self.document(sentence, format: .pdf))["amount"]?.valid == false)
        let labelled =
            Self.run("Balance: amount due", x: 60, y: 100, line: 0) + [W(text: "45.00", x: 700, y: 100, line: 0)]
        #expect(Self.fields(due, Self.document(labelled, format: .pdf))["amount"]?.value == .number(45))
    }

    @Test func valueShapes() {
        func check(_ type: FieldType, _ text: String) -> String? {
            try? FieldValidator(field: FieldSpec(name: "f", type: type)).validate(text).get().value.description
        }
        #expect(check(.identifier, "INV/2023/03/0008") == "INV/2023/03/0008")
        #expect(check(.identifier, "No. 4711") == "4711")
        #expect(check(.identifier, "#12345") == "12345")
        // Compared without spaces, case or a leading number sign.
        #expect(FieldValue.same(.string("#BLR_1"), .string("BLR_1"), type: .identifier))
        #expect(FieldValue.same(.string("DE 232 446 240"), .string("DE232446240"), type: .identifier))
        #expect(!FieldValue.same(.string("BLR_1"), .string("BLR_2"), type: .identifier))
        #expect(check(.identifier, "is for the billing period") == nil)
        #expect(check(.identifier, "Summary") == nil)
        #expect(check(.email, "azure.Interior24@example.com") == "azure.Interior24@example.com")
        #expect(check(.email, "not an address") == nil)
        #expect(check(.url, "http://www.azure-interior.com") == "http://www.azure-interior.com")
        #expect(check(.url, "aws.amazon.com") == "aws.amazon.com")
        #expect(check(.url, "3.50") == nil)
        #expect(check(.phone, "(870)-931-0505") == "(870)-931-0505")
        #expect(check(.phone, "12") == nil)
        #expect(check(.currency, "$") == "USD")
        #expect(check(.money, "Rs 1939") == "1939")
        #expect(check(.money, "(0%)") == nil)
        // Slashes: month first when the day cannot be a month; dots keep the order.
        #expect(check(.date, "03/20/2023") == "2023-03-20")
        #expect(check(.date, "12.13.1990") == nil)
        #expect(check(.date, "Monday, 3 August 2014") == "2014-08-03")
    }
}
