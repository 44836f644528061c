import DocRouteModel
import Foundation

/// Reads the rows of a table field (an invoice's line items) from a document.
///
/// The header is the line whose texts name most of the field's columns (two at least, one of
/// them a number or money column). Each piece of text under it goes to the column whose header
/// it stands under; a line holding a number where the table has numbers is a row, a line of
/// text only continues the row above (a wrapped description). Totals, subtotals and lines
/// carried forward are left out and said so, and so are headings and notes between rows. The
/// same header printed again on a later page continues the table; without it, rows at the top
/// of the next page continue a table that reached its page's foot. Native tables (DOCX, XLSX)
/// are read the same way, a table row a line.
struct LineItemReader {
    /// A run of words on a line, read as one cell.
    struct Segment {
        var words: [(text: String, x0: Double, x1: Double)]
        var box: Box?
        var confidence: Double
        var x0: Double { words.first?.x0 ?? 0 }
        var x1: Double { words.last?.x1 ?? 0 }
        var text: String { words.map(\.text).joined(separator: " ") }
    }

    /// A line of a page, cut into segments.
    struct Line {
        var page: Int
        var y0: Double, y1: Double, height: Double
        var segments: [Segment]
        var text: String { segments.map(\.text).joined(separator: " ") }
    }

    /// A cell as printed.
    struct RawCell {
        var text: String
        var box: Box?
        var confidence: Double
    }

    /// A row: its cells by column index (into the field's columns).
    struct RawRow {
        var page: Int
        var cells: [Int: RawCell]
    }

    /// What the reader found.
    struct Reading {
        var rows: [RawRow] = []
        var excluded: [Record.ExcludedRow] = []
    }

    /// Where a column's header stands: `column` is an index into the field's columns, nil for
    /// a header the field does not name (its cells are left out).
    struct HeaderCell {
        var column: Int?
        var x0: Double, x1: Double
        var text = ""
    }

    let field: TableFieldSpec
    /// The columns each label names, by the label's match key.
    private let labelKeys: [String: [Int]]
    /// The keys of one-word labels of `fuzzyLength` letters or more, by length.
    private let longKeys: [Int: [String]]
    /// The keys of the labels' first words.
    private let firstKeys: Set<String>
    /// A line with more label matches than this is no header (and the search for the best
    /// reading stays small).
    static let maxMatches = 14
    /// A header word of this many letters or more may differ from its label by one letter
    /// (OCR's `Descripcioén`).
    static let fuzzyLength = 7
    /// Labels of totals (the pipeline's money and number fields', and the usual words), as keys.
    private let stopKeys: Set<String>
    private let validators: [FieldValidator]

    /// Words further apart than this many line heights are in different cells.
    static let cellGap = 0.8
    /// Lines further apart than this many line heights end the table.
    static let endGap = 3.0
    /// A line of text less than this many line heights under the row above continues it.
    static let continuation = 1.5
    /// Lines that are neither rows nor totals in a row after which the table has ended.
    static let maxMisses = 2

    /// Words that name a total wherever they stand outside a text column.
    static let totalWords: Set<String> = [
        "total", "totals", "subtotal", "totaal", "subtotaal", "totale", "subtotale", "summe", "zwischensumme",
        "gesamt", "gesamtbetrag", "endbetrag", "ubertrag", "uebertrag", "soustotal", "importe", "totalht",
        "totalttc",
    ]
    /// Labels of totals and lines carried forward, in the languages of the shipped pipelines.
    static let stopLabels = [
        "Subtotal", "Sub total", "Total", "Totals", "Carried forward", "Brought forward", "Balance forward",
        "Übertrag", "Zwischensumme", "Summe", "Gesamt", "Sous-total", "Report", "À reporter", "Reporté", "Transport",
        "Subtotaal", "Totaal", "Subtotale", "Totale", "Riporto", "Suma y sigue", "Total factura",
    ]

    init(field: TableFieldSpec, otherLabels: [String], dateOrder: DateOrder, decimalSeparator: Character) {
        self.field = field
        var keys: [String: [Int]] = [:]
        for (c, column) in field.columns.enumerated() {
            for key in Set(column.labels.map(TextNormalizer.matchKey)) where !key.isEmpty {
                keys[key, default: []].append(c)
            }
        }
        labelKeys = keys
        let labels = field.columns.flatMap(\.labels)
        let single = Set(labels.filter { !$0.contains(" ") }.map(TextNormalizer.matchKey))
        longKeys = Dictionary(grouping: single.filter { $0.count >= Self.fuzzyLength }, by: \.count)
        firstKeys = Set(
            labels.compactMap { $0.split(separator: " ").first.map { TextNormalizer.matchKey(String($0)) } })
        stopKeys = Set((Self.stopLabels + otherLabels).map(TextNormalizer.matchKey).filter { !$0.isEmpty })
        validators = field.columns.map { c in
            FieldValidator(
                field: FieldSpec(name: c.name, type: c.type), dateOrder: dateOrder, decimalSeparator: decimalSeparator)
        }
    }

