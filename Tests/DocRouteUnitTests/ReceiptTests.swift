import DocRouteTestSupport
import Foundation
import Testing

@testable import DocRoute
@testable import DocRouteExtraction
@testable import DocRouteModel

/// Till receipts through the shipped `receipt` pipeline, built word by word the way real
/// ones print: the shop under its letterhead, the address block between registration
/// numbers and phones, the grand total among a receipt's many `Total`s.
@Suite struct ReceiptTests {
    typealias W = LayoutTests.W

    static func fields(_ words: [W]) throws -> [String: Record.Field] {
        LayoutTests.fields(try Support.pipeline("receipt").spec, LayoutTests.document(words, width: 800, height: 1800))
    }

    /// A receipt as a Malaysian shop prints one: the name broken before its legal form, a
    /// registration number, three lines of address, phone and tax number, a key in large
    /// print, totals before and after tax, a cash rounding, a tax summary, and the legal
    /// owner's name under a key further down.
    static let receipt: [W] =
        LayoutTests.run("PASARAYA BORONG PINTAR", x: 130, y: 60, h: 34, line: 0)
        + LayoutTests.run("SDN BHD", x: 300, y: 100, h: 34, line: 1)
        + LayoutTests.run("(124525-H)", x: 300, y: 142, line: 2)
        + LayoutTests.run("NO 19-G, JALAN TASIK UTAMA 4,", x: 120, y: 170, line: 3)
        + LayoutTests.run("MEDAN NIAGA TASIK DAMAI,", x: 140, y: 198, line: 4)
        + LayoutTests.run("57000 KUALA LUMPUR.", x: 170, y: 226, line: 5)
        + LayoutTests.run("TEL: 03-9130 2672", x: 180, y: 254, line: 6)
        + LayoutTests.run("GST ID: 000381399040", x: 170, y: 282, line: 7)
        + LayoutTests.run("DOC NO. : CS00013065", x: 40, y: 330, h: 40, line: 8)
        + LayoutTests.run("14/03/2018 4:06:34PM", x: 40, y: 380, line: 9)
        + LayoutTests.run("*TOTAL QTY: 3.00", x: 40, y: 600, line: 10)
        + LayoutTests.run("SUB TOTAL :", x: 300, y: 640, line: 11) + [W(text: "234.00", x: 600, y: 640, line: 11)]
        + LayoutTests.run("TOTAL GST :", x: 300, y: 670, line: 12) + [W(text: "14.04", x: 600, y: 670, line: 12)]
        + LayoutTests.run("ROUNDING :", x: 300, y: 700, line: 13) + [W(text: "0.01", x: 600, y: 700, line: 13)]
        + LayoutTests.run("TOTAL :", x: 300, y: 730, line: 14) + [W(text: "248.05", x: 600, y: 730, line: 14)]
        + LayoutTests.run("CASH :", x: 300, y: 760, line: 15) + [W(text: "250.00", x: 600, y: 760, line: 15)]
        + LayoutTests.run("GST SUMMARY", x: 40, y: 820, line: 16)
        + LayoutTests.run("TOTAL :", x: 40, y: 850, line: 17)
        + [W(text: "234.00", x: 400, y: 850, line: 17), W(text: "14.04", x: 600, y: 850, line: 17)]
        + LayoutTests.run("PLEASE SEEK STORE MANAGER", x: 40, y: 900, line: 18)
        + LayoutTests.run("OWNED BY :", x: 40, y: 950, line: 19)
        + LayoutTests.run("SANYU SUPPLY SDN BHD (1135772-K)", x: 40, y: 978, line: 20)

