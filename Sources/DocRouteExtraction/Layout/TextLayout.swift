import DocRouteModel

/// A document's words as visual lines (`VisualLines`: rebuilt from word boxes, across the OCR
/// engine's blocks), and each line cut into segments where a wide horizontal gap separates
/// columns. Built once per document and shared by the strategies.
struct TextLayout: Sendable {
    /// One line of words on a page.
    struct Line: Sendable {
        var page: Int
        var words: [TextSpan]
        /// Start index (into `words`) of each segment; the first is 0.
        var segmentStarts: [Int]
        /// Union of the word boxes; nil without geometry.
        var box: Box?
        /// Median word height (0 without geometry).
        var height: Double

        /// The end (exclusive) of the segment that contains word `i`.
        func segmentEnd(containing i: Int) -> Int {
            segmentStarts.first { $0 > i } ?? words.count
        }

        func isSegmentStart(_ i: Int) -> Bool { segmentStarts.contains(i) }

        /// The word ranges of the line's segments, left to right.
        var segments: [Range<Int>] { segmentStarts.map { $0..<segmentEnd(containing: $0) } }

        /// The word ranges left where the gap between two words is wider than `gap` line
        /// heights, left to right; the whole line when a word has no box. (Table cells are cut
        /// closer than the layout's `columnGap`: cells of numbers stand closer than text columns.)
        func runs(splitAt gap: Double) -> [Range<Int>] {
            let boxes = words.compactMap(\.box)
            guard boxes.count == words.count, !boxes.isEmpty else { return [0..<words.count] }
            var starts = [0]
            for i in 1..<boxes.count where boxes[i].x0 - boxes[i - 1].x1 > gap * max(height, 1) {
                starts.append(i)
            }
            return starts.indices.map { k in starts[k]..<(k + 1 < starts.count ? starts[k + 1] : boxes.count) }
        }
    }

    var lines: [Line]

    /// A gap wider than this many word heights separates two columns.
    static let columnGap = 1.5

    init(_ document: Document) {
        var lines: [Line] = []
        for page in document.pages {
            let words = page.words.filter { !$0.text.isEmpty && !Self.isNoise($0) }
            for group in VisualLines.group(words) {
                // Each word's `line` becomes its visual line's number, so a value counts the
                // lines it really spans.
                let number = lines.count
                lines.append(
                    Self.line(
                        page: page.index,
                        words: group.map { w in
                            var w = w
                            w.line = number
                            return w
                        }))
            }
        }
        self.lines = lines
    }

    /// OCR's guesses at specks and picture edges: one or two characters with low confidence.
    /// (Longer words are kept even when unsure: a misread value is still the value's place.)
    static func isNoise(_ w: TextSpan) -> Bool {
        guard let c = w.confidence else { return false }
        return c < 0.4 && w.text.count <= 2
    }

    static func line(page: Int, words: [TextSpan]) -> Line {
        let boxes = words.compactMap(\.box)
        guard boxes.count == words.count, !boxes.isEmpty else {
            return Line(page: page, words: words, segmentStarts: [0], box: nil, height: 0)
        }
        let heights = boxes.map { $0.y1 - $0.y0 }.sorted()
        let height = heights[heights.count / 2]
        var starts = [0]
        for i in 1..<max(words.count, 1) where boxes[i].x0 - boxes[i - 1].x1 > columnGap * max(height, 1) {
            starts.append(i)
        }
        let union = boxes.dropFirst().reduce(boxes[0]) { $0.union($1) }
        return Line(page: page, words: words, segmentStarts: starts, box: union, height: height)
    }
}

/// Words copied from a page as one value: their text joined by single spaces, where they
/// stand, and how sure OCR was of them.
struct WordRun {
    var words: [TextSpan]
    var page: Int

    var text: String { words.map(\.text).joined(separator: " ") }

    var box: Box? {
        let boxes = words.compactMap(\.box)
        guard boxes.count == words.count, let first = boxes.first else { return nil }
        return boxes.dropFirst().reduce(first) { $0.union($1) }
    }

    /// Mean OCR confidence; 1 for text that was not recognised.
    var confidence: Double {
        let cs = words.compactMap(\.confidence)
        return cs.isEmpty ? 1 : cs.reduce(0, +) / Double(cs.count)
    }
}