    /// The rows of the field in `document`: from a native table when one has the header, else
    /// from the printed lines.
    func read(_ document: Document, layout: TextLayout) -> Reading {
        for table in document.tables {
            let reading = read(Self.lines(of: table))
            if !reading.rows.isEmpty { return reading }
        }
        return read(Self.lines(of: layout))
    }

    /// A cell's value as its column's type reads it: numbers may carry a unit after them
    /// (`1.00 kg`, `1 PCS`) or a per cent sign (`21 %`), which are left out.
    func value(_ text: String, column: Int) -> Result<ValidatedValue, ValidationFailure> {
        let type = field.columns[column].type
        var printed = text
        if [.number, .integer].contains(type) {
            var words = printed.split(separator: " ").map(String.init)
            while words.count > 1, let last = words.last, last.allSatisfy({ $0.isLetter || $0 == "." || $0 == "%" }) {
                words.removeLast()
            }
            printed = words.joined(separator: " ")
            if printed.hasSuffix("%") { printed = String(printed.dropLast()).trimmingCharacters(in: .whitespaces) }
        }
        return validators[column].validate(printed)
    }

    private func isNumeric(_ column: Int) -> Bool {
        [.number, .integer, .money].contains(field.columns[column].type)
    }

    // MARK: Lines

    /// The layout's lines with geometry, cut at gaps of `cellGap` line heights.
    static func lines(of layout: TextLayout) -> [Line] {
        let lines = layout.lines.compactMap { line -> Line? in
            guard let box = line.box else { return nil }
            let segments = line.runs(splitAt: cellGap).map { r -> Segment in
                let run = WordRun(words: Array(line.words[r]), page: line.page)
                return Segment(
                    words: run.words.map { ($0.text, $0.box!.x0, $0.box!.x1) }, box: run.box, confidence: run.confidence
                )
            }
            return Line(page: line.page, y0: box.y0, y1: box.y1, height: max(line.height, 1), segments: segments)
        }
        return lines.sorted { ($0.page, $0.y0) < ($1.page, $1.y0) }
    }

    /// A native table's rows as lines: a cell is a segment at its column index.
    static func lines(of table: Table) -> [Line] {
        let byRow = Dictionary(grouping: table.cells, by: \.row)
        return byRow.keys.sorted().map { row in
            let segments = byRow[row]!.sorted { $0.column < $1.column }.compactMap { c -> Segment? in
                let text = TextNormalizer.collapse(c.text)
                guard !text.isEmpty else { return nil }
                let x0 = Double(c.column), x1 = Double(c.column + c.columnSpan) - 0.01
                return Segment(words: [(text, x0, x1)], box: c.box, confidence: 1)
            }
            return Line(page: table.page, y0: Double(row), y1: Double(row) + 0.9, height: 1, segments: segments)
        }
    }

    // MARK: Header

    /// The columns a one-word label one letter from `key` names (OCR's `Descripcioén`).
    func fuzzy(_ key: String) -> [Int] {
        guard key.count >= Self.fuzzyLength else { return [] }
        for n in (key.count - 1)...(key.count + 1) {
            for label in longKeys[n] ?? [] where TextNormalizer.distance(label, key, limit: 1) <= 1 {
                return labelKeys[label]!
            }
        }
        return []
    }

