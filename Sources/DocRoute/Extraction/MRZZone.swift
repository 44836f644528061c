/// Where a machine-readable zone stands in a document: the lines that look like one (capitals,
/// digits and runs of `<` filler, 25–50 characters), as read, with their page and box.
struct MRZZone: Sendable, Hashable {
    /// 0-based page.
    var page: Int
    /// nil on pages without geometry (office documents).
    var box: Box?
    /// The lines as read, spaces removed, joined by newlines.
    var text: String
    var lines: Int

    /// Characters a zone can hold: the whitelist for re-reading one.
    static let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"

    /// The last run of two or three consecutive zone-like lines in the document (a zone ends a
    /// card or a passport page), or nil.
    static func locate(in document: Document) -> MRZZone? {
        var found: MRZZone? = nil
        for page in document.pages {
            var run: [[TextSpan]] = []
            func close() {
                if run.count >= 2 {
                    let lines = Array(run.suffix(3))
                    let words = lines.flatMap { $0 }
                    let boxes = words.compactMap(\.box)
                    let box = boxes.dropFirst().reduce(boxes.first) { $0?.union($1) }
                    let text = lines.map { $0.map(\.text).joined() }.joined(separator: "\n")
                    found = MRZZone(page: page.index, box: box, text: text, lines: lines.count)
                }
                run = []
            }
            for words in VisualLines.readerLines(page.words) {
                if looksLikeZoneLine(words.map(\.text).joined()) { run.append(words) } else { close() }
            }
            close()
        }
        return found
    }

    /// 25–50 characters, nearly all capitals, digits or filler, with some filler (or its
    /// usual misreadings).
    static func looksLikeZoneLine(_ s: String) -> Bool {
        let chars = Array(s.uppercased())
        guard (25...50).contains(chars.count) else { return false }
        let filler = chars.filter { "<«‹".contains($0) }.count
        let fitting = chars.filter { ($0.isASCII && ($0.isUppercase || $0.isNumber)) || "<«‹".contains($0) }.count
        return filler >= 2 && fitting * 10 >= chars.count * 9
    }
}
