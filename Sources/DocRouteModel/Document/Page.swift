/// One page of a document: its size and its words in reading order.
///
/// PDF pages and OCR'd images are real pages. A DOCX body is one page (Word paginates at
/// layout time, which DocRoute does not do); each XLSX sheet is one page.
public struct Page: Sendable, Hashable, Codable {
    /// Where the words of a page came from.
    public enum Origin: String, Sendable, Codable {
        /// A PDF text layer.
        case textLayer
        /// Optical character recognition of an image or a rendered page.
        case ocr
        /// The text of an office document (DOCX paragraphs, XLSX cells); no geometry.
        case native
    }

    /// The unit of `width`, `height` and every word box on the page.
    public enum Unit: String, Sendable, Codable {
        /// PDF points (1/72 inch).
        case pt
        /// Image pixels.
        case px
        /// The page has no geometry.
        case none
    }

    /// 0-based page index.
    public var index: Int
    public var width: Double
    public var height: Double
    public var unit: Unit
    public var origin: Origin
    /// Resolution of the image the words were recognised from (OCR pages only).
    public var dpi: Double?
    /// Sheet name (XLSX) or part name where a page stands for something with a name.
    public var name: String?
    public var words: [TextSpan]
    /// OCR pages: the preparation steps that ran on the image before recognition (see
    /// `ImagePreprocessor`), e.g. `["upscale ×1.50", "deskew -1.8°"]`; empty when none paid.
    public var preprocessing: [String] = []
    /// Ruling lines drawn on the page, as thin boxes (horizontal when wider than tall): found
    /// only when the reader is asked to (`DocumentReader.rules`), else empty.
    public var rules: [Box] = []

    public init(
        index: Int, width: Double, height: Double, unit: Unit, origin: Origin,
        dpi: Double? = nil, name: String? = nil, words: [TextSpan]
    ) {
        self.index = index; self.width = width; self.height = height; self.unit = unit
        self.origin = origin; self.dpi = dpi; self.name = name; self.words = words
    }

    /// The page's words joined into lines (by `line`), lines joined by newlines.
    public var text: String {
        var out = ""
        var currentLine: Int? = nil
        for word in words {
            if let l = currentLine {
                out += (l == word.line) ? " " : "\n"
            }
            out += word.text
            currentLine = word.line
        }
        return out
    }
}