    /// The header cells of `line` when it names at least two of the field's columns, one of them
    /// numeric, and its named texts are at least half its words.
    func header(_ line: Line) -> [HeaderCell]? {
        // Every run of words inside one segment that spells a column's label.
        let keys = line.segments.map { $0.words.map { TextNormalizer.matchKey($0.text) } }
        // Most lines name no column: two words at least must begin a label. A line printing an
        // amount (`Net 100.00 VAT 20.00`) is a totals line, not a header.
        guard keys.joined().filter({ firstKeys.contains($0) || !fuzzy($0).isEmpty }).count >= 2,
            line.text.range(of: "[0-9][.,][0-9]{2}(?![0-9])", options: .regularExpression) == nil
        else { return nil }
        var matches: [(column: Int, segment: Int, from: Int, to: Int)] = []
        for (s, keys) in keys.enumerated() {
            for i in keys.indices {
                var joined = ""
                for j in i..<min(keys.count, i + 6) {
                    joined += keys[j]
                    let named = labelKeys[joined] ?? (j == i ? fuzzy(joined) : [])
                    for c in named { matches.append((c, s, i, j + 1)) }
                }
            }
        }
        guard !matches.isEmpty, matches.count <= Self.maxMatches else { return nil }
        // The matches that name the most columns without sharing a word, covering the most words;
        // on a tie, the columns listed first in the spec.
        var best: [Int] = []
        var bestScore = (0, 0, 0)
        func search(_ k: Int, _ chosen: [Int]) {
            if k == matches.count {
                let cols = chosen.map { matches[$0].column }
                let score = (
                    cols.count, chosen.reduce(0) { $0 + matches[$1].to - matches[$1].from }, -cols.reduce(0, +)
                )
                if score > bestScore { bestScore = score; best = chosen }
                return
            }
            search(k + 1, chosen)
            let m = matches[k]
            let clash = chosen.contains { i in
                let o = matches[i]
                return o.column == m.column || (o.segment == m.segment && o.from < m.to && m.from < o.to)
            }
            if !clash, chosen.count < field.columns.count { search(k + 1, chosen + [k]) }
        }
        search(0, [])
        let named = best.map { matches[$0] }
        let words = line.segments.reduce(0) { $0 + $1.words.count }
        guard named.count >= 2, named.contains(where: { isNumeric($0.column) }), bestScore.1 * 2 >= words else {
            return nil
        }
        var cells: [HeaderCell] = []
        for (s, segment) in line.segments.enumerated() {
            // A segment naming one column is that column's header, words around the name
            // included ("Amount (EUR)", "Total HT €").
            let inSegment = named.filter { $0.segment == s }
            if inSegment.count == 1 {
                cells.append(
                    HeaderCell(column: inSegment[0].column, x0: segment.x0, x1: segment.x1, text: segment.text))
                continue
            }
            var i = 0
            while i < segment.words.count {
                if let m = named.first(where: { $0.segment == s && $0.from == i }) {
                    cells.append(
                        HeaderCell(column: m.column, x0: segment.words[m.from].x0, x1: segment.words[m.to - 1].x1))
                    i = m.to
                } else {
                    // Words the field does not name: a column of their own, to hold its cells.
                    var j = i
                    while j < segment.words.count, !named.contains(where: { $0.segment == s && $0.from == j }) {
                        j += 1
                    }
                    cells.append(
                        HeaderCell(
                            column: nil, x0: segment.words[i].x0, x1: segment.words[j - 1].x1,
                            text: segment.words[i..<j].map(\.text).joined(separator: " ")))
                    i = j
                }
            }
        }
        return cells.sorted { $0.x0 < $1.x0 }
    }

    /// A header printed over two lines: a word of the line above or below, within a line's
    /// height, completes the header word under or over it (`Unit` over `Cost`), or names a
    /// column of its own where the header line has nothing; lines holding figures are not
    /// header lines.
    func refined(_ header: [HeaderCell], at i: Int, in lines: [Line]) -> [HeaderCell] {
        var cells = header
        var used = Set(header.compactMap(\.column))
        let line = lines[i]
        for j in [i - 1, i + 1] where lines.indices.contains(j) && lines[j].page == line.page {
            let other = lines[j]
            let gap = j < i ? line.y0 - other.y1 : other.y0 - line.y1
            guard gap < line.height, !other.text.contains(where: \.isNumber) else { continue }
            for segment in other.segments {
                let key = TextNormalizer.matchKey(segment.text)
                let k = cells.indices.max { a, b in
                    min(segment.x1, cells[a].x1) - max(segment.x0, cells[a].x0)
                        < min(segment.x1, cells[b].x1) - max(segment.x0, cells[b].x0)
                }
                if let k, min(segment.x1, cells[k].x1) > max(segment.x0, cells[k].x0) {
                    guard cells[k].column == nil else { continue }
                    let own = TextNormalizer.matchKey(cells[k].text)
                    let joined = j < i ? key + own : own + key
                    if let c = labelKeys[joined]?.first(where: { !used.contains($0) }) {
                        cells[k].column = c
                        cells[k].x0 = min(cells[k].x0, segment.x0); cells[k].x1 = max(cells[k].x1, segment.x1)
                        used.insert(c)
                    }
                } else if let c = labelKeys[key]?.first(where: { !used.contains($0) }) {
                    cells.append(HeaderCell(column: c, x0: segment.x0, x1: segment.x1, text: segment.text))
                    used.insert(c)
                }
            }
        }
        return cells.sorted { $0.x0 < $1.x0 }
    }

