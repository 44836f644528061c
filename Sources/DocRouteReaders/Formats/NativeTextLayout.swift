import DocRouteModel

/// Builds a page's words from text that has no geometry (DOCX paragraphs, XLSX cells):
/// words split on white space, numbered in reading order, with line and block indices.
struct NativeTextLayout {
    private(set) var words: [TextSpan] = []
    private var line = -1
    private var block = -1
    private var textBytes = 0
    let maxWords: Int
    let maxTextBytes: Int

    init(limits: ReaderLimits) {
        maxWords = limits.maxCells
        maxTextBytes = limits.maxTextBytes
    }

    /// Starts a new block (paragraph, cell); the next text starts a new line too.
    mutating func beginBlock() { block += 1 }

    /// Adds `text`, whose newlines start new lines, to the current block.
    mutating func add(_ text: String, line fixedLine: Int? = nil) throws(DocRouteError) {
        if block < 0 { block = 0 }
        for lineText in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let tokens = lineText.split(whereSeparator: { $0.isWhitespace })
            guard !tokens.isEmpty else { continue }
            line = fixedLine ?? (line + 1)
            for token in tokens {
                if words.count >= maxWords {
                    throw .limitExceeded("more than \(maxWords) words or cells in one document")
                }
                textBytes += token.utf8.count
                if textBytes > maxTextBytes {
                    throw .limitExceeded("more than \(maxTextBytes) bytes of text in one document")
                }
                words.append(
                    TextSpan(
                        text: String(token), box: nil, confidence: nil,
                        line: line, block: block, order: words.count))
            }
        }
    }
}

/// What a format reader hands back: the model's pages and tables, and what it worked around.
struct ReadContent {
    var pages: [Page]
    var tables: [Table]
    var warnings: [String] = []
}
