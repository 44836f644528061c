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
            var parts: [String] = []
            for (k, start) in line.segmentStarts.enumerated() {
                let end = k + 1 < line.segmentStarts.count ? line.segmentStarts[k + 1] : line.words.count
                parts.append(line.words[start..<end].map(\.text).joined(separator: " "))
            }
            out.append(parts.joined(separator: " | "))
        }
        return out.joined(separator: "\n")
    }
}
