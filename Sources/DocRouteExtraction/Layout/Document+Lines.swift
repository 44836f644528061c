import DocRouteModel

extension Document {
    /// The document as the extraction strategies see it: one visual line per text line, its
    /// column segments separated by ` | `, pages separated by a `--- page N` line.
    public var layoutText: String {
        let layout = TextLayout(self)
        var out: [String] = []
        var page = -1
        for line in layout.lines {
            if line.page != page {
                page = line.page
                out.append("--- page \(page + 1)")
            }
            out.append(line.segments.map { line.words[$0].map(\.text).joined(separator: " ") }.joined(separator: " | "))
        }
        return out.joined(separator: "\n")
    }
}
