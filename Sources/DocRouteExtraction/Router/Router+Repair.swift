import DocRouteModel

extension Router {
    /// Confidence kept by a value repaired from OCR confusions.
    static let repairFactor = 0.85

    /// An OCR'd candidate that fails only because of OCR's usual confusions (O/0, I/1, ...):
    /// the one value its variants validate to, for fields whose pattern or check can tell;
    /// nil when none or several different values validate.
    func repaired(_ c: Candidate, validator: FieldValidator) -> ValidatedValue? {
        let field = validator.field
        guard c.ocr,
            field.pattern != nil || field.check != nil || field.type == .date || field.type == .number
                || field.type == .integer || field.type == .money
        else { return nil }
        let text = FieldValidator.clean(c.text)
        guard text.count <= 64, !text.contains("%") else { return nil }
        // Characters the pattern cannot hold become their one look-alike it can (O → 0 in a
        // number without O): no choice is made, however many there are.
        if let alphabet = field.pattern?.alphabet.map(Set.init) {
            let forced = String(
                text.map { c in
                    let fits = OCRConfusions.alternatives(c).filter(alphabet.contains)
                    return alphabet.contains(c) || fits.count != 1 ? c : fits[0]
                })
            if forced != text, case .success(let v) = validator.validate(forced) { return v }
        }
        // The smallest change that validates wins; two different values at that size mean the
        // reading cannot be repaired.
        for tier in OCRConfusions.variants(of: text) {
            var found: ValidatedValue? = nil
            for variant in tier {
                guard case .success(let v) = validator.validate(variant) else { continue }
                if let f = found, f.value != v.value { return nil }
                found = v
            }
            if let found { return found }
        }
        return nil
    }
}
