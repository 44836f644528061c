import Foundation
import Testing

@testable import DocRouteExtraction
@testable import DocRouteModel

/// A labelled record's values found among the printed words by their type, as template
/// learning does (`Router.labelling`).
@Suite struct LabellingTests {
    static let spec = try! PipelineSpec.parse(
        yaml: """
            name: t
            locale:
              date_order: mdy
            fields:
              - name: date
                labels: [Order date]
                type: date
              - name: total
                labels: [Total]
                type: money
              - name: number
                labels: [PO number]
                type: identifier
              - name: ship_to
                labels: [Ship to]
                type: text
              - name: buyer
                labels: [Buyer]
                type: text
            """, file: "t.yaml")

    static let page =
        LayoutTests.run("PO number: # PO-4471", x: 60, y: 60, line: 0)
        + LayoutTests.run("Order date: 03/01/2024", x: 60, y: 100, line: 1)
        + LayoutTests.run("Ship to", x: 60, y: 160, line: 2)
        + LayoutTests.run("Acme Supplies Ltd", x: 60, y: 190, line: 3)
        + LayoutTests.run("12 Main Street", x: 60, y: 220, line: 4)
        + LayoutTests.run("Springfield IL 62701", x: 60, y: 250, line: 5)
        + LayoutTests.run("Total: $1,234.00", x: 600, y: 400, line: 6)

    @Test func valuesAreFoundByTypeWhateverFormTheLabelsGiveThem() throws {
        let router = Router(spec: Self.spec)
        let document = LayoutTests.document(Self.page, format: .pdf)
        // Dates and amounts as printed or in their normal form, an identifier without its
        // label's `#`, an address over three lines.
        for truth: [String: FieldValue] in [
            [
                "date": .string("03/01/2024"), "total": .string("$1,234.00"), "number": .string("PO-4471"),
                "ship_to": .string("Acme Supplies Ltd\n12 Main Street\nSpringfield IL 62701"),
            ],
            [
                "date": .string("2024-03-01"), "total": .number(1234), "number": .string("# PO-4471"),
                "ship_to": .string("Acme Supplies Ltd 12 Main Street Springfield IL 62701"),
            ],
        ] {
            let (fields, notFound) = router.labelling([:], truth: truth, in: document)
            #expect(notFound.isEmpty, "\(notFound)")
            #expect(fields["date"]?.value == .string("2024-03-01"))
            #expect(fields["total"]?.value == .number(1234))
            #expect(fields["number"]?.raw?.contains("PO-4471") == true)
            let address = try #require(fields["ship_to"]?.box)
            #expect(address.y0 == 190 && address.y1 == 270, "\(address)")
        }
    }

    /// A title of nine words on one line, its first read `[u.s.`: it is found whole, not as
    /// its first eight words (within the OCR errors forgiven, but further from the truth).
    @Test func aLongValueIsFoundWholeNotAsItsFirstWords() throws {
        let router = Router(spec: Self.spec)
        let title = "U.S. Department of the Interior, Fish and Wildlife Service"
        let printed = LayoutTests.run(
            "[u.s. Department of the Interior, Fish and Wildlife Service", x: 60, y: 60, line: 0)
        let document = LayoutTests.document(printed, format: .pdf)
        let (fields, notFound) = router.labelling([:], truth: ["buyer": .string(title)], in: document)
        #expect(notFound.isEmpty, "\(notFound)")
        let box = try #require(fields["buyer"]?.box)
        let service = try #require(printed.last)
        #expect(box.x1 == service.x + Double(service.text.count) * 11, "\(box)")
    }

    @Test func aValueNotFoundSaysWhy() {
        let router = Router(spec: Self.spec)
        let document = LayoutTests.document(Self.page, format: .pdf)
        let (fields, notFound) = router.labelling(
            [:], truth: ["date": .string("not a date"), "total": .number(99), "buyer": .string("Jane Roe")],
            in: document)
        #expect(fields.isEmpty)
        #expect(notFound["date"]?.contains("is not a valid date") == true, "\(notFound)")
        #expect(notFound["total"]?.contains("no printed words read as 99") == true, "\(notFound)")
        #expect(notFound["buyer"] != nil)
    }
}