    // MARK: Rows

    /// The index into `header` of the column a segment stands under: the one it overlaps most,
    /// else the nearest.
    static func column(of s: Segment, in header: [HeaderCell]) -> Int {
        var best = 0
        var bestOverlap = 0.0, bestGap = Double.infinity
        for (i, h) in header.enumerated() {
            let overlap = min(s.x1, h.x1) - max(s.x0, h.x0)
            let gap = max(0, max(h.x0 - s.x1, s.x0 - h.x1))
            if overlap > bestOverlap || (bestOverlap == 0 && overlap <= 0 && gap < bestGap) {
                best = i; bestOverlap = max(overlap, 0); bestGap = gap
            }
        }
        return best
    }

    /// A segment whose words stand under different headers and each hold a digit (`0.00 15.00%`
    /// under `Disc.%` and `Taxes`), cut into one segment per header; others as they are.
    static func split(_ s: Segment, header: [HeaderCell]) -> [Segment] {
        guard s.words.count > 1, s.words.allSatisfy({ $0.text.contains(where: \.isNumber) }) else { return [s] }
        let one = Segment(words: [], box: nil, confidence: s.confidence)
        var parts: [(cell: Int, segment: Segment)] = []
        for w in s.words {
            var piece = one
            piece.words = [w]
            let cell = column(of: piece, in: header)
            if let last = parts.last, last.cell == cell {
                parts[parts.count - 1].segment.words.append(w)
            } else {
                parts.append((cell, piece))
            }
        }
        guard parts.count > 1 else { return [s] }
        return parts.map { p in
            var seg = p.segment
            // The box of a part: the segment's, cut to the part's words.
            seg.box = s.box.map { Box(x0: seg.x0, y0: $0.y0, x1: seg.x1, y1: $0.y1) }
            return seg
        }
    }

    /// Whether a line is a total, a subtotal or a line carried forward, and which.
    func totalKind(_ cells: [(column: Int?, segment: Segment)]) -> String? {
        for (column, s) in cells {
            let keys = s.words.map { TextNormalizer.matchKey($0.text) }
            let inText = column.map { field.columns[$0].type == .text || field.columns[$0].type == .date } ?? false
            var label: String? = nil
            for k in 1...min(3, keys.count) where stopKeys.contains(keys[..<k].joined()) {
                // In a text column, only a cell that is the label (an amount or a currency may
                // follow): a description may begin with "Total".
                if inText && k < keys.count
                    && s.words[k...].contains(where: { w in w.text.contains(where: \.isLetter) && w.text.count > 3 })
                {
                    continue
                }
                label = keys[..<k].joined()
            }
            if label == nil, !inText, let w = keys.first(where: { Self.totalWords.contains($0) }) { label = w }
            if let label {
                if ["forward", "ubertrag", "report", "transport", "riporto", "sigue"].contains(where: label.contains) {
                    return "carried forward"
                }
                return label.contains("sub") || label.contains("zwischen") ? "subtotal" : "total"
            }
        }
        return nil
    }

    /// Reads the rows under every header line that names the most columns, and the rows that
    /// continue a table at the top of the following page.
    func read(_ lines: [Line]) -> Reading {
        let headers = lines.indices.compactMap { i in header(lines[i]).map { (i, $0) } }
        guard let most = headers.map({ Set($0.1.compactMap(\.column)) }).max(by: { $0.count < $1.count }) else {
            return Reading()
        }
        let chosen = headers.filter { Set($0.1.compactMap(\.column)) == most }.map {
            ($0.0, refined($0.1, at: $0.0, in: lines))
        }
        func pageEnd(_ from: Int) -> Int { lines[from...].firstIndex { $0.page != lines[from].page } ?? lines.count }
        var reading = Reading()
        var carried: (header: [HeaderCell], page: Int)? = nil
        var k = 0
        while true {
            let next = k < chosen.count ? chosen[k].0 : lines.count
            if let c = carried {
                carried = nil
                if let from = lines.firstIndex(where: { $0.page > c.page }), from < next,
                    lines[from].page != (next < lines.count ? lines[next].page : -1)
                {
                    let (more, open) = scan(lines[from..<pageEnd(from)], header: c.header, continued: true)
                    reading.rows += more.rows; reading.excluded += more.excluded
                    if open { carried = (c.header, lines[from].page) }
                    continue
                }
            }
            guard k < chosen.count else { break }
            let (start, header) = chosen[k]
            k += 1
            let end = min(k < chosen.count ? chosen[k].0 : lines.count, pageEnd(start))
            let (part, open) = scan(lines[start..<end], header: header, continued: false)
            reading.rows += part.rows; reading.excluded += part.excluded
            if open { carried = (header, lines[start].page) }
        }
        return reading
    }

