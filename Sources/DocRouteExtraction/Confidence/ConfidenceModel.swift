import DocRouteModel
import Foundation

/// Turns a valid value's evidence (how its label matched, where it stood, OCR's certainty,
/// agreeing and rival readings, cross-checks) into the probability that it is right: a
/// logistic model fitted across pipelines on labelled documents (`docroute fit-confidence`).
///
/// Pipelines without their own `confidence.calibration` report its probability; every
/// pipeline takes from it the reason a doubtful value goes to review.
public struct ConfidenceModel: Sendable, Hashable {
    /// One weight per feature name (see `features(of:type:restricted:)`); a missing one is 0.
    public var weights: [String: Double]

    public init(weights: [String: Double]) { self.weights = weights }

    /// The features, in a fixed order, with the reason each gives when it weighs a value down
    /// (nil: never given as a reason) and the weight a fit starts from and is pulled back to
    /// (what the design knows: a label inside text, a rival reading, an unsure OCR reading
    /// count against a value): a kind of document no fit has seen keeps that knowledge.
    package static let names: [(name: String, reason: String?, prior: Double)] = [
        ("bias", nil, 0),
        ("raw", "weak fit to its label or layout", 0),
        ("label_edit", "weak label match", -1),
        ("label_in_text", "label inside text", -1),
        ("short_label", "a short, common label", -0.5),
        ("unlabelled", "no label: found by its place on the page", -0.5),
        ("repeated_label", "its label is printed many times", -0.5),
        ("later_page", "not on the first page", -0.5),
        ("ambiguous_date", "day and month could be either way round", -1),
        ("ocr", nil, 0),
        ("ocr_doubt", "unsure OCR reading", -1),
        ("ocr_low", "unsure OCR reading", -1),
        ("ocr_accents", "accented letters read by OCR", 0),
        ("repaired", "repaired OCR look-alikes", -0.5),
        ("reread", nil, 0),
        ("reread_disagrees", "a second reading disagrees", -1),
        ("rival", "two candidates disagree", -1),
        ("weaker_rival", "another, weaker candidate disagrees", 0),
        ("agree", nil, 0),
        ("check_agrees", nil, 1),
        ("check_disagrees", "another printing disagrees", -1),
        ("free_text", "free text: anything validates", -0.5),
        ("long_text", "reads like a sentence", -1),
        ("lower_words", "reads like a sentence", -1),
        ("next_column", "value not beside its label", 0),
        ("below", "value not beside its label", 0),
        ("multi_line", nil, 0),
        ("section", nil, 0),
        ("cell", nil, 0),
        ("total_row", nil, 0),
        ("by_sum", "computed from other fields", 0),
        ("pattern", "found by its pattern alone", 0),
        ("template", nil, 0),
        ("mrz", nil, 0),
        ("llm", "given by the LLM", 0),
        ("typed", nil, 0),
    ]

    /// The features of a valid `field` of `type`; `restricted`: its pattern or check digits
    /// refuse most text.
    package static func features(of field: Record.Field, type: FieldType, restricted: Bool) -> [String: Double] {
        let e = field.evidence ?? Record.Evidence(raw: field.confidence)
        var x: [String: Double] = ["bias": 1]
        let raw = min(max(e.raw, 0.02), 0.98)
        x["raw"] = log(raw / (1 - raw))
        let found = field.found ?? ""
        if let label = e.label { x["label_edit"] = 1 - label }
        if e.labelInText { x["label_in_text"] = 1 }
        if (1...4).contains(e.labelLength) { x["short_label"] = 1 }
        if e.labels > 1 { x["repeated_label"] = min(log2(Double(e.labels)), 4) }
        if let page = field.page, page > 1 { x["later_page"] = 1 }
        if type == .date, Self.isAmbiguousDate(field.raw ?? "") { x["ambiguous_date"] = 1 }
        if let ocr = e.ocr {
            x["ocr"] = 1
            x["ocr_doubt"] = 1 - ocr
            // Below 0.7 a word is more often misread than not: a step, not only a slope.
            if ocr < 0.7 { x["ocr_low"] = 1 }
            // Accents are where OCR errs most (Ś, Š and S): a check on the letters cannot tell.
            if (field.raw ?? "").unicodeScalars.contains(where: { $0.value > 0x7F && $0.properties.isAlphabetic }) {
                x["ocr_accents"] = 1
            }
        }
        if e.repaired { x["repaired"] = 1 }
        if field.reread { x["reread"] = 1 }
        if e.rereadDisagrees { x["reread_disagrees"] = 1 }
        // Another reading with a different value, about as sure (a tie the ranking broke) or less.
        if let rival = e.rival { x[rival >= 0.9 * e.raw ? "rival" : "weaker_rival"] = 1 }
        if e.agree > 0 { x["agree"] = Double(min(e.agree, 3)) }
        if field.checks.values.contains(where: { $0 != .disagrees }) { x["check_agrees"] = 1 }
        if field.checks.values.contains(.disagrees) { x["check_disagrees"] = 1 }
        let free = !restricted && (type == .text || type == .address)
        let words = (field.raw ?? "").split(whereSeparator: \.isWhitespace)
        if free {
            x["free_text"] = 1
            if words.count >= 5 { x["long_text"] = 1 }
        } else if type != .enum && type != .currency {
            x["typed"] = 1
        }
        // Four words or more, two of them lower-case after the first: running text, not a
        // name, a number, a code or a short phrase (`30 days net`).
        let lower = words.dropFirst().filter { $0.first?.isLowercase == true }.count
        if words.count >= 4 && lower >= 2 { x["lower_words"] = Double(min(lower, 6)) / 3 }
        switch field.strategy {
        case .mrz?: x["mrz"] = 1
        case .sum?: x["by_sum"] = 1
        case .replacement? where field.llm == nil && e.label == nil: x["template"] = 1
        case .direct? where found.isEmpty && field.llm == nil: x["pattern"] = 1
        default: break
        }
        if field.llm != nil { x["llm"] = 1 }
        let place = found.hasPrefix("section_") ? String(found.dropFirst(8)) : found
        if found.hasPrefix("section_") { x["section"] = 1 }
        switch place {
        case "next_column": x["next_column"] = 1
        case "below": x["below"] = 1
        case "multi_line": x["multi_line"] = 1
        case "cell_right", "cell_below": x["cell"] = 1
        case "total_row": x["total_row"] = 1
        case "by_sum": x["by_sum"] = 1
        default: break
        }
        if e.label == nil && field.llm == nil
            && (field.strategy == .table || (field.strategy == .direct && !found.isEmpty))
        {
            x["unlabelled"] = 1
        }
        return x
    }

