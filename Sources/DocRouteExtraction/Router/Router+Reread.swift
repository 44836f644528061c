import DocRouteModel

extension Router {
    /// The value of `c` read again from its box (see `OCRSpec`), when it should replace the
    /// page's reading `page` (nil: the page reading did not validate).
    ///
    /// A valid page reading is replaced only by a re-read of the same text: equal but for
    /// accents and OCR look-alikes (KRAKOW → KRAKÓW, DUK → DIJK), or a few letters apart and
    /// read with clearly more confidence (THUS at 0.04 → THIJS at 0.95); a page reading in
    /// capitals keeps them (NOEMIE → NOÉMIE, not Noémie). An invalid one is
    /// replaced by any re-read that validates; when the free re-read does not, the field's
    /// alphabet (from its pattern) is imposed on a second one, which Tesseract then reports
    /// with no usable confidence: it keeps the free re-read's, discounted like a repair.
    /// `disagrees` is set when the free re-read reads other letters than a valid page reading.
    func rereadValue(
        _ c: Candidate, page: Accepted?, field: FieldSpec,
        validator: FieldValidator, state: inout FillState, disagrees: inout Bool
    ) -> Accepted? {
        guard let free = state.reread(c, field: field, whitelist: nil) else { return nil }
        // No reading (a model that did not load, an empty crop) is no disagreement.
        if let page, !free.text.isEmpty, TextNormalizer.matchKey(free.text) != TextNormalizer.matchKey(page.raw) {
            disagrees = true
        }
        if case .success(let v) = accepted(free, validator: validator) {
            guard let page else { return v }
            let x = TextNormalizer.matchKey(v.raw), y = TextNormalizer.matchKey(page.raw)
            if x == y {
                // The same letters: the re-read's accents, the page's word breaks (a line crop
                // can split a word the page read whole: KÖ LN for KOLN) and capitals.
                var respaced = free
                respaced.text = TextNormalizer.spaced(Self.cased(v.raw, like: page.raw), like: page.raw)
                if respaced.text != v.raw, case .success(let w) = accepted(respaced, validator: validator) { return w }
                return v
            }
            let limit = max(2, min(x.count, y.count) / 4)
            let pageOCR = c.quality > 0 ? c.confidence / c.quality : 0
            let rereadOCR = c.quality > 0 ? free.confidence / c.quality : 0
            // A page reading with a stray symbol in it (@YVIND: a letter the page model cannot
            // write) needs only an equally sure re-read.
            let needed = page.raw.contains(where: Self.isStraySymbol) ? 0 : Self.clearlyMoreSure
            guard rereadOCR >= pageOCR + needed, TextNormalizer.distance(x, y, limit: limit + 1) <= limit else {
                return nil
            }
            var cased = free
            cased.text = Self.cased(v.raw, like: page.raw)
            if cased.text != v.raw, case .success(let w) = accepted(cased, validator: validator) { return w }
            return v
        }
        guard page == nil, let alphabet = field.pattern?.alphabet,
            var forced = state.reread(c, field: field, whitelist: alphabet)
        else { return nil }
        forced.confidence = free.confidence * Self.repairFactor
        return try? accepted(forced, validator: validator).get()
    }

    /// `reread` in capitals when the page's reading of the same value is all capitals (the
    /// values model reads NOÉMIE as Noémie); else as it is.
    static func cased(_ reread: String, like page: String) -> String {
        page.contains(where: \.isUppercase) && !page.contains(where: \.isLowercase) ? reread.uppercased() : reread
    }

    /// A valid page reading of a `text` field is re-read by the pipeline's values model when
    /// the field may hold letters the page model lacks (no pattern restricting it to ASCII), or
    /// when the page model was unsure of it — unless the values model read it.
    func wantsReread(_ c: Candidate, field: FieldSpec) -> Bool {
        guard spec.ocr.values != nil, field.type == .text, !c.byValuesModel else { return false }
        if field.pattern?.alphabet == nil { return true }
        return c.quality > 0 && c.confidence / c.quality < Self.sureReading
    }

    /// The fields whose valid readings `wantsReread` whatever their confidence: text that may
    /// hold letters the page model lacks.
    package var readByValuesModel: Set<String> {
        guard spec.ocr.values != nil else { return [] }
        return Set(spec.fields.filter { $0.type == .text && $0.pattern?.alphabet == nil }.map(\.name))
    }

    /// Page OCR confidence below which a valid reading restricted to ASCII is still re-read.
    static let sureReading = 0.9

    /// A character no printed name, place or number holds: OCR's stand-in for a letter it
    /// could not read (@, £, €, #, ...).
    static func isStraySymbol(_ c: Character) -> Bool {
        !(c.isLetter || c.isNumber || c.isWhitespace || "-'’.,/()&".contains(c))
    }

    /// How much surer a re-read must be to replace a valid page reading with different letters.
    static let clearlyMoreSure = 0.2
}