    /// The rows under one header, on one page (`lines` begin with the header's line);
    /// `continued`: lines at the top of a page with no header of its own, where the first row
    /// must hold two numbers. Also says whether the table may go on on the next page: it has
    /// rows and no total after them.
    func scan(_ lines: ArraySlice<Line>, header: [HeaderCell], continued: Bool) -> (Reading, Bool) {
        var reading = Reading()
        var pending: [Record.ExcludedRow] = []
        var open = false  // the last row may take a continuation line
        var afterTotal = continued
        var ended = false  // a total closed the table (a line carried forward does not)
        var misses = 0
        var previous: Line? = continued ? nil : lines.first
        var headerPart = !continued
        let money = header.contains { $0.column.map { field.columns[$0].type == .money } ?? false }
        for line in continued ? lines : lines.dropFirst() {
            if let previous, line.y0 - previous.y1 > Self.endGap * max(line.height, previous.height),
                !(continued && reading.rows.isEmpty)
            {
                break
            }
            let cells = line.segments.flatMap { Self.split($0, header: header) }.map { s in
                (column: header[Self.column(of: s, in: header)].column, segment: s)
            }
            var numbers = 0, amounts = 0
            for (c, s) in cells {
                guard let c, isNumeric(c) else { continue }
                if case .success = value(s.text, column: c) {
                    numbers += 1
                    if field.columns[c].type == .money { amounts += 1 }
                }
            }
            // Where the table prints money, an item has an amount or a price: a line with a
            // quantity alone is a part of the item above (a bundle's contents).
            let printsNumbers = numbers > 0
            if money, amounts == 0 { numbers = 0 }
            defer { previous = line }
            // Header lines of two or more lines ("VK-Preis / ohne MwSt."): no numbers, close under it.
            if headerPart, numbers == 0, let previous, line.y0 - previous.y1 < line.height {
                continue
            }
            headerPart = false
            // A total prints its amount ("Tax: 0.2%" under an item is a note).
            if printsNumbers, let kind = totalKind(cells) {
                if continued && reading.rows.isEmpty && kind != "carried forward" { continue }
                pending.append(Record.ExcludedRow(text: line.text, page: line.page + 1, reason: kind))
                reading.excluded += pending; pending = []
                open = false; afterTotal = true; misses = 0
                ended = kind != "carried forward"
                continue
            }
            if numbers >= (afterTotal ? 2 : 1) {
                var row = RawRow(page: line.page, cells: [:])
                add(cells, to: &row, separator: " ")
                reading.excluded += pending; pending = []
                reading.rows.append(row)
                open = true; misses = 0; ended = false
                if continued { afterTotal = false }
                continue
            }
            if continued && reading.rows.isEmpty { continue }
            // Close under a row: text that continues its text cells (a wrapped description), or
            // a number in a cell the row left empty (OCR set it a little lower, on a line of
            // its own).
            if open, let previous, line.y0 - previous.y1 < Self.continuation * line.height,
                let last = reading.rows.last,
                cells.allSatisfy({ c in
                    c.column.map { field.columns[$0].type == .text || last.cells[$0] == nil } ?? true
                })
            {
                add(cells, to: &reading.rows[reading.rows.count - 1], separator: "\n")
                continue
            }
            open = false
            misses += 1
            if misses > Self.maxMisses { break }
            pending.append(Record.ExcludedRow(text: line.text, page: line.page + 1, reason: "no amounts"))
        }
        return (reading, !reading.rows.isEmpty && !ended)
    }

    /// Adds a line's cells to a row: a column's texts on one line joined by a space, the lines
    /// of a wrapped cell by a newline.
    private func add(_ cells: [(column: Int?, segment: Segment)], to row: inout RawRow, separator: String) {
        for (c, s) in cells {
            guard let c else { continue }
            if var cell = row.cells[c] {
                cell.text += separator + s.text
                cell.box = cell.box.flatMap { b in s.box.map { b.union($0) } }
                cell.confidence = min(cell.confidence, s.confidence)
                row.cells[c] = cell
            } else {
                row.cells[c] = RawCell(text: s.text, box: s.box, confidence: s.confidence)
            }
        }
    }
}
