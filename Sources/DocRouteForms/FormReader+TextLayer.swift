import DocRouteExtraction
import DocRouteModel

extension FormReader {
    /// Each field's region read from a text layer: the words whose centres stand in it once
    /// the document is mapped onto the template (`alignment`, from their fingerprints), in
    /// reading order, copied as printed. A field in `running` (free text that may wrap) also
    /// takes the lines right under its region that are not the form's own text (`runOn`): the
    /// learning copy's value may have been one line where this copy's takes three.
    package static func candidates(
        _ document: Document, template: LearnedForm, alignment: LayoutFingerprint.Alignment,
        running: Set<String> = []
    ) -> CandidateSet {
        let toDocument = (x: alignment.x.inverse, y: alignment.y.inverse)
        var out: CandidateSet = [:]
        var wraps: [Int: Wraps] = [:]
        for (name, region) in template.regions where region.page < document.pages.count {
            let page = document.pages[region.page]
            let area = Box(
                x0: toDocument.x(region.area.x0) * page.width, y0: toDocument.y(region.area.y0) * page.height,
                x1: toDocument.x(region.area.x1) * page.width, y1: toDocument.y(region.area.y1) * page.height)
            var words = page.words.filter { w in w.box.map { area.holdsCentre(of: $0) } ?? false }
            if running.contains(name), !words.isEmpty {
                let w = wraps[page.index] ?? Wraps(page, template: template, alignment: alignment)
                wraps[page.index] = w
                words += w.runOn(words, room: area)
            }
            guard let first = words.first?.box else { continue }
            var text = ""
            for (i, w) in words.enumerated() {
                if i > 0 { text += w.line == words[i - 1].line ? " " : "\n" }
                text += w.text
            }
            let box = words.compactMap(\.box).reduce(first) { $0.union($1) }
            out[name] = [
                Candidate(
                    text: text, page: region.page, box: box, confidence: 1, ocr: false, quality: 1,
                    lines: Set(words.map(\.line)).count)
            ]
        }
        return out
    }

    /// One page of a text layer as values wrap on it: its lines top to bottom, and the
    /// template's fixed words to stop at.
    struct Wraps {
        let page: Page
        let alignment: LayoutFingerprint.Alignment
        let lines: [[TextSpan]]
        let fixed: [String: [LayoutFingerprint.Anchor]]

        init(_ page: Page, template: LearnedForm, alignment: LayoutFingerprint.Alignment) {
            (self.page, self.alignment) = (page, alignment)
            lines = Dictionary(grouping: page.words.filter { $0.box != nil }, by: \.line).values
                .sorted { $0[0].box!.y0 < $1[0].box!.y0 }
            fixed = Dictionary(grouping: template.fingerprint.anchors.filter { $0.page == page.index }, by: \.key)
        }

        static func centre(_ w: TextSpan) -> (x: Double, y: Double) {
            w.box.map { (($0.x0 + $0.x1) / 2, ($0.y0 + $0.y1) / 2) } ?? (0, 0)
        }

        /// Whether `w` is a fixed word of the template, where the template prints it.
        func isFixed(_ w: TextSpan) -> Bool {
            guard let same = fixed[TextNormalizer.matchKey(w.text)] else { return false }
            let c = Self.centre(w)
            let x = alignment.x(c.x / page.width), y = alignment.y(c.y / page.height)
            return same.contains { abs($0.x - x) <= fixedTolerance && abs($0.y - y) <= fixedTolerance }
        }

        /// Lines a value wraps on to, under `value` (its words in its region): each next
        /// line's words within the region's width, starting where the value starts (within a
        /// line's height), no further below than a line's height, none of them a fixed word of
        /// the template where the template prints it (a label under the box ends the value).
        /// At most `maxRunOn` lines.
        func runOn(_ value: [TextSpan], room: Box) -> [TextSpan] {
            guard var last = Box.union(of: value.compactMap(\.box)) else { return [] }
            let start = last.x0
            let height = value.compactMap(\.box).map(\.height).max() ?? 0
            let taken = Set(value.map(\.line))
            var out: [TextSpan] = []
            var count = 0
            for whole in lines where !taken.contains(whole[0].line) {
                let line = whole.filter { room.x0 <= Self.centre($0).x && Self.centre($0).x <= room.x1 }
                guard !line.isEmpty, Self.centre(line[0]).y > last.y1 else { continue }
                guard let box = Box.union(of: line.compactMap(\.box)), count < maxRunOn,
                    box.y0 - last.y1 <= height, abs(box.x0 - start) <= height, !line.contains(where: isFixed)
                else { break }
                out += line
                last = box
                count += 1
            }
            return out
        }
    }

    /// Lines a value may wrap on to under its region (text layer).
    static let maxRunOn = 8
    /// How near (fraction of the page) a word must stand to where the template prints the
    /// same word to be that fixed word.
    static let fixedTolerance = 0.01
}
