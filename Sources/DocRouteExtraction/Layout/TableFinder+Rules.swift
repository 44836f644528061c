import DocRouteModel

/// Ruled tables: where a page's ruling lines (`Page.rules`) cross to make a grid, the grid is
/// the table. Columns are the vertical lines' places and rows the horizontal lines' (the
/// grid's outer edges included where no line is drawn); two neighbouring grid cells with no
/// line between them are one cell when a word crosses where the line would be (a header over
/// several columns). A band between two horizontal lines that holds several rows of figures
/// has its rows from the text (`textRows`).
extension TableFinder {
    /// Lines this close (points) are one line (a double rule), or meet.
    static let ruleSlack = 2.5
    /// A grid column splits where at least this share of its text lines has words either side
    /// and at most `crossing` of them a word across.
    static let split = 0.5
    static let crossing = 0.2
    /// ...and the gap is at least this many text heights wide.
    static let minSplit = 0.8

    /// A grid of ruling lines: the area it covers and the places of its lines.
    struct Grid {
        var area: Box
        var columns: [Double]
        var rows: [Double]
        var across: [Box]
        var down: [Box]
    }

    /// The grids the ruling lines of a page make: sets of crossing lines with at least two
    /// cells.
    static func grids(_ rules: [Box]) -> [Grid] {
        let across = rules.filter { $0.x1 - $0.x0 >= $0.y1 - $0.y0 }
        let down = rules.filter { $0.x1 - $0.x0 < $0.y1 - $0.y0 }
        let all = across + down
        var sets = Sets(all.count)
        let s = ruleSlack
        for (i, a) in across.enumerated() {
            for (j, d) in down.enumerated()
            where d.x0 - s <= a.x1 && d.x1 + s >= a.x0 && a.y0 - s <= d.y1 && a.y1 + s >= d.y0 {
                sets.join(i, across.count + j)
            }
        }
        var out: [Grid] = []
        for group in sets.groups() {
            let a = group.filter { $0 < across.count }.map { all[$0] }
            let d = group.filter { $0 >= across.count }.map { all[$0] }
            guard !a.isEmpty, !d.isEmpty else { continue }
            let box = Box.union(of: group.map { all[$0] })!
            let columns = places([box.x0, box.x1] + d.map { ($0.x0 + $0.x1) / 2 })
            let rows = places([box.y0, box.y1] + a.map { ($0.y0 + $0.y1) / 2 })
            guard columns.count >= 2, rows.count >= 2, columns.count + rows.count >= 5 else { continue }
            out.append(Grid(area: box, columns: columns, rows: rows, across: a, down: d))
        }
        return out.sorted { ($0.area.y0, $0.area.x0) < ($1.area.y0, $1.area.x0) }
    }

    /// Positions closer than `ruleSlack` taken as one (their mean), in order.
    static func places(_ values: [Double]) -> [Double] {
        var groups: [[Double]] = []
        for v in values.sorted() {
            if let last = groups.last?.last, v - last <= ruleSlack {
                groups[groups.count - 1].append(v)
            } else {
                groups.append([v])
            }
        }
        return groups.map { $0.reduce(0, +) / Double($0.count) }
    }

