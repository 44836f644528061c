extension Router {
    /// Every valid value's confidence, from its evidence completed once all fields are filled:
    /// the confidence the strategies and checks gave it (`raw`), and the other readings of the
    /// field that give the same value elsewhere (`agree`) or another value (`rival`). A rival
    /// as sure as the value makes the choice a toss-up — unless the pipeline said which
    /// printing to take (`occurrence`) or the value stood in its field's section —, so the
    /// value keeps half its confidence, as a value a check disagrees with does. The
    /// pipeline's own calibration maps `raw`; without one, the confidence model gives it. A
    /// value less sure than `review.below` carries the model's reason (`doubt`).
    func weighed(_ fields: [String: Record.Field], others: [String: [Record.Field]] = [:]) -> [String: Record.Field] {
        var out = fields
        for spec in spec.fields {
            guard var f = fields[spec.name], f.valid else { continue }
            var e = f.evidence ?? Record.Evidence(raw: f.confidence)
            e.raw = f.confidence
            e.agree = 0
            e.rival = nil
            for o in others[spec.name] ?? [] {
                if o.value == f.value {
                    if let a = o.box, let b = f.box, o.page == f.page, Self.same(a, b) { continue }
                    e.agree += 1
                } else {
                    e.rival = max(e.rival ?? 0, o.confidence)
                }
            }
            let tie = e.rival.map { $0 >= f.confidence } == true && spec.occurrence == nil && f.found?.hasPrefix("section_") != true
            if tie { e.raw = f.confidence * Self.disagreementFactor }
            f.evidence = e
            let restricted = spec.pattern != nil || spec.check != nil
            if let calibration = self.spec.calibration {
                f.confidence = calibration.apply(e.raw)
            } else {
                f.confidence = confidenceModel.probability(f, type: spec.type, restricted: restricted)
            }
            if f.confidence < self.spec.reviewBelow {
                f.doubt = tie ? "two candidates disagree"
                    : confidenceModel.doubt(f, type: spec.type, restricted: restricted) ?? "low confidence"
            }
            out[spec.name] = f
        }
        return out
    }

    /// The model that weighs evidence.
    var confidenceModel: ConfidenceModel { .shipped }
}
