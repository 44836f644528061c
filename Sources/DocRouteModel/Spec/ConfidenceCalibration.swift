/// Maps the confidence DocRoute computes for a field (OCR confidence × how well the strategy's
/// structure fitted, raised by agreeing cross-checks, lowered by repairs and disagreements) to
/// the probability that the value is right, as measured on labelled documents.
///
/// A monotone piecewise-linear curve through `points` (raw, calibrated), fitted by
/// `fit(_:)` (isotonic regression with a prior) from `docroute eval --calibrate`, and kept in
/// the pipeline's YAML (`confidence.calibration`).
public struct ConfidenceCalibration: Sendable, Hashable {
    /// (raw, calibrated) pairs, raw strictly increasing, calibrated non-decreasing.
    public var points: [(raw: Double, calibrated: Double)]

    public init(points: [(raw: Double, calibrated: Double)]) {
        self.points = points.sorted { $0.raw < $1.raw }
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.points.map(\.raw) == b.points.map(\.raw) && a.points.map(\.calibrated) == b.points.map(\.calibrated)
    }

    public func hash(into h: inout Hasher) {
        for p in points { h.combine(p.raw); h.combine(p.calibrated) }
    }

    /// The calibrated confidence of `raw` (interpolated between points; flat beyond them).
    public func apply(_ raw: Double) -> Double {
        guard let first = points.first, let last = points.last else { return raw }
        if raw <= first.raw { return first.calibrated }
        if raw >= last.raw { return last.calibrated }
        for (a, b) in zip(points, points.dropFirst()) where raw <= b.raw {
            let t = (raw - a.raw) / max(b.raw - a.raw, 1e-9)
            return a.calibrated + t * (b.calibrated - a.calibrated)
        }
        return last.calibrated
    }

    /// Fits a calibration to labelled outcomes: each (raw confidence, was the value right).
    ///
    /// Pool-adjacent-violators on the outcomes sorted by raw confidence, each pool's rate
    /// shrunk towards `prior` by `priorWeight` pseudo-observations (so that a handful of right
    /// answers do not claim certainty); a point per pool at its mean raw confidence, and
    /// (0, 0) below them, so that a value less sure than any seen right is not promoted.
    public static func fit(
        _ outcomes: [(raw: Double, correct: Bool)], prior: Double = 0.5,
        priorWeight: Double = 2
    ) -> ConfidenceCalibration {
        let sorted = outcomes.sorted { $0.raw < $1.raw }
        // Pools: (sum of raw, right answers, count).
        var pools: [(raw: Double, right: Double, n: Double)] = []
        func rate(_ p: (raw: Double, right: Double, n: Double)) -> Double {
            (p.right + prior * priorWeight) / (p.n + priorWeight)
        }
        for o in sorted {
            pools.append((o.raw, o.correct ? 1 : 0, 1))
            while pools.count >= 2, rate(pools[pools.count - 2]) >= rate(pools[pools.count - 1]) {
                let b = pools.removeLast(), a = pools.removeLast()
                pools.append((a.raw + b.raw, a.right + b.right, a.n + b.n))
            }
        }
        var points: [(raw: Double, calibrated: Double)] = [(0, 0)]
        for p in pools {
            let x = (p.raw / p.n).rounded(toPlaces: 3), y = (rate(p) * 1000).rounded(.down) / 1000
            if let last = points.last, x <= last.raw {
                points[points.count - 1].calibrated = max(last.calibrated, y)
            } else {
                points.append((x, y))
            }
        }
        return ConfidenceCalibration(points: points)
    }
}
