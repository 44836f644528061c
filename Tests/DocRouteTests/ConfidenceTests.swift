import Foundation
import Testing
@testable import DocRoute

/// Honest confidence (issue 21): a value's evidence, the shipped confidence model, the status
/// and review reasons it gives, and the model's fit reproduced from its data.
@Suite struct ConfidenceTests {
    typealias W = LayoutTests.W

    /// A labels-only spec as a new user writes one: no templates, no calibration.
    static let agreement = PipelineSpec(name: "agreement", fields: [
        FieldSpec(name: "effective_date", labels: ["Effective Date"], type: .date),
        FieldSpec(name: "jurisdiction", labels: ["Laws of the State of"], type: .text),
        FieldSpec(name: "reference", labels: ["Reference"], type: .identifier),
    ])

    static func records(_ spec: PipelineSpec, _ document: Document) throws -> Record {
        try #require(Pipeline(spec: spec, reader: Support.reader).records(for: document).first)
    }

    @Test func aValueInsideProseIsScoredBelowReview() throws {
        let doc = LayoutTests.document(
            LayoutTests.run("Effective Date: March 3, 2020", x: 60, y: 100, line: 0)
                + LayoutTests.run("This Agreement is governed by the Laws of the State of Delaware without regard to conflicts of law.",
                                  x: 60, y: 160, line: 1)
                + LayoutTests.run("Reference: NDA-2020-17", x: 60, y: 220, line: 2),
            format: .pdf)
        let r = try Self.records(Self.agreement, doc)
        let jurisdiction = try #require(r.fields["jurisdiction"])
        #expect(jurisdiction.valid && jurisdiction.evidence?.labelInText == true, "\(jurisdiction)")
        #expect(jurisdiction.confidence < 0.9, "\(jurisdiction.confidence)")
        // The labelled values beside their labels stay sure; the prose sends the record to review.
        #expect((r.fields["effective_date"]?.confidence ?? 0) >= 0.9)
        #expect((r.fields["reference"]?.confidence ?? 0) >= 0.9)
        #expect(r.status == .needsReview)
        let reason = try #require(r.review?["jurisdiction"])
        #expect(["label inside text", "reads like a sentence", "free text: anything validates"].contains(reason), "\(reason)")
        #expect(r.review?.count == 1)
        #expect(r.json().contains("\"review\":{\"jurisdiction\":"))
    }

    @Test func twoDisagreeingCandidatesSendTheRecordToReview() throws {
        let once = LayoutTests.run("Reference: NDA-2020-17", x: 60, y: 100, line: 0)
            + LayoutTests.run("Effective Date: March 3, 2020", x: 60, y: 160, line: 1)
        let sure = try Self.records(Self.agreement, LayoutTests.document(once, format: .pdf))
        #expect(sure.status == .ok, "\(String(describing: sure.review))")
        #expect(sure.fields["reference"]?.evidence?.rival == nil)

        // The same label again lower down, with another value: either may be the reference.
        let twice = once + LayoutTests.run("Reference: NDA-2019-02", x: 60, y: 400, line: 2)
        let r = try Self.records(Self.agreement, LayoutTests.document(twice, format: .pdf))
        let reference = try #require(r.fields["reference"])
        #expect(reference.valid && reference.evidence?.rival != nil)
        #expect(reference.confidence < 0.9, "\(reference.confidence)")
        #expect(r.status == .needsReview)
        #expect(r.review?["reference"] == "two candidates disagree")

        // The same value printed twice is agreement, not a rival.
        let repeated = once + LayoutTests.run("Reference: NDA-2020-17", x: 60, y: 400, line: 2)
        let a = try Self.records(Self.agreement, LayoutTests.document(repeated, format: .pdf))
        #expect(a.fields["reference"]?.evidence?.rival == nil && a.fields["reference"]?.evidence?.agree == 1)
        #expect(a.status == .ok)

        // A pipeline that says which printing to take has no toss-up to doubt.
        var first = Self.agreement
        first.fields[2].occurrence = .first
        let chosen = try Self.records(first, LayoutTests.document(twice, format: .pdf))
        #expect(chosen.fields["reference"]?.value == .string("NDA-2020-17"))
        #expect((chosen.fields["reference"]?.confidence ?? 0) >= 0.9)
    }

