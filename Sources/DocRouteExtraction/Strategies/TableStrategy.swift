import DocRouteModel
import Foundation

/// The **table** strategy: the document as key/value pairs. A field's value is the cell right
/// of (or below) a cell holding one of its labels, in native DOCX/XLSX tables; and in PDF and
/// OCR pages, the words after `Label:` on its line, in the next column, or below the label.
struct TableStrategy: ExtractionStrategy {
    let name = StrategyName.table

    func candidates(for fields: [FieldSpec], in context: ExtractionContext) -> CandidateSet {
        // Every field's labels mark where values end, even for fields already filled.
        let matcher = context.labels
        let wanted = Set(fields.map(\.name))
        var out: [String: [Ranked]] = [:]
        var order = 0
        // The label printing a candidate comes from (tables' cells, then lines, top to bottom),
        // and the fields whose section it is printed in.
        var occurrence = 0
        var section: Set<String> = []
        // How specific the label is (its length): "Invoice date" before "Date" among equals.
        var specific = 0
        // How often each field's label is printed (a label printed again and again, `Date`
        // in every signature block, is weaker evidence).
        var printed: [String: Int] = [:]
        for line in context.matches { for m in line { printed[m.field, default: 0] += 1 } }
        func add(_ field: String, _ c: Candidate) {
            guard wanted.contains(field), !c.text.trimmingCharacters(in: .whitespaces).isEmpty else { return }
            var c = c
            c.labelCount = max(printed[field] ?? 0, 1)
            if section.contains(field), let place = c.place { c.place = "section_" + place }
            out[field, default: []].append(
                Ranked(
                    candidate: c, order: order, occurrence: occurrence,
                    inSection: section.contains(field), specificity: specific))
            order += 1
        }
        let sections = SectionMap(layout: context.layout, fields: fields)
        for table in context.document.tables {
            nativePairs(
                table, matcher: matcher,
                add: {
                    occurrence += 1; add($0, $1)
                })
        }
        let types = Dictionary(fields.map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })
        layoutPairs(
            context.layout, matches: context.matches, types: types, add: add,
            next: { line, page, x, length in
                occurrence += 1
                specific = length
                section = sections.fields(governing: line, page: page, x: x) ?? []
            })
        // Best first; among equals, the first found (tables before lines, top before bottom).
        // A field that names its occurrence takes its label's first, last or largest printing first.
        let occurrences = Dictionary(fields.map { ($0.name, $0.occurrence) }, uniquingKeysWith: { a, _ in a })
        // `largest`: the printing with the largest amount first (unreadable ones last); an
        // amount a printed rounding down (`Rounding -0.01`) turns into another printing is
        // that one's before rounding, and comes after it.
        let numbers = NumberNormalizer()
        func read(_ text: String) -> Decimal? {
            guard case .success(let (v, _)) = numbers.normalize(text, allowCurrency: true) else { return nil }
            return v
        }
        // Read only for a pipeline that asks for `largest`: every other document skips the walk.
        let down =
            fields.contains { $0.occurrence == .largest }
            ? Set(
                context.layout.lines.flatMap(\.words).filter { $0.text.hasPrefix("-") || $0.text.hasPrefix("−") }
                    .compactMap { read($0.text) }.filter { $0 < 0 && $0 >= -Self.maxRounding })
            : []
        var result: CandidateSet = [:]
        for (field, list) in out {
            let printed = Set(list.compactMap { read($0.candidate.text) })
            func amount(_ r: Ranked) -> Decimal? {
                guard let v = read(r.candidate.text) else { return nil }
                if let d = down.first(where: { printed.contains(v + $0) }) { return v + d - Decimal(string: "0.0001")! }
                return v
            }
            let sorted = list.sorted { a, b in
                // In the field's section first (a field without one has none in it).
                if a.inSection != b.inSection { return a.inSection }
                switch occurrences[field] ?? nil {
                case .first? where a.occurrence != b.occurrence: return a.occurrence < b.occurrence
                case .last? where a.occurrence != b.occurrence: return a.occurrence > b.occurrence
                case .largest? where amount(a) != amount(b):
                    guard let x = amount(a) else { return false }
                    guard let y = amount(b) else { return true }
                    return x > y
                default:
                    if a.candidate.confidence != b.candidate.confidence {
                        return a.candidate.confidence > b.candidate.confidence
                    }
                    return a.specificity != b.specificity ? a.specificity > b.specificity : a.order < b.order
                }
            }
            result[field] = sorted.map(\.candidate)
        }
        return result
    }

    /// The largest cash rounding a receipt prints between its totals (`Rounding 0.05`).
    static let maxRounding = Decimal(string: "0.05")!

    /// A candidate with what ranks it: the order it was found in, the label printing it came
    /// from, whether that printing is in the field's section, and the label's length.
    struct Ranked {
        var candidate: Candidate
        var order: Int
        var occurrence: Int
        var inSection: Bool
        var specificity: Int
    }

    // MARK: native tables

    func nativePairs(_ table: Table, matcher: LabelMatcher, add: (String, Candidate) -> Void) {
        let grid = TableGrid(table)
        for cell in table.cells where cell.kind == nil || cell.kind == .text {
            guard let (field, quality) = matcher.matchWhole(cell.text) else { continue }
            let length = TextNormalizer.matchKey(cell.text).count
            // Right: the next non-empty cell of the row, unless it is another label.
            var column = cell.column + cell.columnSpan
            while column < table.columnCount, let next = grid.cell(covering: cell.row, column) {
                if next.text.trimmingCharacters(in: .whitespaces).isEmpty {
                    column = next.column + next.columnSpan; continue
                }
                if matcher.matchWhole(next.text) == nil {
                    add(
                        field,
                        Candidate(text: next.text, page: table.page, box: next.box, confidence: quality).at(
                            "cell_right"
                        )
                        .labelled(quality, length: length))
                }
                break
            }
            // Below: the cell under the label, unless it is another label.
            if let below = grid.cell(covering: cell.row + cell.rowSpan, cell.column),
                !below.text.trimmingCharacters(in: .whitespaces).isEmpty, matcher.matchWhole(below.text) == nil
            {
                add(
                    field,
                    Candidate(text: below.text, page: table.page, box: below.box, confidence: quality * 0.95).at(
                        "cell_below"
                    )
                    .labelled(quality, length: length))
            }
        }
    }

    // MARK: lines of words

    /// Segments after a label's own that may hold its value (`Label [gap] value [gap] more`).
    static let followingSegments = 3

    func layoutPairs(
        _ layout: TextLayout, matches: [[LabelMatcher.Match]], types: [String: FieldType] = [:],
        add found: (String, Candidate) -> Void,
        next: (_ line: Int, _ page: Int, _ x: Double, _ length: Int) -> Void = { _, _, _, _ in }
    ) {
        let lines = layout.lines
        // A totals row: a line that starts with a money field's label.
        let isTotal = { (t: LabelMatcher.Match) in t.start == 0 && types[t.field] == .money }
        for (li, line) in lines.enumerated() {
            let ms = matches[li]
            // A header row: three segments or more, two thirds of them starting with a label
            // (`Klant | Order | Factuur datum | Factuur | Vervaldatum`). What stands beside a
            // label there is another heading, not its value: weak evidence.
            let segments = line.segments
            let labelled = segments.filter { r in ms.contains { $0.start == r.lowerBound } }.count
            let headerRow = segments.count >= 3 && labelled * 3 >= segments.count * 2
            for (k, m) in ms.enumerated() {
                next(li, line.page, line.words[m.start].box?.x0 ?? 0, m.length)
                let inText = !(line.isSegmentStart(m.start) || m.colon)
                func add(_ field: String, _ c: Candidate) {
                    found(field, c.labelled(m.quality, length: m.length, inText: inText))
                }
                // The next label after this one (another field's match of the same words is not).
                let nextStart = ms[(k + 1)...].first { $0.start >= m.end }?.start ?? line.words.count
                let segmentEnd = line.segmentEnd(containing: m.end - 1)
                // `Label: value` (or `Label value`) within the label's own segment.
                let inlineEnd = min(nextStart, segmentEnd)
                if m.end < inlineEnd {
                    let rest = Array(line.words[m.end..<inlineEnd])
                    if types[m.field] == .address,
                        let more = continued(WordRun(words: rest, page: line.page), lines: lines, matches: matches)
                    {
                        add(m.field, more.candidate(quality: m.quality).at("multi_line"))
                    }
                    add(m.field, Candidate(WordRun(words: rest, page: line.page), quality: m.quality).at("same_line"))
                    // The label's own words before a colon (`Total incl. of GST : 8.40`): what
                    // follows it, when those are a few words without digits (not a value of
                    // the label's own, `AAACW8725FSD001 Phone: …`).
                    if let colon = rest.dropLast().firstIndex(where: { $0.text.hasSuffix(":") }), colon <= 3,
                        rest[..<colon].allSatisfy({ !$0.text.contains(where: \.isNumber) })
                    {
                        add(
                            m.field,
                            Candidate(
                                WordRun(words: Array(rest[(colon + 1)...]), page: line.page), quality: m.quality * 0.98
                            )
                            .at("same_line"))
                    }
                    // An identifier glued to more words ("n°562044387 du 02 Juillet 2015"): its first token.
                    if types[m.field] == .identifier, rest.count > 1 {
                        add(
                            m.field,
                            Candidate(WordRun(words: [rest[0]], page: line.page), quality: m.quality * 0.98).at(
                                "same_line"))
                    }
                }
                // The next segments of the same line, up to the next label: the value printed
                // in a column of its own (`Total amount due on 3 August [gap] $4.11`).
                // In a row of figures with cents, a whole number is a count, not an amount
                // (`Total | 1 | 278.61 | 40.39 | 319.00`).
                let cents = types[m.field] == .money && line.words[segmentEnd...].contains { Self.isFigure($0.text) }
                var start = segmentEnd, factor = headerRow ? 0.5 : 0.97
                for _ in 0..<Self.followingSegments {
                    guard start < nextStart, start < line.words.count else { break }
                    let end = min(nextStart, line.segmentEnd(containing: start))
                    let words = Array(line.words[start..<end])
                    let count = cents && words.count == 1 && words[0].text.allSatisfy(\.isNumber)
                    add(
                        m.field,
                        Candidate(
                            WordRun(words: words, page: line.page), quality: m.quality * factor * (count ? 0.8 : 1)
                        ).at("next_column"))
                    start = end
                    factor *= 0.97
                }
                if let (below, place) = valueBelow(
                    label: m, index: k, lineIndex: li, lines: lines, matches: matches, isTotal: isTotal)
                {
                    if types[m.field] == .address, let more = continued(below, lines: lines, matches: matches) {
                        add(m.field, more.candidate(quality: m.quality * 0.95).at("multi_line"))
                    }
                    add(m.field, Candidate(below, quality: m.quality * 0.95).at(place))
                }
            }
        }
    }

    /// A value of several lines: `first` and the lines under it that continue it — starting
    /// where it starts (within a word height), each within a line's height of the one above,
    /// holding no label — up to 6 lines; nil when no line continues it.
    func continued(_ first: WordRun, lines: [TextLayout.Line], matches: [[LabelMatcher.Match]]) -> MultiLine? {
        guard let box = first.box, let last = first.words.last, last.line < lines.count else { return nil }
        let h = max(box.height, 1)
        var runs = [first]
        var bottom = box.y1
        var j = last.line + 1
        while j < lines.count, runs.count < 6 {
            let next = lines[j]
            guard next.page == first.page, let nb = next.box, nb.y0 - bottom <= 1.0 * h else { break }
            // The words of the line that start under the value, one segment of them.
            guard let start = next.words.firstIndex(where: { w in w.box.map { abs($0.x0 - box.x0) <= h } ?? false })
            else {
                j += 1
                if nb.y0 > bottom { break } else { continue }
            }
            // It must begin its column: words before it in its segment make it another row
            // (`Payment terms: 30 days` under `Delivery address: Hafenstrasse 12`).
            guard next.isSegmentStart(start) else { break }
            let end = next.segmentEnd(containing: start)
            let taken = Set(matches[j].flatMap { $0.start..<$0.end })
            guard !(start..<end).contains(where: taken.contains) else { break }
            let run = WordRun(words: Array(next.words[start..<end]), page: next.page)
            runs.append(run)
            bottom = max(bottom, run.box?.y1 ?? bottom)
            j += 1
        }
        return runs.count > 1 ? MultiLine(runs: runs) : nil
    }

    /// A value printed over several lines, kept line by line.
    struct MultiLine {
        var runs: [WordRun]

        func candidate(quality: Double) -> Candidate {
            let all = WordRun(words: runs.flatMap(\.words), page: runs[0].page)
            var c = Candidate(all, quality: quality)
            c.text = runs.map(\.text).joined(separator: "\n")
            c.lines = runs.count
            return c
        }
    }

    /// The words under a label (`below`): in the closest line below, within the label's column
    /// (from the label's left edge to the next column's start on the label's line). A label
    /// heading a column of figures (another figure or a totals row below the first) names each
    /// row's figure, not one value: its value is the column's total (`total_row`: see
    /// `column(below:…)`), else none.
    func valueBelow(
        label m: LabelMatcher.Match, index k: Int, lineIndex li: Int, lines: [TextLayout.Line],
        matches: [[LabelMatcher.Match]],
        isTotal: (LabelMatcher.Match) -> Bool = { _ in false }
    ) -> (run: WordRun, place: String)? {
        let line = lines[li]
        guard li + 1 < lines.count else { return nil }
        let labelWords = line.words[m.start..<m.end]
        guard let labelBox = WordRun(words: Array(labelWords), page: line.page).box else {
            // No geometry: a label alone on its line takes the whole next line.
            guard m.start == 0, m.end == line.words.count else { return nil }
            let next = lines[li + 1]
            guard next.page == line.page, matches[li + 1].isEmpty else { return nil }
            return (WordRun(words: next.words, page: next.page), "below")
        }
        let h = max(line.height, 1)
        // The column ends where the next segment of the label's line starts.
        let segmentEnd = line.segmentEnd(containing: m.end - 1)
        let columnEnd = segmentEnd < line.words.count ? line.words[segmentEnd].box!.x0 : Double.infinity
        let columnStart = labelBox.x0 - h
        func inColumn(_ b: Box) -> Bool { (b.x0 + b.x1) / 2 >= columnStart && (b.x0 + b.x1) / 2 < columnEnd }
        // The label's bottom: its words' middle one (one word's box may reach into the line below).
        let bottoms = labelWords.compactMap { $0.box?.y1 }.sorted()
        let labelBottom = bottoms.isEmpty ? labelBox.y1 : bottoms[bottoms.count / 2]
        // A label alone in its cell under words set tight above it ends a header wrapped over
        // lines (`Ohne` / `MwSt.`): the cell's words together say something else.
        if line.isSegmentStart(m.start), segmentEnd == m.end, li > 0, lines[li - 1].page == line.page,
            lines[li - 1].words.contains(where: { w in
                w.box.map {
                    $0.x1 > labelBox.x0 && $0.x0 < labelBox.x1 && labelBox.y0 - $0.y1 < 0.5 * h
                        && $0.y1 <= labelBox.y0 + 0.3 * h
                } ?? false
            })
        {
            return nil
        }
        for j in (li + 1)..<lines.count {
            let next = lines[j]
            guard next.page == line.page, let nb = next.box else { break }
            // Judged by the line's words in the column (on a skewed page a line's box spans
            // its slope): a line beside, not below, is passed over; one too far down ends it.
            let top = next.words.compactMap(\.box).filter(inColumn).map(\.y0).min() ?? nb.y0
            if top < labelBottom - h * 0.3 { continue }
            if top - labelBottom > 2.5 * h { break }
            let taken = Set(matches[j].flatMap { $0.start..<$0.end })
            var picked: [TextSpan] = []
            var hitLabel = false
            var segmentEnd: Int? = nil
            for (wi, w) in next.words.enumerated() {
                guard let b = w.box, inColumn(b) else { continue }
                // A label alone on its line: what starts right of it is another column's.
                if segmentEnd == nil, columnEnd == .infinity, b.x0 > labelBox.x1 + h { continue }
                // One segment of the line below: the value, not what stands in the next column.
                if let end = segmentEnd, wi >= end { break }
                if taken.contains(wi) { hitLabel = true; break }
                if segmentEnd == nil { segmentEnd = next.segmentEnd(containing: wi) }
                picked.append(w)
            }
            if hitLabel { return nil }
            if !picked.isEmpty {
                let run = WordRun(words: picked, page: next.page)
                guard picked.contains(where: { Self.isFigure($0.text) }) else { return (run, "below") }
                // The column below is the figure's own (figures align on an edge).
                let figure = picked.first { Self.isFigure($0.text) }!
                let column = Self.column(
                    below: j, first: figure, lines: lines, matches: matches, from: figure.box!.x0 - h,
                    to: figure.box!.x1 + h, height: h, isTotal: isTotal)
                if column.figures == 0 && column.total == nil { return (run, "below") }
                return column.total.map { ($0, "total_row") }
            }
        }
        return nil
    }

    /// Below line `j` in the column from `from` to `to` (within 15 line heights, up to a label
    /// in the column), the figures lying within it, one per line: how many, and the column's
    /// total — the figure in the first line starting with a totals label (`isTotal`), else a
    /// last figure that is the sum of the ones above it and `first` (to the cent).
    static func column(
        below j: Int, first: TextSpan, lines: [TextLayout.Line], matches: [[LabelMatcher.Match]],
        from: Double, to: Double, height h: Double,
        isTotal: (LabelMatcher.Match) -> Bool
    ) -> (figures: Int, total: WordRun?) {
        guard let top = lines[j].box else { return (0, nil) }
        var figures: [TextSpan] = []
        scan: for k in (j + 1)..<lines.count {
            let line = lines[k]
            guard line.page == lines[j].page, let b = line.box, b.y0 - top.y1 <= 15 * h else { break }
            let taken = Set(matches[k].flatMap { $0.start..<$0.end })
            let total = matches[k].contains(where: isTotal)
            for (wi, w) in line.words.enumerated() {
                guard let wb = w.box, wb.x0 >= from, wb.x1 <= to else { continue }
                if taken.contains(wi) { break scan }
                if isFigure(w.text) {
                    if total { return (figures.count + 1, WordRun(words: [w], page: line.page)) }
                    figures.append(w)
                    break
                }
            }
        }
        guard let last = figures.last, let sum = figureCents(last.text) else { return (figures.count, nil) }
        let parts = ([first] + figures.dropLast()).compactMap { figureCents($0.text) }
        let adds = parts.count == figures.count && parts.reduce(0, +) == sum
        return (figures.count, adds ? WordRun(words: [last], page: lines[j].page) : nil)
    }

    /// A figure (`isFigure`) in cents: `1.234,50` → 123450.
    static func figureCents(_ text: String) -> Int? {
        Int(String(text.filter(\.isNumber)))
    }

    /// A number with decimals, as amounts print: `3,89`, `1.234,50`, `$12.00`.
    static func isFigure(_ text: String) -> Bool {
        func part(_ c: Character) -> Bool { c.isASCII && (c.isNumber || c == "." || c == ",") }
        let a = Array(text.drop { !$0.isNumber }.reversed().drop { !$0.isNumber }.reversed())
        guard a.count >= 3, a.allSatisfy(part) else { return false }
        return a[a.count - 3] == "." || a[a.count - 3] == ","
    }
}

