extension Record {
    /// What a valid value's confidence was weighed from: how its label matched, how sure OCR
    /// was, and whether other readings of the document agreed (see `ConfidenceModel`).
    public struct Evidence: Sendable, Hashable, Codable {
        /// How the label that found the value matched: 1 exact, lower per edit; nil when no
        /// label did (a title, a position, a pattern, a template, a zone).
        public var label: Double?
        /// That label stood inside a line of other words: not at a segment's start, no colon.
        public var labelInText = false
        /// How often a label of the field is printed in the document (0: no label found it).
        public var labels = 0
        /// Characters of the label that found it (`Date` 4, `Effective Date` 13; 0: none).
        public var labelLength = 0
        /// OCR's confidence in the value's words (0...1); nil for a text layer or native cells.
        public var ocr: Double?
        /// The value was repaired from OCR look-alikes (O → 0) to validate.
        public var repaired = false
        /// The value was read again from its box (see `OCRSpec.values`) and that second reading
        /// disagreed: the page's reading was kept.
        public var rereadDisagrees = false
        /// Other readings of the field, printed elsewhere, that give the same value.
        public var agree = 0
        /// The surest other reading with a different value: its confidence; nil when none.
        public var rival: Double?
        /// The confidence as the strategy computed it, before the confidence model.
        public var raw: Double

        public init(raw: Double) { self.raw = raw }

        enum CodingKeys: String, CodingKey {
            case label, labelInText = "label_in_text", labels, labelLength = "label_length", ocr, repaired,
                rereadDisagrees = "reread_disagrees", agree, rival, raw
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            label = try c.decodeIfPresent(Double.self, forKey: .label)
            labelInText = try c.decodeIfPresent(Bool.self, forKey: .labelInText) ?? false
            labels = try c.decodeIfPresent(Int.self, forKey: .labels) ?? 0
            labelLength = try c.decodeIfPresent(Int.self, forKey: .labelLength) ?? 0
            ocr = try c.decodeIfPresent(Double.self, forKey: .ocr)
            repaired = try c.decodeIfPresent(Bool.self, forKey: .repaired) ?? false
            rereadDisagrees = try c.decodeIfPresent(Bool.self, forKey: .rereadDisagrees) ?? false
            agree = try c.decodeIfPresent(Int.self, forKey: .agree) ?? 0
            rival = try c.decodeIfPresent(Double.self, forKey: .rival)
            raw = try c.decode(Double.self, forKey: .raw)
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            func rounded(_ v: Double) -> Double { v.rounded(toPlaces: 3) }
            try c.encodeIfPresent(label.map(rounded), forKey: .label)
            if labelInText { try c.encode(true, forKey: .labelInText) }
            if labels > 0 { try c.encode(labels, forKey: .labels) }
            if labelLength > 0 { try c.encode(labelLength, forKey: .labelLength) }
            try c.encodeIfPresent(ocr.map(rounded), forKey: .ocr)
            if repaired { try c.encode(true, forKey: .repaired) }
            if rereadDisagrees { try c.encode(true, forKey: .rereadDisagrees) }
            if agree > 0 { try c.encode(agree, forKey: .agree) }
            try c.encodeIfPresent(rival.map(rounded), forKey: .rival)
            try c.encode(rounded(raw), forKey: .raw)
        }
    }
}