    @Test func theShopItsAddressAndTheGrandTotal() throws {
        let f = try Self.fields(Self.receipt)
        // The name with its legal form from the next line; not the key in large print, not
        // `MANAGER` after `Store` in a sentence, not the owner under `Owned by:`.
        #expect(f["shop"]?.value == .string("PASARAYA BORONG PINTAR SDN BHD"))
        #expect(f["shop"]?.found == "letterhead")
        // Between the registration number and the phone; no further.
        #expect(
            f["address"]?.value
                == .string("NO 19-G, JALAN TASIK UTAMA 4,\nMEDAN NIAGA TASIK DAMAI,\n57000 KUALA LUMPUR."))
        #expect(f["date"]?.value == .string("2018-03-14"))
        // The largest `Total` (not the quantity, not the tax summary's), and net + tax adds up
        // to it with the printed rounding.
        #expect(f["total"]?.value == .number(Decimal(string: "248.05")!))
        #expect(f["total"]?.checks["sum"] == .agrees)
        #expect(f["net"]?.value == .number(234))
        #expect(f["tax"]?.value == .number(Decimal(string: "14.04")!))
    }

    /// Rounded down (`Rounding -0.01`), the grand total is the smaller printing; without a
    /// printed rounding, a total that differs from net + tax by a cent does not add up.
    @Test func aTotalRoundedDownIsTheOneAfterRounding() throws {
        func total(_ rounding: String) throws -> Record.Field? {
            let words =
                LayoutTests.run("THE CUT STEAKHOUSE", x: 100, y: 60, h: 30, line: 0)
                + LayoutTests.run("TOTAL (EXCLUDING GST)", x: 40, y: 600, line: 1) + [
                    W(text: "158.08", x: 600, y: 600, line: 1)
                ]
                + LayoutTests.run("GST PAYABLE (6%):", x: 40, y: 630, line: 2) + [
                    W(text: "9.48", x: 600, y: 630, line: 2)
                ]
                + LayoutTests.run("TOTAL (INCLUSIVE OF GST)", x: 40, y: 660, line: 3) + [
                    W(text: "167.56", x: 600, y: 660, line: 3)
                ]
                + LayoutTests.run("ROUNDING ADJ :", x: 40, y: 690, line: 4) + [
                    W(text: rounding, x: 600, y: 690, line: 4)
                ]
                + LayoutTests.run("TOTAL :", x: 40, y: 720, line: 5) + [W(text: "167.55", x: 600, y: 720, line: 5)]
            return try Self.fields(words)["total"]
        }
        #expect(try total("-0.01")?.value == .number(Decimal(string: "167.55")!))
        // No rounding printed: the largest printing, the one net + tax make.
        #expect(try total("0.00")?.value == .number(Decimal(string: "167.56")!))
    }

    /// The first date on the page is a date, not a piece of a phone number; an amount with
    /// its currency after it is money.
    @Test func aPhoneNumberHoldsNoDateAndRinggitAreMoney() throws {
        let words =
            LayoutTests.run("DION REALTIES SDN BHD (CO. NO:20154-T)", x: 60, y: 60, h: 30, line: 0)
            + LayoutTests.run("TEL : + 6 03 2026 6386", x: 60, y: 100, line: 1)
            + LayoutTests.run("30/05/18 11:01", x: 200, y: 140, line: 2)
            + LayoutTests.run("TOTAL AMOUNT", x: 100, y: 300, line: 3)
            + LayoutTests.run("5.00 RM", x: 500, y: 300, line: 3)
        let f = try Self.fields(words)
        #expect(f["shop"]?.value == .string("DION REALTIES SDN BHD"))
        #expect(f["date"]?.value == .string("2018-05-30"))
        #expect(f["total"]?.value == .number(5))
        #expect(f["total"]?.currency == "MYR")
    }

    /// A name cut at a wide gap before its legal form, a note in brackets under it, a date
    /// printed against a tall letterhead, a total whose label names the tax it includes.
    @Test func aNameCutAtAGapANoteAndATotalIncludingTax() throws {
        let words =
            LayoutTests.run("MR.D.I.Y.", x: 150, y: 60, h: 24, line: 0)
            + LayoutTests.run("(M) SDN BHD", x: 400, y: 60, h: 24, line: 0)
            + LayoutTests.run("(CO. REG :860671-D)", x: 200, y: 96, h: 30, line: 1)
            + LayoutTests.run("LOT 1851-A & 1851-B", x: 100, y: 134, line: 2)
            + LayoutTests.run("43300 SERI KEMBANGAN", x: 120, y: 162, line: 3)
            + LayoutTests.run("TOTAL INCL OF GST :", x: 40, y: 600, line: 4) + [
                W(text: "8.40", x: 600, y: 600, line: 4)
            ]
            + LayoutTests.run("GST SUMMARY AMOUNT (RM)", x: 40, y: 700, line: 5)
            + [W(text: "7.92", x: 330, y: 730, line: 6), W(text: "0.48", x: 600, y: 730, line: 6)]
        let f = try Self.fields(words)
        #expect(f["shop"]?.value == .string("MR.D.I.Y. (M) SDN BHD"))
        #expect(f["address"]?.value == .string("LOT 1851-A & 1851-B\n43300 SERI KEMBANGAN"))
        #expect(f["total"]?.value == .number(Decimal(string: "8.40")!))
        let tall =
            LayoutTests.run("UNIHAKKA INTERNATIONAL SDN BHD", x: 60, y: 40, h: 60, line: 0)
            + LayoutTests.run("04 MAY 2018 18:31", x: 250, y: 84, line: 1)
        #expect(try Self.fields(tall)["date"]?.value == .string("2018-05-04"))
    }

    /// What a line under a letterhead is, and the words that say so.
    @Test func headerLines() {
        for word in ["1000131-K", "(65351-M)", "NO:797887-W", "000683900928"] {
            #expect(Router.isRegistration(word), "\(word)")
        }
        for word in ["47400", "25/C,", "SS21/39,", "19-G,", "1851-A", "2018"] {
            #expect(!Router.isRegistration(word), "\(word)")
        }
        #expect(Router.digitRun("TEL: +6 03 2026 6386") == 11)
        #expect(Router.digitRun("NO 31G, JALAN SEPADU C 25/C,") < 8)
        func postcode(_ text: String) -> Bool {
            Router.holdsPostcode(LayoutTests.document(LayoutTests.run(text, x: 0, y: 0, line: 0)).pages[0].words)
        }
        #expect(postcode("AXIS 40400 SHAH ALAM, SELANGOR."))
        #expect(postcode("81750, MASAI"))
        #expect(postcode("London W1B 5QH"))
        #expect(postcode("D-80331 München"))
        #expect(!postcode("LEVEL 6, BANGUNAN TH"))
        #expect(!postcode("TEL: 012-9719498"))
        #expect(
            Router.isLegalForm(LayoutTests.document(LayoutTests.run("SDN BHD", x: 0, y: 0, line: 0)).pages[0].words))
        #expect(Router.nameKey(["LAVENDER", "CONFECTIONERY", "&", "BAKERY", "S/B"]).legalForm)
    }

    /// A count's label is no amount's (`Total Qty: 4`, even misread as `Total TTC`); a free
    /// text field's label inside capitals prose is no label.
    @Test func countsAndProseAreNoLabels() {
        let matcher = LabelMatcher(fields: [
            FieldSpec(name: "total", labels: ["Total", "Total TTC"], type: .money),
            FieldSpec(name: "shop", labels: ["Store"], type: .text),
        ])
        func fields(_ text: String) -> [String] {
            let words = LayoutTests.document(LayoutTests.run(text, x: 0, y: 0, line: 0)).pages[0].words
            return matcher.matches(in: words, isStart: { $0 == 0 }).map(\.field)
        }
        #expect(fields("*TOTAL QTY: 3.00").isEmpty)
        #expect(fields("TOTAL ITEMS 3").isEmpty)
        #expect(fields("TOTAL : 12.00") == ["total"])
        #expect(fields("TOTAL TTC 12.00") == ["total"])
        #expect(fields("PLEASE SEEK STORE MANAGER").isEmpty)
        #expect(fields("STORE: KLCC") == ["shop"])
        // A label, qualifying words, another field's label: one label, the first's.
        let tax = LabelMatcher(fields: [
            FieldSpec(name: "total", labels: ["Total"], type: .money),
            FieldSpec(name: "tax", labels: ["GST"], type: .money),
        ])
        let words = LayoutTests.document(LayoutTests.run("TOTAL INCL. OF GST : 8.40", x: 0, y: 0, line: 0)).pages[0]
            .words
        let m = tax.matches(in: words, isStart: { $0 == 0 })
        #expect(m.map(\.field) == ["total"] && (m.first?.end ?? 0) >= 4)
        let plain = LayoutTests.document(LayoutTests.run("TOTAL GST 1.20", x: 0, y: 0, line: 0)).pages[0].words
        #expect(tax.matches(in: plain, isStart: { $0 == 0 }).map(\.field) == ["total", "tax"])
    }
}
