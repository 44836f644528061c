import DocRouteExtraction
import DocRouteModel
import Foundation

extension ConfidenceModel {
    /// How a model's confidences fare on one labelled set: the share of values at ≥ 0.9 that
    /// are right, the share of right values at ≥ 0.9, and the `ok` records fully right — the
    /// figures `eval` gives, from the same formulas.
    public struct Report: Sendable, Hashable {
        public var set: String
        /// Each scored value's confidence under the model, whether it was right, its kind.
        public var outcomes: [Evaluation.Outcome] = []
        public var ok = Evaluation.OKRecords()

        public var values: Int { outcomes.count }
        public var sure: Int { outcomes.filter { $0.raw >= Evaluation.sure }.count }
        public var sureAccuracy: Double { Evaluation.sureAccuracy(outcomes) }
        public var sureCoverage: Double { Evaluation.sureCoverage(outcomes) }

        /// One line: set, values, sure, right at ≥ 0.9, coverage, ok records right.
        public var line: String {
            String(
                format: "%@  values %d  sure %d  right-at-0.9 %.3f  coverage %.3f  ok %d/%d",
                set.padding(toLength: 22, withPad: " ", startingAt: 0), values, sure, sureAccuracy, sureCoverage,
                ok.right, ok.records)
        }
    }

    /// `records` scored with `confidence` giving each valid value's confidence: a record is
    /// `ok` when it is complete and every value is at ≥ 0.9.
    public static func report(
        _ set: String, _ records: [Evaluation.ScoredRecord],
        confidence: (Evaluation.ScoredRecord, Evaluation.ScoredRecord.Value) -> Double
    ) -> Report {
        var r = Report(set: set)
        for record in records {
            var allSure = true
            for v in record.values {
                let c = confidence(record, v)
                if c < Evaluation.sure { allSure = false }
                if let correct = v.correct {
                    r.outcomes.append(Evaluation.Outcome(raw: c, correct: correct, kind: record.kind))
                }
            }
            if record.complete && allSure {
                r.ok.records += 1
                if record.right { r.ok.right += 1 }
            }
        }
        return r
    }

    /// This model's confidence for a scored value.
    public func confidence(_ v: Evaluation.ScoredRecord.Value) -> Double {
        probability(v.field, type: v.fieldType, restricted: v.restricted)
    }

    /// The samples of `records` (values whose correctness is known), each set weighing at most
    /// `cap` values' worth (so one large set does not decide for all). In a fixed order (set,
    /// file, row), so that the order the records were read in does not change the fit.
    public static func samples(_ records: [Evaluation.ScoredRecord], cap: Double = 100) -> [Sample] {
        let records = records.sorted { a, b in
            (a.set ?? "", a.file, a.row ?? 0) < (b.set ?? "", b.file, b.row ?? 0)
        }
        var bySet: [String: Int] = [:]
        for r in records { bySet[r.set ?? "", default: 0] += r.values.filter { $0.correct != nil }.count }
        return records.flatMap { r in
            let w = min(1, cap / Double(max(bySet[r.set ?? ""] ?? 1, 1)))
            return r.values.compactMap { v -> Sample? in
                guard let correct = v.correct else { return nil }
                return Sample(
                    features: features(of: v.field, type: v.fieldType, restricted: v.restricted), correct: correct,
                    weight: w)
            }
        }
    }

    /// The fold (0..<`folds`) of a record's document: every record of a document in the same
    /// one, fixed by its set and file name (FNV-1a), so folds do not change between runs.
    public static func fold(of r: Evaluation.ScoredRecord, folds: Int) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in ((r.set ?? "") + "/" + r.file).utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return Int(h % UInt64(folds))
    }

    /// Cross-validation, reported per set. By document (`folds` > 0): each fold of documents
    /// is scored by a model fitted on the other folds (documents of every set in both).
    /// By set (`folds` 0): each set is scored by a model fitted on the other sets only — the
    /// harder test, of a kind of document no fit has seen. With each set's wrong values
    /// given 0.9 or more (file, field, value, confidence, features).
    public static func crossValidated(
        _ records: [Evaluation.ScoredRecord], folds: Int = 5, lambda: Double = 1, cap: Double = 100
    )
        -> [(report: Report, sureButWrong: [String])]
    {
        var confidence: [String: Double] = [:]
        func key(_ r: Evaluation.ScoredRecord, _ v: Evaluation.ScoredRecord.Value) -> String {
            "\(r.set ?? "")/\(r.file)#\(r.row ?? 0)/\(v.name)"
        }
        let groups: [[Evaluation.ScoredRecord]] =
            folds > 0
            ? (0..<folds).map { k in records.filter { fold(of: $0, folds: folds) == k } }
            : Array(Set(records.map { $0.set ?? "" })).sorted().map { s in records.filter { $0.set == s } }
        for (k, held) in groups.enumerated() {
            let rest = groups.enumerated().filter { $0.offset != k }.flatMap(\.element)
            let model = fit(samples(rest, cap: cap), lambda: lambda)
            for r in held { for v in r.values { confidence[key(r, v)] = model.confidence(v) } }
        }
        let sets = Array(Set(records.map { $0.set ?? "" })).sorted()
        return sets.map { held in
            let mine = records.filter { $0.set == held }
            var wrong: [String] = []
            for r in mine {
                for v in r.values where v.correct == false {
                    let c = confidence[key(r, v)] ?? 0
                    guard c >= Evaluation.sure else { continue }
                    let x = features(of: v.field, type: v.fieldType, restricted: v.restricted)
                    wrong.append(
                        String(format: "%@ %@ %@ %.3f ", r.file, v.name, (v.field.raw ?? "").debugDescription, c)
                            + x.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.rounded(toPlaces: 2))" }
                            .joined(separator: " "))
                }
            }
            return (report(held, mine) { confidence[key($0, $1)] ?? 0 }, wrong)
        }
    }

    /// Swift source declaring `shipped` as this model (what `fit-confidence --write` writes).
    public func source(fittedOn sets: [String]) -> String {
        var out = "// Written by `docroute fit-confidence` (see scripts/fit-confidence.sh): do not edit by hand.\n"
        out += "extension ConfidenceModel {\n"
        out +=
            "    /// The model fitted across pipelines on `Calibration/outcomes/` (" + sets.joined(separator: ", ")
            + ").\n"
        out += "    public static let shipped = ConfidenceModel(weights: [\n"
        for (name, _, _) in Self.names { if let w = weights[name] { out += "        \"\(name)\": \(w),\n" } }
        out += "    ])\n}\n"
        return out
    }
}
