import DocRouteModel

/// Lines as a reader sees them, rebuilt from word boxes across the whole page: the lines the
/// OCR engine or the PDF's text layer gave are kept whole, and lines that stand side by side —
/// vertical extents overlapping, middles agreeing, no word over another — become one, whatever
/// block they were put in. (Tesseract puts a label and a value far to its right in different
/// blocks; a PDF producer may emit them as separate runs.)
enum VisualLines {
    /// The words of one page as lines, top to bottom, each left to right, without marks far
    /// smaller than their line's print (a speck OCR read as "ie") unless `specks` keeps them (a
    /// machine-readable zone's filler is small print). Words without a box keep the lines their
    /// reader gave them (and come after the others).
    static func group(_ words: [TextSpan], specks: Bool = false) -> [[TextSpan]] {
        // The reader's lines, in reading order. A reader's line whose words do not share a
        // height is several lines (poppler can put two rows of a column layout in one): cut it
        // where a word leaves its neighbour's band.
        let units = readerLines(words.filter { $0.box != nil }).flatMap(split)
        let unboxed = readerLines(words.filter { $0.box == nil })
        // A page left slightly skewed shifts a far column by a good part of a line: bands are
        // compared along the slope the reader's own lines show.
        let slope = Self.slope(of: units)
        var bands = units.map(Band.init).sorted { $0.top < $1.top }
        for i in bands.indices { bands[i].level = bands[i].top - slope * bands[i].centre }
        // Merge each band into the best earlier band it sits beside (tallest bands first, so a
        // line's band is set by its largest print and small print joins it).
        let order = bands.indices.sorted { bands[$0].height > bands[$1].height }
        var mergedInto = [Int?](repeating: nil, count: bands.count)
        let tallest = bands.map(\.height).max() ?? 0
        // How far apart (vertically) two bands of one line can start: a line's height, plus
        // what the skew moves across the page.
        let reach = tallest + abs(slope) * (bands.map(\.right).max() ?? 0)
        for i in order where mergedInto[i] == nil && !bands[i].isSpeck {
            var best: (index: Int, score: Double)? = nil
            let middle = bands[i].middle
            // The first band starting below `middle + reach`; candidates lie before it.
            var lo = 0, hi = bands.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if bands[mid].top <= middle + reach { lo = mid + 1 } else { hi = mid }
            }
            var k = lo - 1
            while k >= 0, bands[k].top >= middle - reach {
                defer { k -= 1 }
                guard k != i, mergedInto[k] == nil, bands[k].height >= bands[i].height,
                    let score = bands[k].fit(bands[i], slope: slope)
                else { continue }
                if best == nil || score > best!.score { best = (k, score) }
            }
            if let best {
                bands[best.index].absorb(bands[i])
                mergedInto[i] = best.index
            }
        }
        let lines = bands.indices.filter { mergedInto[$0] == nil }.map { bands[$0] }
            .sorted { $0.level != $1.level ? $0.level < $1.level : $0.left < $1.left }
            .map { band in
                let line = band.words.sorted { $0.box!.x0 < $1.box!.x0 }
                return specks ? line : withoutSpecks(line)
            }
        return lines + unboxed
    }

    /// `line` without words under 30 % of its median word height.
    static func withoutSpecks(_ line: [TextSpan]) -> [TextSpan] {
        guard line.count > 1 else { return line }
        let heights = line.map { $0.box!.height }.sorted()
        let median = heights[heights.count / 2]
        return line.filter { $0.box!.height >= 0.3 * median }
    }

    /// `words` grouped by the line their reader gave them, lines in order of their first word.
    static func readerLines(_ words: [TextSpan]) -> [[TextSpan]] {
        var lines: [[TextSpan]] = []
        var index: [Int: Int] = [:]
        for w in words {
            if let i = index[w.line] {
                lines[i].append(w)
            } else {
                index[w.line] = lines.count
                lines.append([w])
            }
        }
        return lines
    }

    /// The page's skew as the median slope (dy/dx) of the reader's lines that are long enough
    /// to show one (at least 3 units wide for 2 of their words); 0 with fewer than 3 such
    /// lines; at most 0.1 (about 6°) either way.
    static func slope(of units: [[TextSpan]]) -> Double {
        var slopes: [Double] = []
        for unit in units where unit.count >= 2 {
            let boxes = unit.compactMap(\.box).sorted { $0.x0 < $1.x0 }
            guard let a = boxes.first, let b = boxes.last else { continue }
            let dx = (b.x0 + b.x1) / 2 - (a.x0 + a.x1) / 2
            guard dx > 3 * max(a.height, b.height) else { continue }
            slopes.append(((b.y0 + b.y1) / 2 - (a.y0 + a.y1) / 2) / dx)
        }
        guard slopes.count >= 3 else { return 0 }
        slopes.sort()
        return max(-0.1, min(0.1, slopes[slopes.count / 2]))
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
            // Of two middle values, the outer ones: a word without ascenders (`names`) does not
            // shrink its line to its x-height.
            top = tops[(tops.count - 1) / 2]
            bottom = max(bottoms[bottoms.count / 2], top + 0.5)
            let boxes = words.map { $0.box! }
            spans = [(boxes.map(\.x0).min()!, boxes.map(\.x1).max()!)]
            centre = (spans[0].x0 + spans[0].x1) / 2
        }

        var height: Double { bottom - top }

        /// One or two characters the OCR engine was unsure of, on a line of their own: a speck
        /// more likely than a value, so it is not moved onto a label's line.
        var isSpeck: Bool {
            words.count == 1 && words[0].text.count <= 2 && (words[0].confidence ?? 1) < 0.8
        }
        var middle: Double { (top + bottom) / 2 }
        var left: Double { spans.map(\.x0).min() ?? 0 }
        var right: Double { spans.map(\.x1).max() ?? 0 }
        /// The middle of its first (tallest) reader line, across: where the skew is measured from.
        let centre: Double
        /// Where its highest part would start were the page straight: lines are in this order
        /// (a line set by a lower, larger print in a far column does not pass the row above it).
        var level = 0.0

        /// How well `other` sits on this line (higher is better), or nil when it does not:
        /// middles within a third of the smaller height, overlapping by 60 % of it, and beside
        /// what this line holds, not over it. (Strict: a page left slightly skewed shifts a far
        /// column by half a line, and a label must not meet the next column's value below.)
        func fit(_ other: Band, slope: Double = 0) -> Double? {
            let h = min(height, other.height)
            // Where `other` would stand were the page straight, beside this band.
            let shift = slope * (other.centre - centre)
            let otherTop = other.top - shift, otherBottom = other.bottom - shift, otherMiddle = other.middle - shift
            // A mark under half the line's height (a speck, a rule's end) is not its text.
            guard other.height >= 0.5 * height, abs(otherMiddle - middle) <= 0.35 * h else { return nil }
            let overlap = min(bottom, otherBottom) - max(top, otherTop)
            guard overlap >= 0.6 * h else { return nil }
            for a in spans {
                for b in other.spans {
                    let shared = min(a.x1, b.x1) - max(a.x0, b.x0)
                    if shared > 0.2 * min(a.x1 - a.x0, b.x1 - b.x0) { return nil }
                }
            }
            return overlap / height - abs(otherMiddle - middle) / height
        }

        mutating func absorb(_ other: Band) {
            words += other.words
            spans += other.spans
            level = min(level, other.level)
        }
    }
}