    /// The table `grid` makes of `words` (those of its page), or nil when fewer than two rows
    /// of two cells hold text.
    static func table(_ grid: Grid, words: [TextSpan], page: Int) -> Table? {
        let s = ruleSlack
        let inside = words.filter { w in
            guard w.box != nil, !w.text.isRuleGlyph else { return false }
            let (x, y) = centre(w)
            return x > grid.area.x0 - s && x < grid.area.x1 + s && y > grid.area.y0 - s && y < grid.area.y1 + s
        }
        guard !inside.isEmpty else { return nil }
        var grid = grid
        grid.columns = splitColumns(grid, words: inside)
        // Row bands: between the horizontal lines, a band of several rows cut by its text.
        let ruled: [(y0: Double, y1: Double)] = zip(grid.rows, grid.rows.dropFirst()).map { ($0, $1) }
        // Each row band with the ruled band it is part of and the columns spanning that band.
        var bands: [(y0: Double, y1: Double)] = []
        var part: [Int] = []
        var spans: [Set<Int>] = []
        for (i, band) in ruled.enumerated() {
            let split = textRows(band, grid: grid, words: inside)
            bands += split.rows
            part += Array(repeating: i, count: split.rows.count)
            spans.append(split.spanning)
        }
        let columns = Array(zip(grid.columns, grid.columns.dropFirst()))
        // Is there a line between two cells? Between columns c and c+1 in band r (a vertical
        // line covering the band's middle); between bands r and r+1 in column c.
        func wall(column c: Int, band r: Int) -> Bool {
            let x = grid.columns[c + 1], y = (bands[r].y0 + bands[r].y1) / 2
            return grid.down.contains { $0.x0 - s <= x && $0.x1 + s >= x && $0.y0 - s <= y && $0.y1 + s >= y }
        }
        func floor(band r: Int, column c: Int) -> Bool {
            let y = bands[r].y1, x = (columns[c].0 + columns[c].1) / 2
            return grid.across.contains { $0.y0 - s <= y && $0.y1 + s >= y && $0.x0 - s <= x && $0.x1 + s >= x }
        }
        func crossed(x: Double, y0: Double, y1: Double) -> Bool {
            inside.contains { w in
                let b = w.box!, y = centre(w).y
                return b.x0 < x - 1 && b.x1 > x + 1 && y > y0 && y < y1
            }
        }
        func crossed(y: Double, x0: Double, x1: Double) -> Bool {
            inside.contains { w in
                let b = w.box!, x = centre(w).x
                return b.y0 < y - 1 && b.y1 > y + 1 && x > x0 && x < x1
            }
        }
        // Grid cells joined into cells (union-find over band × column).
        var sets = Sets(bands.count * columns.count)
        for r in bands.indices {
            for c in columns.indices {
                if c + 1 < columns.count, !wall(column: c, band: r),
                    crossed(x: grid.columns[c + 1], y0: bands[r].y0, y1: bands[r].y1)
                {
                    sets.join(r * columns.count + c, r * columns.count + c + 1)
                }
                if r + 1 < bands.count, !floor(band: r, column: c),
                    crossed(y: bands[r].y1, x0: columns[c].0, x1: columns[c].1)
                        || (part[r] == part[r + 1] && spans[part[r]].contains(c))
                {
                    sets.join(r * columns.count + c, (r + 1) * columns.count + c)
                }
            }
        }
        var cells: [Cell] = []
        for group in sets.groups() {
            let rs = group.map { $0 / columns.count }, cs = group.map { $0 % columns.count }
            let (r0, r1, c0, c1) = (rs.min()!, rs.max()!, cs.min()!, cs.max()!)
            let area = Box(x0: columns[c0].0, y0: bands[r0].y0, x1: columns[c1].1, y1: bands[r1].y1)
            let held = inside.filter { area.holdsCentre(of: $0.box!) }
            guard let box = Box.union(of: held.map { $0.box! }) else { continue }
            cells.append(
                Cell(
                    row: r0, column: c0, rowSpan: r1 - r0 + 1, columnSpan: c1 - c0 + 1, text: text(of: held),
                    box: box))
        }
        // Rows and columns with no text are dropped; a first or last row of one cell across the
        // whole table is its title or a note inside its frame.
        func compact() {
            let usedRows = Set(cells.flatMap { $0.row..<($0.row + $0.rowSpan) }).sorted()
            let usedColumns = Set(cells.flatMap { $0.column..<($0.column + $0.columnSpan) }).sorted()
            let rowIndex = Dictionary(uniqueKeysWithValues: usedRows.enumerated().map { ($1, $0) })
            let columnIndex = Dictionary(uniqueKeysWithValues: usedColumns.enumerated().map { ($1, $0) })
            cells = cells.map { c in
                var c = c
                let lastRow = usedRows.last { $0 < c.row + c.rowSpan }!
                let lastColumn = usedColumns.last { $0 < c.column + c.columnSpan }!
                c.row = rowIndex[usedRows.first { $0 >= c.row }!]!
                c.rowSpan = rowIndex[lastRow]! - c.row + 1
                c.column = columnIndex[usedColumns.first { $0 >= c.column }!]!
                c.columnSpan = columnIndex[lastColumn]! - c.column + 1
                return c
            }
        }
        compact()
        var columnCount = (cells.map { $0.column + $0.columnSpan }.max() ?? 0)
        for top in [true, false] {
            let rowCount = cells.map { $0.row + $0.rowSpan }.max() ?? 0
            let edge = top ? 0 : rowCount - 1
            let there = cells.filter { $0.row <= edge && $0.row + $0.rowSpan > edge }
            if rowCount > 2, columnCount >= 2, there.count == 1, there[0].columnSpan == columnCount {
                cells.removeAll { $0.row <= edge && $0.row + $0.rowSpan > edge }
                compact()
                columnCount = cells.map { $0.column + $0.columnSpan }.max() ?? 0
            }
        }
        let rowCount = cells.map { $0.row + $0.rowSpan }.max() ?? 0
        guard rowCount >= minRows, columnCount >= 2 else { return nil }
        return Table(
            page: page, rowCount: rowCount, columnCount: columnCount,
            cells: cells.sorted { ($0.row, $0.column) < ($1.row, $1.column) })
    }

