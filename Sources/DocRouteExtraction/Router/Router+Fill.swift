import DocRouteModel

extension Router {
    /// Validates candidates in order; the first valid one fills the field. Returns the fields filled.
    @discardableResult
    func fill(
        _ state: inout FillState, with candidates: CandidateSet, strategy: StrategyName, only: [FieldSpec]? = nil,
        llm: [String: Record.LLMProvenance]? = nil
    ) -> [String] {
        var filled: [String] = []
        for field in only ?? spec.fields where state.filled[field.name] == nil {
            // An LLM step is recorded by `llm` on the field and `route.llm_fields`, not in `tried`.
            if llm == nil { state.tried[field.name, default: []].append(strategy) }
            guard let validator = validators[field.name] else { continue }
            let list = candidates[field.name] ?? []
            for (index, c) in list.enumerated() {
                var original: Accepted? = nil
                switch accepted(c, validator: validator) {
                case .success(let v): original = v
                case .failure(let f):
                    if state.failures[field.name] == nil { state.failures[field.name] = (c, f, strategy) }
                }
                var chosen = original
                var reread = false
                // A second reading with other letters, not taken: it disagreed with the page's.
                var disagreed = false
                if c.ocr, original == nil || wantsReread(c, field: field) {
                    if let better = rereadValue(
                        c, page: original, field: field, validator: validator, state: &state,
                        disagrees: &disagreed)
                    {
                        chosen = better
                        reread = true
                        disagreed = false
                    }
                }
                guard let (value, raw, confidence, repaired) = chosen else { continue }
                var f = Record.Field(
                    value: value.value, raw: raw, currency: value.currency, confidence: min(1, max(0, confidence)),
                    strategy: strategy, page: c.page.map { $0 + 1 }, box: c.box, valid: true, reread: reread,
                    llm: llm?[field.name], tried: [])
                f.found = c.place
                f.evidence = Self.evidence(c, confidence: f.confidence, repaired: repaired)
                f.evidence?.rereadDisagrees = disagreed
                state.filled[field.name] = f
                state.others[field.name] = others(of: list[(index + 1)...], validator: validator, strategy: strategy)
                filled.append(field.name)
                break
            }
        }
        return filled
    }

    /// Valid readings a field passed over, best first, as the joint checks may take them
    /// instead (see `Router+Joint.swift`): as printed or repaired, never re-read (a re-read
    /// costs an OCR call), at most `FillState.maxOthers`.
    func others(of rest: ArraySlice<Candidate>, validator: FieldValidator, strategy: StrategyName) -> [Record.Field] {
        var out: [Record.Field] = []
        for c in rest where out.count < FillState.maxOthers {
            guard case .success(let (value, raw, confidence, repaired)) = accepted(c, validator: validator) else {
                continue
            }
            var f = Record.Field(
                value: value.value, raw: raw, currency: value.currency, confidence: min(1, max(0, confidence)),
                strategy: strategy, page: c.page.map { $0 + 1 }, box: c.box, valid: true, tried: [])
            f.found = c.place
            f.evidence = Self.evidence(c, confidence: f.confidence, repaired: repaired)
            out.append(f)
        }
        return out
    }

    /// What `c` shows of how sure its value, at `confidence` (a re-read's when re-read), is;
    /// agreement is counted once every field is filled.
    static func evidence(_ c: Candidate, confidence: Double, repaired: Bool) -> Record.Evidence {
        var e = Record.Evidence(raw: confidence)
        e.label = c.label
        e.labelInText = c.labelInText
        e.labels = c.label == nil ? 0 : c.labelCount
        e.labelLength = c.label == nil ? 0 : c.labelLength
        if c.ocr, c.quality > 0 { e.ocr = min(1, confidence / c.quality / (repaired ? repairFactor : 1)) }
        e.repaired = repaired
        return e
    }

    /// A candidate's value as validated: `raw` is what was read, `repaired` says whether OCR
    /// look-alikes had to be changed for it to validate.
    typealias Accepted = (value: ValidatedValue, raw: String, confidence: Double, repaired: Bool)

    /// The value `c` gives when it validates, as printed or repaired from OCR confusions
    /// (`raw` keeps what was read); else why the printed text fails.
    func accepted(_ c: Candidate, validator: FieldValidator)
        -> Result<Accepted, ValidationFailure>
    {
        switch validator.validate(c.text) {
        case .success(let v): return .success((v, v.raw, c.confidence, false))
        case .failure(let f):
            guard let v = repaired(c, validator: validator) else { return .failure(f) }
            return .success((v, FieldValidator.clean(c.text), c.confidence * Self.repairFactor, true))
        }
    }
}