    /// A date printed as numbers whose first two could each be the day or the month
    /// (`11/02/2019`): which is which, only the locale says.
    static func isAmbiguousDate(_ raw: String) -> Bool {
        let parts = raw.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard parts.count == 3, raw.allSatisfy({ $0.isNumber || "./- ".contains($0) }) else { return false }
        let (a, b) = parts[0] > 31 ? (parts[1], parts[2]) : (parts[0], parts[1])
        return (1...12).contains(a) && (1...12).contains(b) && a != b
    }

    /// w·x for the features `x`.
    func score(_ x: [String: Double]) -> Double {
        x.reduce(0) { $0 + (weights[$1.key] ?? 0) * $1.value }
    }

    /// The probability that a valid `field` is right; at least a verified zone's confidence
    /// when another printing confirmed the whole value (see `isConfirmed`), else at most
    /// `disputed` when the document itself disagrees about it (see `isDisputed`).
    public func probability(_ field: Record.Field, type: FieldType, restricted: Bool) -> Double {
        let x = Self.features(of: field, type: type, restricted: restricted)
        return Self.bounded(1 / (1 + exp(-score(x))), field, type: type, restricted: restricted, features: x)
    }

    /// `p` (the model's probability, or a pipeline's own calibration of `raw`) raised to
    /// `confirmed` for a confirmed value, else lowered to `disputed` for a disputed one.
    static func bounded(
        _ p: Double, _ field: Record.Field, type: FieldType, restricted: Bool,
        features x: [String: Double]
    ) -> Double {
        if isConfirmed(field, type: type, restricted: restricted) { return max(p, confirmed) }
        return isDisputed(x) ? min(p, disputed) : p
    }

    /// A pipeline's own calibration of a valid `field`'s `raw`, with the same bounds as the
    /// model's probability: the curve knows how sure such scores are, not what the document
    /// disagrees about.
    public static func calibrated(
        _ field: Record.Field, by calibration: ConfidenceCalibration, type: FieldType,
        restricted: Bool
    ) -> Double {
        let raw = field.evidence?.raw ?? field.confidence
        return bounded(
            calibration.apply(raw), field, type: type, restricted: restricted,
            features: features(of: field, type: type, restricted: restricted))
    }

    /// The confidence of a value another printing confirmed.
    static let confirmed = 0.97

    /// The most a disputed value can have: below every pipeline's default review line, so that
    /// a person looks. Across the labelled sets such values were right about two times in three.
    static let disputed = 0.7

    /// The document disagrees about the value: a second reading of its pixels gives another
    /// value, another printing of a typed value or code disagrees (a zone, a sum: a zone's
    /// names line has no check digit and is misread as often as the printed names, so for free
    /// text it is one more clue for the model, not a dispute), OCR was unsure of its words
    /// (below 0.7), or a rival reading is about as sure and the value did not stand in its
    /// field's section (a pipeline that names the printing to take, `occurrence`, has no
    /// rivals). A model weighs these with everything else, and a kind no fit has seen could
    /// let the rest outweigh them; the cap makes sure it cannot.
    static func isDisputed(_ x: [String: Double]) -> Bool { dispute(x) != nil }