    /// The grid's column places, and where its words leave a gap down a column that most of its
    /// text lines have words either side of (columns no line was drawn between).
    static func splitColumns(_ grid: Grid, words: [TextSpan]) -> [Double] {
        var out: [Double] = [grid.columns[0]]
        for (a, b) in zip(grid.columns, grid.columns.dropFirst()) {
            let held = words.filter { w in centre(w).x > a && centre(w).x < b }
            let lines = textLines(held)
            let heights = held.map { $0.box!.y1 - $0.box!.y0 }.sorted()
            if lines.count >= 2, !heights.isEmpty {
                let height = heights[heights.count / 2]
                let x0 = Int(a.rounded(.down)), x1 = Int(b.rounded(.up))
                var candidate: [Bool] = []
                for x in x0...x1 {
                    let p = Double(x) + 0.5
                    var across = 0, either = 0
                    for line in lines {
                        if line.contains(where: { $0.box!.x0 < p && $0.box!.x1 > p }) {
                            across += 1
                        } else if line.contains(where: {
                            $0.box!.x1 <= p && $0.text.contains(where: { $0.isLetter || $0.isNumber })
                        }),
                            line.contains(where: { $0.box!.x0 >= p })
                        {
                            either += 1
                        }
                    }
                    candidate.append(
                        Double(either) >= split * Double(lines.count)
                            && Double(across) <= crossing * Double(lines.count))
                }
                var x = 0
                while x < candidate.count {
                    guard candidate[x] else {
                        x += 1
                        continue
                    }
                    var end = x
                    while end + 1 < candidate.count, candidate[end + 1] { end += 1 }
                    // Narrower than a letter is tall: a space between words that happen to line up.
                    if Double(end - x + 1) >= minSplit * height {
                        out.append(Double(x0 + x + x0 + end) / 2 + 0.5)
                    }
                    x = end + 1
                }
            }
            out.append(b)
        }
        return out
    }

