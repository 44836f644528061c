import DocRouteModel

/// The sections of a page: headings named by fields' `section` lists (`Ship to`, `Lieferadresse`)
/// and the part of the page each governs — the lines below it, in its column, until the next
/// heading there. A label printed in several sections is then read in the one its field names.
struct SectionMap {
    struct Heading {
        var line: Int
        var page: Int
        var x0: Double
        var x1: Double
        /// The fields whose `section` names this heading.
        var fields: Set<String>
    }

    let headings: [Heading]

    init(layout: TextLayout, fields: [FieldSpec]) {
        // One matcher entry per heading text; a text several fields name serves them all.
        var byKey: [String: Set<String>] = [:]
        var specs: [FieldSpec] = []
        for f in fields {
            for name in f.section {
                let key = TextNormalizer.matchKey(name)
                guard !key.isEmpty else { continue }
                if byKey[key] == nil { specs.append(FieldSpec(name: key, labels: [name])) }
                byKey[key, default: []].insert(f.name)
            }
        }
        guard !specs.isEmpty else { headings = []; return }
        let matcher = LabelMatcher(fields: specs)
        var found: [Heading] = []
        for (li, line) in layout.lines.enumerated() {
            for m in matcher.matches(in: line.words, isStart: line.isSegmentStart) where line.isSegmentStart(m.start) {
                guard let box = WordRun(words: Array(line.words[m.start..<m.end]), page: line.page).box else {
                    continue
                }
                let end = line.segmentEnd(containing: m.end - 1)
                // The heading's column: from its left edge to the next column of its line.
                let x1 = end < line.words.count ? line.words[end].box?.x0 ?? .infinity : .infinity
                found.append(
                    Heading(line: li, page: line.page, x0: box.x0 - box.height, x1: x1, fields: byKey[m.field] ?? []))
            }
        }
        headings = found
    }

    /// The fields whose section governs a label at `x` on line `line` (nil when no heading
    /// does): the nearest heading above it whose column holds `x`.
    func fields(governing line: Int, page: Int, x: Double) -> Set<String>? {
        var best: Heading? = nil
        for h in headings where h.page == page && h.line < line && x >= h.x0 && x < h.x1 {
            if best == nil || h.line > best!.line { best = h }
        }
        return best?.fields
    }
}