/// Cell lookup by position, spans included. Merged cells are indexed position by position only
/// within a budget of a few entries per cell; merges beyond it (one can cover a whole sheet:
/// 17 billion positions) are kept as ranges and searched.
struct TableGrid {
    let table: Table
    private var index: [Int64: Int] = [:]
    /// Merged cells too large for the index.
    private var spanning: [Int] = []

    init(_ table: Table) {
        self.table = table
        let columns = max(table.columnCount, 1)
        for (i, c) in table.cells.enumerated() { index[Self.key(c.row, c.column)] = i }
        var budget = max(100_000, 4 * table.cells.count)
        for (i, c) in table.cells.enumerated() where c.rowSpan > 1 || c.columnSpan > 1 {
            let width = min(c.column + max(c.columnSpan, 1), columns) - c.column
            let area = max(c.rowSpan, 1) * max(width, 0)
            guard area <= budget else { spanning.append(i); continue }
            budget -= area
            for r in c.row..<(c.row + max(c.rowSpan, 1)) {
                for col in c.column..<(c.column + width) where index[Self.key(r, col)] == nil {
                    index[Self.key(r, col)] = i
                }
            }
        }
    }

    static func key(_ row: Int, _ column: Int) -> Int64 { Int64(row) << 32 | Int64(column) }

    func cell(covering row: Int, _ column: Int) -> Cell? {
        guard row >= 0, column >= 0, column < max(table.columnCount, 1) else { return nil }
        if let i = index[Self.key(row, column)] { return table.cells[i] }
        for i in spanning {
            let c = table.cells[i]
            if row >= c.row, row < c.row + max(c.rowSpan, 1), column >= c.column,
                column < c.column + max(c.columnSpan, 1)
            {
                return c
            }
        }
        return nil
    }
}

extension Table {
    /// The rows that hold cells, in order, each with its cells by column: what loops over a
    /// table walk, so that a sheet whose merge claims a million rows costs what its cells do.
    var rowsWithCells: [(row: Int, cells: [Cell])] {
        Dictionary(grouping: cells, by: \.row).map { ($0.key, $0.value.sorted { $0.column < $1.column }) }.sorted {
            $0.row < $1.row
        }
    }
}
