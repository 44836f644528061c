/// Lines as a reader sees them, rebuilt from word boxes across the whole page: the lines the
/// OCR engine or the PDF's text layer gave are kept whole, and lines that stand side by side —
/// vertical extents overlapping, middles agreeing, no word over another — become one, whatever
/// block they were put in. (Tesseract puts a label and a value far to its right in different
/// blocks; a PDF producer may emit them as separate runs.)
enum VisualLines {
    /// The words of one page as lines, top to bottom, each left to right. Words without a box
    /// keep the lines their reader gave them (and come after the others).
    static func group(_ words: [TextSpan]) -> [[TextSpan]] {
        // The reader's lines, in reading order.
        var units: [[TextSpan]] = []
        var index: [Int: Int] = [:]
        var unboxed: [[TextSpan]] = []
        var unboxedIndex: [Int: Int] = [:]
        for w in words {
            if w.box == nil {
                if let i = unboxedIndex[w.line] { unboxed[i].append(w) } else {
                    unboxedIndex[w.line] = unboxed.count
                    unboxed.append([w])
                }
            } else if let i = index[w.line] {
                units[i].append(w)
            } else {
                index[w.line] = units.count
                units.append([w])
            }
        }
        // A reader's line whose words do not share a height is several lines (poppler can
        // put two rows of a column layout in one): cut it where a word leaves its
        // neighbour's band.
        units = units.flatMap(split)
        var bands = units.map(Band.init).sorted { $0.top < $1.top }
        // Merge each band into the best earlier band it sits beside (tallest bands first, so a
        // line's band is set by its largest print and small print joins it).
        let order = bands.indices.sorted { bands[$0].height > bands[$1].height }
        var mergedInto = [Int?](repeating: nil, count: bands.count)
        let tallest = bands.map(\.height).max() ?? 0
        for i in order where mergedInto[i] == nil && !bands[i].isSpeck {
            var best: (index: Int, score: Double)? = nil
            // Only bands whose top lies within the tallest height above this one's middle can take it.
            let middle = bands[i].middle
            var lo = 0, hi = bands.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if bands[mid].top <= middle { lo = mid + 1 } else { hi = mid }
            }
            var k = lo - 1
            while k >= 0, bands[k].top >= middle - tallest {
                defer { k -= 1 }
                guard k != i, mergedInto[k] == nil, bands[k].height >= bands[i].height,
                      let score = bands[k].fit(bands[i]) else { continue }
                if best == nil || score > best!.score { best = (k, score) }
            }
            if let best {
                bands[best.index].absorb(bands[i])
                mergedInto[i] = best.index
            }
        }
        var out = bands.indices.filter { mergedInto[$0] == nil }.map { bands[$0] }
            .sorted { $0.top != $1.top ? $0.top < $1.top : $0.left < $1.left }
            .map { $0.words.sorted { $0.box!.x0 < $1.box!.x0 } }
        out += unboxed
        return out
    }

    /// `words` (one reader line, in its order) cut where a word's vertical extent overlaps
    /// its predecessor's by less than half the smaller height.
    static func split(_ words: [TextSpan]) -> [[TextSpan]] {
        var pieces: [[TextSpan]] = []
        for w in words {
            if let last = pieces.last?.last, let a = last.box, let b = w.box {
                let overlap = min(a.y1, b.y1) - max(a.y0, b.y0)
                if overlap >= 0.5 * min(a.height, b.height) {
                    pieces[pieces.count - 1].append(w)
                    continue
                }
            }
            pieces.append([w])
        }
        return pieces
    }

    /// A line being built: its words, the vertical band its words share (median top and
    /// bottom, so one skewed or glitched box does not stretch it) and the horizontal ranges
    /// it covers.
    struct Band {
        var words: [TextSpan]
        var top: Double
        var bottom: Double
        var spans: [(x0: Double, x1: Double)]

        init(_ words: [TextSpan]) {
            self.words = words
            let tops = words.map { $0.box!.y0 }.sorted(), bottoms = words.map { $0.box!.y1 }.sorted()
            top = tops[tops.count / 2]
            bottom = max(bottoms[bottoms.count / 2], top + 0.5)
            let boxes = words.map { $0.box! }
            spans = [(boxes.map(\.x0).min()!, boxes.map(\.x1).max()!)]
        }

        var height: Double { bottom - top }

        /// One or two characters the OCR engine was unsure of, on a line of their own: a speck
        /// more likely than a value, so it is not moved onto a label's line.
        var isSpeck: Bool {
            words.count == 1 && words[0].text.count <= 2 && (words[0].confidence ?? 1) < 0.8
        }
        var middle: Double { (top + bottom) / 2 }
        var left: Double { spans.map(\.x0).min() ?? 0 }

        /// How well `other` sits on this line (higher is better), or nil when it does not:
        /// middles within a third of the smaller height, overlapping by 60 % of it, and beside
        /// what this line holds, not over it. (Strict: a page left slightly skewed shifts a far
        /// column by half a line, and a label must not meet the next column's value below.)
        func fit(_ other: Band) -> Double? {
            let h = min(height, other.height)
            // A mark under half the line's height (a speck, a rule's end) is not its text.
            guard other.height >= 0.5 * height, abs(other.middle - middle) <= 0.35 * h else { return nil }
            let overlap = min(bottom, other.bottom) - max(top, other.top)
            guard overlap >= 0.6 * h else { return nil }
            for a in spans {
                for b in other.spans {
                    let shared = min(a.x1, b.x1) - max(a.x0, b.x0)
                    if shared > 0.2 * min(a.x1 - a.x0, b.x1 - b.x0) { return nil }
                }
            }
            return overlap / height - abs(other.middle - middle) / height
        }

        mutating func absorb(_ other: Band) {
            words += other.words
            spans += other.spans
        }
    }
}
