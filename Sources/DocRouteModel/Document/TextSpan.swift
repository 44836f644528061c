/// One word of a page, in reading order, with where it stands and how sure the reader is of it.
///
/// `box` is nil where the format has no geometry (DOCX, XLSX); `confidence` is nil for text that
/// was not recognised (text layers and native office text are taken as exact).
public struct TextSpan: Sendable, Hashable, Codable {
    public var text: String
    public var box: Box?
    /// 0...1 for OCR words; nil for text layers and native text.
    public var confidence: Double?
    /// Index of the line on its page (0-based). For DOCX a paragraph line, for XLSX a sheet row.
    public var line: Int
    /// Index of the block on its page (0-based): an OCR block, a paragraph, or a table cell.
    public var block: Int
    /// Position of the word in the page's reading order (0-based).
    public var order: Int

    public init(text: String, box: Box?, confidence: Double?, line: Int, block: Int, order: Int) {
        self.text = text; self.box = box; self.confidence = confidence
        self.line = line; self.block = block; self.order = order
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(text, forKey: .text)
        try c.encodeIfPresent(box, forKey: .box)
        if let confidence { try c.encode(confidence.rounded(toPlaces: 3), forKey: .confidence) }
        try c.encode(line, forKey: .line)
        try c.encode(block, forKey: .block)
        try c.encode(order, forKey: .order)
    }
}

extension String {
    /// Whether this word is only bars (`|`): OCR reads a ruling line this way, so such a word is
    /// the line, not text.
    package var isRuleGlyph: Bool { !isEmpty && allSatisfy { $0 == "|" || $0 == "¦" } }
}