    /// A band's rows from its text, and the columns whose cell spans them all. A band is
    /// several rows when most columns holding text hold the same number of lines (two or more),
    /// and one of those columns has figures on most lines (a header's wrapped words have none);
    /// each line top that most such columns share begins a row, and a column with fewer lines,
    /// set apart from the rows' lines, has one cell over the band. A header line across
    /// columns over lines in those columns makes two rows.
    static func textRows(_ band: (y0: Double, y1: Double), grid: Grid, words: [TextSpan]) -> (
        rows: [(y0: Double, y1: Double)], spanning: Set<Int>
    ) {
        let whole = (rows: [band], spanning: Set<Int>())
        let held = words.filter { w in centre(w).y > band.y0 && centre(w).y < band.y1 }
        let all = textLines(held)
        guard all.count >= 2 else { return whole }
        var headed: (rows: [(y0: Double, y1: Double)], spanning: Set<Int>)? = nil
        // A header line across several columns over lines in those columns: two rows.
        let inner = grid.columns.dropFirst().dropLast()
        func across(_ line: [TextSpan]) -> Bool {
            line.contains { w in inner.contains { x in w.box!.x0 < x - 1 && w.box!.x1 > x + 1 } }
        }
        func spread(_ line: [TextSpan]) -> Int {
            Set(line.map { w in inner.filter { $0 < centre(w).x }.count }).count
        }
        if let i = all.indices.dropLast().first(where: { i in
            across(all[i]) && !across(all[i + 1]) && spread(all[i + 1]) >= 2
        }) {
            let y = (all[i].map { $0.box!.y1 }.max()! + all[i + 1].map { $0.box!.y0 }.min()!) / 2
            headed = ([(band.y0, y), (y, band.y1)], [])
        }
        let columns = Array(zip(grid.columns, grid.columns.dropFirst()))
        let perColumn = columns.map { c in
            textLines(held.filter { w in centre(w).x > c.0 && centre(w).x < c.1 })
        }
        let counts = perColumn.map(\.count).filter { $0 > 0 }
        let tally = Dictionary(grouping: counts, by: { $0 }).mapValues(\.count)
        guard let (n, times) = tally.max(by: { ($0.value, $0.key) < ($1.value, $1.key) }), n >= 2,
            times * 2 >= counts.count
        else { return headed ?? whole }
        let full = perColumn.indices.filter { perColumn[$0].count >= n }
        let figures = full.contains { c in
            perColumn[c].filter { line in line.contains { $0.text.contains(where: \.isNumber) } }.count * 3
                >= perColumn[c].count * 2
        }
        guard figures else { return headed ?? whole }
        // Line tops most full columns share.
        let height = held.map { $0.box!.y1 - $0.box!.y0 }.sorted()[held.count / 2]
        var clusters: [(y: Double, columns: Set<Int>)] = []
        for (c, top) in full.flatMap({ c in perColumn[c].map { (c, $0.map { $0.box!.y0 }.min()!) } }).sorted(by: {
            $0.1 < $1.1
        }) {
            if let last = clusters.last, top - last.y <= 0.6 * height {
                clusters[clusters.count - 1].columns.insert(c)
            } else {
                clusters.append((top, [c]))
            }
        }
        let starts = clusters.filter { $0.columns.count * 2 >= full.count }.map(\.y)
        guard starts.count >= 2 else { return headed ?? whole }
        var cuts = [band.y0]
        for y in starts.dropFirst() {
            // Cut just above the line's top, below the previous line's words.
            let above = held.map { $0.box!.y1 }.filter { $0 <= y + 0.5 }.max() ?? y
            cuts.append((max(above, cuts.last!) + y) / 2)
        }
        cuts.append(band.y1)
        // A column with fewer lines, set apart from the rows' lines (a label at the band's
        // middle), spans them; one whose lines stand on rows is cells of those rows.
        let spanning = Set(
            perColumn.indices.filter { c in
                let lines = perColumn[c]
                guard !lines.isEmpty, lines.count < n else { return false }
                let onRows = lines.filter { line in
                    let top = line.map { $0.box!.y0 }.min()!
                    return starts.contains { abs($0 - top) <= 0.3 * height }
                }
                return onRows.count * 2 < lines.count
            })
        return (zip(cuts, cuts.dropFirst()).map { ($0, $1) }, spanning)
    }

    /// `words` in lines (by overlap of their heights), top to bottom, each left to right.
    static func textLines(_ words: [TextSpan]) -> [[TextSpan]] {
        var lines: [[TextSpan]] = []
        for w in words.sorted(by: { $0.box!.y0 < $1.box!.y0 }) {
            let b = w.box!
            if let i = lines.indices.last,
                let last = lines[i].last?.box,
                min(b.y1, last.y1) - max(b.y0, last.y0) > 0.5 * min(b.y1 - b.y0, last.y1 - last.y0)
            {
                lines[i].append(w)
            } else {
                lines.append([w])
            }
        }
        return lines.map { $0.sorted { $0.box!.x0 < $1.box!.x0 } }
    }

    /// The text of a cell: its lines joined by newlines.
    static func text(of words: [TextSpan]) -> String {
        textLines(words).map { $0.map(\.text).joined(separator: " ") }.joined(separator: "\n")
    }

    /// The middle of a word's box (the word has one).
    static func centre(_ w: TextSpan) -> (x: Double, y: Double) {
        ((w.box!.x0 + w.box!.x1) / 2, (w.box!.y0 + w.box!.y1) / 2)
    }

    /// Disjoint sets of `0..<count` (union-find): the lines of one grid, the grid cells of one
    /// cell.
    struct Sets {
        var parent: [Int]

        init(_ count: Int) { parent = Array(0..<count) }

        mutating func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i {
                parent[i] = parent[parent[i]]
                i = parent[i]
            }
            return i
        }

        mutating func join(_ a: Int, _ b: Int) { parent[root(a)] = root(b) }

        /// The sets, each its members in order.
        mutating func groups() -> [[Int]] {
            Array(Dictionary(grouping: parent.indices, by: { root($0) }).values)
        }
    }
}
