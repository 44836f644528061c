import DocRouteModel

/// Reads a region of a page again with the pipeline's values model. The router asks for
/// re-reads through it and never reads pixels itself; the pipeline provides one for OCR'd pages.
package protocol Rereader: Sendable {
    /// The text in `box` (page units) of 0-based `page`, spanning `lines` text lines, with only
    /// `whitelist`'s characters when given; nil when nothing was read.
    func reread(page: Int, box: Box, lines: Int, whitelist: String?) throws(DocRouteError) -> Reread?
}

/// What a re-read saw: words joined by spaces, lines by newlines, and their mean confidence.
package struct Reread: Sendable, Hashable {
    package var text: String
    package var confidence: Double

    package init(text: String, confidence: Double) {
        (self.text, self.confidence) = (text, confidence)
    }
}