    @Test func aZoneConfirmedValueIsAtLeast097() throws {
        // The identity pipeline without its own calibration: the shipped model weighs the zone.
        var spec = try ScanAccuracyTests.identity().spec
        spec.calibration = nil
        let card = ScanAccuracyTests.document(number: "D23145890", birth: "12.08.1974", surname: "ERIKSSON",
                                              zone: ScanAccuracyTests.specimen)
        let r = try Self.records(spec, card)
        for name in ["document_number", "date_of_birth", "date_of_expiry", "sex"] where r.fields[name]?.valid == true {
            let f = try #require(r.fields[name])
            #expect(f.checks["mrz"] == .agrees || f.checks["mrz"] == .filled, "\(name)")
            #expect(f.confidence >= 0.97, "\(name): \(f.confidence)")
        }
        #expect(r.fields["document_number"]?.valid == true && r.fields["date_of_birth"]?.valid == true)
        // A name agrees letter by letter, accents aside: the zone does not vouch for all of it.
        let surname = try #require(r.fields["surname"])
        #expect(surname.checks["mrz"] == .agrees)
        #expect(!ConfidenceModel.isConfirmed(surname, type: .text) && ConfidenceModel.isConfirmed(surname, type: .date))
        // Without the zone the same printed values are less sure.
        let bare = try Self.records(spec, ScanAccuracyTests.document(number: "D23145890", birth: "12.08.1974",
                                                                     surname: "ERIKSSON", zone: []))
        #expect((bare.fields["document_number"]?.confidence ?? 1) < (r.fields["document_number"]?.confidence ?? 0))
    }

    /// The scored records the shipped model was fitted on (`scripts/fit-confidence.sh`).
    static func outcomes() throws -> [Evaluation.ScoredRecord] {
        let dir = Support.packageRoot.appendingPathComponent("Calibration/outcomes")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".jsonl") }.sorted()
        #expect(files.count >= 8)
        return try files.flatMap { try Evaluation.ScoredRecord.load(path: dir.appendingPathComponent($0).path) }
    }

    @Test func theShippedModelIsTheFitOfItsOutcomes() throws {
        let records = try Self.outcomes()
        let sets = Set(records.map { $0.set ?? "" })
        #expect(sets.isSuperset(of: ["invoice2data", "kleister-nda", "samples-identity", "invoices-31338"]), "\(sets)")
        // Read in another order, the same fit: the weights the repository ships.
        let fitted = ConfidenceModel.fit(ConfidenceModel.samples(records.reversed()))
        #expect(fitted.weights == ConfidenceModel.shipped.weights,
                "refit with scripts/fit-confidence.sh: \(fitted.weights.sorted { $0.key < $1.key })")
        // Judged on documents held out of each fit, never on those it was fitted on: the sets
        // with enough values hold the issue's target.
        for (report, wrong) in ConfidenceModel.crossValidated(records) where report.sure >= 50 {
            #expect(report.sureAccuracy >= 0.97, "\(report.line)\n\(wrong.joined(separator: "\n"))")
            #expect(report.sureCoverage >= 0.5, "\(report.line)")
        }
    }

    @Test func aFitLearnsWhatItsSamplesShow() {
        // Values found inside text are wrong 9 times in 10, the others right 9 in 10.
        var samples: [ConfidenceModel.Sample] = []
        for i in 0..<200 {
            let inText = i % 2 == 0
            samples.append(.init(features: ["bias": 1, "raw": 2, "label_in_text": inText ? 1 : 0],
                                 correct: inText ? i % 20 == 0 : i % 20 != 1))
        }
        let model = ConfidenceModel.fit(samples, lambda: 0.01)
        let prose = 1 / (1 + exp(-model.score(["bias": 1, "raw": 2, "label_in_text": 1])))
        let plain = 1 / (1 + exp(-model.score(["bias": 1, "raw": 2])))
        #expect(abs(prose - 0.1) < 0.02 && abs(plain - 0.9) < 0.02, "\(prose) \(plain)")
        #expect(ConfidenceModel.fit(samples, lambda: 0.01) == model)
    }

    @Test func numericDatesThatReadBothWaysAreAmbiguous() {
        #expect(ConfidenceModel.isAmbiguousDate("11/02/2019"))
        #expect(ConfidenceModel.isAmbiguousDate("2019-02-11"))
        #expect(!ConfidenceModel.isAmbiguousDate("26/02/2019"))
        #expect(!ConfidenceModel.isAmbiguousDate("05/05/2019"))
        #expect(!ConfidenceModel.isAmbiguousDate("11 February 2019"))
    }
}