    /// The feature that makes a value disputed (see `isDisputed`), or nil.
    static func dispute(_ x: [String: Double]) -> String? {
        if x["reread_disagrees"] != nil { return "reread_disagrees" }
        if x["check_disagrees"] != nil && x["free_text"] == nil { return "check_disagrees" }
        if x["ocr_low"] != nil { return "ocr_low" }
        if x["rival"] != nil && x["section"] == nil { return "rival" }
        return nil
    }

    /// Two independent printings give the value: a machine-readable zone whose check digits
    /// verify (agreeing, or giving the value) or line items and parts that add up to it. A zone
    /// compares names and places letter by letter, accents aside (`WÓJCIK` agrees with
    /// `WOJCIK`), so it confirms no free text (a text value without a pattern or check: a name);
    /// a code it holds (document number, nationality) it confirms.
    static func isConfirmed(_ field: Record.Field, type: FieldType, restricted: Bool) -> Bool {
        if let mrz = field.checks["mrz"], mrz != .disagrees, restricted || (type != .text && type != .address) {
            return true
        }
        return field.checks["sum"] == .agrees
    }

    /// What weighs most against a valid `field`: what disputes it, else the reason of the
    /// feature that lowers its score most; nil when none lowers it.
    public func doubt(_ field: Record.Field, type: FieldType, restricted: Bool) -> String? {
        let x = Self.features(of: field, type: type, restricted: restricted)
        if !Self.isConfirmed(field, type: type, restricted: restricted), let name = Self.dispute(x) {
            return Self.names.first { $0.name == name }?.reason
        }
        var worst: (String, Double)? = nil
        for (name, reason, _) in Self.names {
            guard let reason, let v = x[name] else { continue }
            let part = (weights[name] ?? 0) * v
            if part < 0, part < (worst?.1 ?? 0) { worst = (reason, part) }
        }
        return worst?.0
    }
}

extension ConfidenceModel {
    /// One labelled value for a fit: its features, whether it was right, and its weight.
    public struct Sample: Sendable {
        public var features: [String: Double]
        public var correct: Bool
        public var weight: Double

        public init(features: [String: Double], correct: Bool, weight: Double = 1) {
            self.features = features; self.correct = correct; self.weight = weight
        }
    }

    /// Fits the weights to `samples` by logistic regression (Newton's method), each weight but
    /// the bias pulled towards its prior (see `names`) by `lambda`. Deterministic: the same
    /// samples in the same order give the same weights.
    public static func fit(_ samples: [Sample], lambda: Double = 1, iterations: Int = 50) -> ConfidenceModel {
        let names = Self.names.map(\.name)
        let n = names.count
        let rows = samples.map { s in names.map { s.features[$0] ?? 0 } }
        let prior = Self.names.map(\.prior)
        var w = prior
        for _ in 0..<iterations {
            var gradient = (0..<n).map { $0 == 0 ? 0 : lambda * (w[$0] - prior[$0]) }
            var hessian = (0..<n).map { i in (0..<n).map { j in i == j && i != 0 ? lambda : 0 } }
            hessian[0][0] = 1e-9
            for (x, s) in zip(rows, samples) {
                let z = zip(w, x).reduce(0) { $0 + $1.0 * $1.1 }
                let p = 1 / (1 + exp(-z))
                let g = s.weight * (p - (s.correct ? 1 : 0)), h = s.weight * max(p * (1 - p), 1e-9)
                for i in 0..<n where x[i] != 0 {
                    gradient[i] += g * x[i]
                    for j in 0..<n where x[j] != 0 { hessian[i][j] += h * x[i] * x[j] }
                }
            }
            guard let step = solve(hessian, gradient) else { break }
            for i in 0..<n { w[i] -= step[i] }
            if step.map(abs).max() ?? 0 < 1e-10 { break }
        }
        var weights: [String: Double] = [:]
        for (name, v) in zip(names, w) where (v * 10000).rounded() != 0 {
            weights[name] = v.rounded(toPlaces: 4)
        }
        return ConfidenceModel(weights: weights)
    }

    /// x with a·x = b (Gaussian elimination with partial pivoting); nil when a is singular.
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        var m = a, v = b
        let n = v.count
        for col in 0..<n {
            guard let pivot = (col..<n).max(by: { abs(m[$0][col]) < abs(m[$1][col]) }), abs(m[pivot][col]) > 1e-12
            else { return nil }
            m.swapAt(col, pivot); v.swapAt(col, pivot)
            for r in (col + 1)..<n where m[r][col] != 0 {
                let f = m[r][col] / m[col][col]
                for c in col..<n { m[r][c] -= f * m[col][c] }
                v[r] -= f * v[col]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for r in stride(from: n - 1, through: 0, by: -1) {
            let s = ((r + 1)..<n).reduce(v[r]) { $0 - m[r][$1] * x[$1] }
            x[r] = s / m[r][r]
        }
        return x
    }
}
