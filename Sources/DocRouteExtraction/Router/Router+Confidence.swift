import DocRouteModel

extension Router {
    /// The most a value the LLM chose is trusted, unless a check bears it out.
    static let guessConfidence = 0.6

    /// Every valid value's confidence, from its evidence completed once all fields are filled:
    /// the confidence the strategies and checks gave it (`raw`), and the other readings of the
    /// field that give the same value elsewhere (`agree`) or another value (`rival`; none when
    /// the pipeline names the printing to take, `occurrence`: the others are not the field). A
    /// rival as sure as the value makes the choice a toss-up — unless the value stood in its
    /// field's section —, so the value keeps half its confidence, as a value a check disagrees
    /// with does. The confidence model gives the confidence, or a pipeline's own calibration
    /// of `raw`; either way a confirmed value is at least 0.97 and a disputed one (a second
    /// reading that disagrees, unsure OCR: what `raw` does not hold) at most 0.7. A value less
    /// sure than `review.below` carries the model's reason (`doubt`).
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
                } else if spec.occurrence == nil {
                    e.rival = max(e.rival ?? 0, o.confidence)
                }
            }
            let tie =
                e.rival.map { $0 >= f.confidence } == true && spec.occurrence == nil
                && f.found?.hasPrefix("section_") != true
            if tie { e.raw = f.confidence * Self.disagreementFactor }
            f.evidence = e
            let restricted = spec.pattern != nil || spec.check != nil
            if let calibration = self.spec.calibration {
                f.confidence = ConfidenceModel.calibrated(f, by: calibration, type: spec.type, restricted: restricted)
            } else {
                f.confidence = confidenceModel.probability(f, type: spec.type, restricted: restricted)
            }
            // The LLM's pick among printed values (an unlabelled shop, which number is the
            // total) is its judgement, no surer than a layout guess: the model was fitted on
            // labelled values. A check that agrees (a sum) bears it out.
            if f.llm != nil, !f.checks.values.contains(.agrees) {
                f.confidence = min(f.confidence, Self.guessConfidence)
            }
            if f.confidence < self.spec.reviewBelow {
                f.doubt =
                    tie
                    ? "two candidates disagree"
                    : confidenceModel.doubt(f, type: spec.type, restricted: restricted) ?? "low confidence"
            }
            out[spec.name] = f
        }
        return out
    }

    /// The model that weighs evidence.
    var confidenceModel: ConfidenceModel { .shipped }
}
