/// The one model every reader produces and every strategy reads: a file's pages, words and tables.
public struct Document: Sendable, Hashable, Codable {
    /// Where a document came from.
    public struct Source: Sendable, Hashable, Codable {
        public var path: String
        /// Lower-case hex SHA-256 of the file's bytes.
        public var sha256: String
        public var format: DocumentFormat
        public var bytes: Int

        public init(path: String, sha256: String, format: DocumentFormat, bytes: Int) {
            self.path = path; self.sha256 = sha256; self.format = format; self.bytes = bytes
        }
    }

    public var source: Source
    public var pages: [Page]
    public var tables: [Table]
    /// Things the reader noticed and worked around (skipped parts, lowered resolution, ...).
    public var warnings: [String]

    public init(source: Source, pages: [Page], tables: [Table], warnings: [String] = []) {
        self.source = source; self.pages = pages; self.tables = tables; self.warnings = warnings
    }

    /// Every page's text, pages separated by a form feed.
    public var text: String { pages.map(\.text).joined(separator: "\n\u{0C}\n") }
}
