import DocRouteTestSupport
import Foundation
import Testing

@testable import DocRoute
@testable import DocRouteModel

/// Line items through the shipped `invoice` pipeline on documents nobody tuned it on.
@Suite(.tags(.corpus)) struct LineItemCorpusTests {
    /// A seed no tuning has used (the rules were written on fields-dev and seeds 41001-41002).
    static let heldOutSeed = 52021

    @Test func ruledTablesWithWrappedDescriptionsOnFreshInvoices() throws {
        // Samples/make-invoices-fresh.py (Pillow, reportlab): every cell boxed by rules, some
        // descriptions over two lines; each invoice as a text-layer PDF and a 200 dpi PNG.
        let dir = try Support.generated("make-invoices-fresh.py", seed: Self.heldOutSeed, ["12", "--ruled", "--wrap"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let truth = try Evaluation.loadTruth(path: dir.appendingPathComponent("truth-lines.jsonl").path)
        let pipeline = try Support.pipeline("invoice")
        for (kind, floor) in [("pdf", 0.97), ("png", 0.9)] {
            let part = truth.filter { $0.file.hasPrefix(kind + "/") }
            #expect(part.count == 12)
            let e = Evaluation.run(
                directory: dir.path, truth: part, runner: BatchRunner(pipeline: pipeline, jobs: 2), partialTruth: true)
            let score = try #require(e.lineItems["line_items"])
            print(
                "line items, fresh ruled invoices (seed \(Self.heldOutSeed)), \(kind): cell F1 "
                    + String(format: "%.4f, rows exact %.4f", score.cells.f1, score.rows.f1))
            #expect(score.cells.f1 >= floor, "\(score.mismatches.prefix(10))")
        }
    }

    @Test func aRealTableGoesOnOnItsSecondPage() throws {
        // QualityHosting's invoice: the header printed again on page 2, over one more item;
        // its descriptions are four lines each.
        let pipeline = try Support.pipeline("invoice")
        let r = try #require(
            pipeline.process(path: Support.corpus("fields-dev/invoice2data/QualityHosting.pdf")).first)
        let rows = try #require(r.fields["line_items"]?.rows)
        #expect(rows.count == 7)
        #expect(rows.map(\.page) == [1, 1, 1, 1, 1, 1, 2])
        #expect(rows.allSatisfy { $0.checks["product"] == .agrees })
        #expect(rows.last?.cells["description"]?.raw?.split(separator: "\n").count == 4)
        #expect(r.fields["line_items"]?.checks["total"] == .agrees)
    }
}
