import DocRouteModel

/// Where a machine-readable zone stands in a document: the lines that look like one (capitals,
/// digits and runs of `<` filler, 25–50 characters), as read, with their page and box.
package struct MRZZone: Sendable, Hashable {
    /// 0-based page.
    package var page: Int
    /// nil on pages without geometry (office documents).
    package var box: Box?
    /// The lines as read, spaces removed, joined by newlines.
    var text: String
    package var lines: Int

    /// Characters a zone can hold: the whitelist for re-reading one.
    package static let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"

    /// The last band of two or three zone lines in the document (a zone ends a card or a
    /// passport page), or nil. Lines are the page's visual lines, so a zone line the OCR engine
    /// split into blocks is whole again, and words it grouped with a zone line (a stamp, the
    /// photo's caption) are trimmed from its ends. A band is consecutive zone-like lines, or
    /// one zone-like line and the line right above or below it when that one is read as
    /// capitals and digits under it (a line whose filler OCR lost: `PNVORE SSN AENECR`), which
    /// a re-read with the zone's alphabet can then recover; two ID-card lines take such a line
    /// below them as their third.
    package static func locate(in document: Document) -> MRZZone? {
        var found: MRZZone? = nil
        for page in document.pages {
            let lines = VisualLines.group(page.words, specks: true).map(zonePart)
            var i = 0
            while i < lines.count {
                guard let first = lines[i], looksLikeZoneLine(text(first)) else { i += 1; continue }
                var j = i + 1
                while j < lines.count, let next = lines[j], looksLikeZoneLine(text(next)), j - i < 3 { j += 1 }
                var band = Array(lines[i..<j].compactMap { $0 })
                if band.count == 1 {
                    if j < lines.count, let below = companion(lines[j], of: first) {
                        band.append(below)
                    } else if i > 0, let above = companion(lines[i - 1], of: first) {
                        band.insert(above, at: 0)
                    }
                }
                // Two lines of an ID card's width: its names line may have lost every filler.
                if band.count == 2, band.allSatisfy({ (27...33).contains(text($0).count) }), j < lines.count,
                    let below = companion(lines[j], of: band[1])
                {
                    band.append(below)
                }
                if band.count >= 2 {
                    let box = Box.union(of: band.flatMap { $0 }.compactMap(\.box))
                    found = MRZZone(
                        page: page.index, box: box, text: band.map(text).joined(separator: "\n"), lines: band.count)
                }
                i = j
            }
        }
        return found
    }

    /// A line's words without a zone's spaces.
    static func text(_ words: [TextSpan]) -> String { words.map(\.text).joined() }

    /// The run of a line's words that may be a zone line: the line without words at either end
    /// that are mostly in lower case or mostly other than capitals, digits and filler; nil
    /// when nothing is left.
    static func zonePart(_ line: [TextSpan]) -> [TextSpan]? {
        func fits(_ w: TextSpan) -> Bool {
            let chars = Array(w.text)
            // Filler misread as e, c or g leaves a few lower-case letters; a word mostly in lower
            // case is prose.
            guard chars.filter(\.isLowercase).count * 10 <= chars.count * 3 else { return false }
            let n = chars.filter { c in
                let u = Character(c.uppercased())
                return (u.isASCII && (u.isUppercase || u.isNumber)) || "<«‹".contains(c)
            }.count
            return n * 10 >= chars.count * 8
        }
        guard let start = line.firstIndex(where: fits), let end = line.lastIndex(where: fits) else { return nil }
        return Array(line[start...end])
    }

    /// `line` when it can be the other line of a zone whose one readable line is `zone`: next
    /// to it (two line heights apart at most), at least 15 capitals and digits, starting within
    /// two character widths of the zone line's start.
    static func companion(_ line: [TextSpan]?, of zone: [TextSpan]) -> [TextSpan]? {
        guard let line, text(line).count >= 15 else { return nil }
        guard let z = Box.union(of: zone.compactMap(\.box)), let l = Box.union(of: line.compactMap(\.box)) else {
            return nil
        }
        let charWidth = z.width / Double(max(text(zone).count, 1))
        guard abs(l.x0 - z.x0) <= 2 * charWidth, max(l.y0 - z.y1, z.y0 - l.y1) <= 2 * z.height else { return nil }
        return line
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
