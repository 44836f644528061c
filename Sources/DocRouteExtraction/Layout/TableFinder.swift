import DocRouteModel

/// Tables rebuilt from a page's words (text layers and OCR pages), on the layout analysis:
/// a run of nearby visual lines that are cut into several segments (`TextLayout`) is a table
/// when its segments line up in columns. Columns are the x-ranges some row's segment covers,
/// separated by gaps no row's segment crosses except one that spans them (a header over
/// several columns); each line is a row and each segment a cell. Where the page's ruling lines
/// are known (`Page.rules`), the grids they make are read first (`TableFinder+Rules`).
package enum TableFinder {
    /// Lines further apart than this many line heights end a table.
    static let rowGap = 2.5
    /// A table has at least this many rows of two or more cells.
    static let minRows = 2
    /// Words further apart than this many line heights are in different cells.
    static let cellGap = 1.2
    /// Lines of one segment in a row inside a table (a cell's text wrapped); more end it.
    static let maxLooseLines = 2
    /// A cell of this many words or more reads as running text.
    static let proseWords = 5
    /// A line less than this many line heights under the one before may continue its row.
    static let continuation = 0.5

    /// The tables found on the pages of `document` that have geometry, in page order.
    package static func tables(in document: Document) -> [Table] {
        let layout = TextLayout(document)
        var out: [Table] = []
        for p in document.pages {
            let page = p.index
            // Ruled grids first; their words are theirs, the rest of the page is read for
            // tables by its text.
            // The grid's measures are in points: an image's pixels are taken to points first
            // and the cells' boxes back.
            let k = p.unit == .px ? (p.dpi ?? 72) / 72 : 1
            let words =
                k == 1
                ? p.words
                : p.words.map { w in
                    var w = w
                    w.box = w.box?.scaled(by: 1 / k)
                    return w
                }
            var ruled: [Box] = []
            for grid in grids(p.rules.map { $0.scaled(by: 1 / k) }) {
                if var t = table(grid, words: words, page: page) {
                    if k != 1 {
                        t.cells = t.cells.map { c in
                            var c = c; c.box = c.box?.scaled(by: k); return c
                        }
                    }
                    out += columnGroups(t)
                    ruled.append(grid.area.scaled(by: k))
                }
            }
            let lines = layout.lines.filter { line in
                line.page == page && line.box != nil && !ruled.contains { $0.holdsCentre(of: line.box!) }
            }.sorted { $0.box!.y0 < $1.box!.y0 }
            var run: [TextLayout.Line] = []
            // Lines of one segment met inside a run: kept when another row follows them closely
            // (a cell's text wrapped, or a row with one cell), dropped when the run ends there.
            var pending: [TextLayout.Line] = []
            func close() {
                if let t = table(run, page: page) { out += columnGroups(t) }
                run = []
                pending = []
            }
            for line in lines {
                if let last = pending.last ?? run.last, let a = last.box, let b = line.box,
                    b.y0 - a.y1 > rowGap * max(last.height, line.height, 1)
                {
                    close()
                }
                guard line.runs(splitAt: cellGap).count >= 2 else {
                    if !run.isEmpty { pending.append(line) }
                    // More lines of one segment than a wrapped cell makes: the table has ended.
                    if pending.count > maxLooseLines { close() }
                    continue
                }
                run += pending
                pending = []
                run.append(line)
            }
            close()
        }
        return out
    }

    /// The distance between a column's x-range and a segment's.
    static func gap(_ band: (x0: Double, x1: Double), _ s: (x0: Double, x1: Double, text: String, box: Box)) -> Double {
        max(0, max(band.x0 - s.x1, s.x0 - band.x1))
    }

    /// The table `rows` make, when they line up in at least two columns.
    static func table(_ rows: [TextLayout.Line], page: Int) -> Table? {
        guard rows.count >= minRows else { return nil }
        let cells = rows.map { line in
            line.runs(splitAt: cellGap).map { r -> (x0: Double, x1: Double, text: String, box: Box) in
                let words = Array(line.words[r])
                let box = words.compactMap(\.box).dropFirst().reduce(words[0].box!) { $0.union($1) }
                return (box.x0, box.x1, words.map(\.text).joined(separator: " "), box)
            }
        }
        // Columns: maximal x-ranges the body rows' segments cover; a segment of another row
        // that covers several such ranges spans them, one in a gap belongs to the nearest.
        var bands: [(x0: Double, x1: Double)] = []
        // The body rows: those with the most usual number of cells (of two or more; the larger
        // on a tie). Headers and notes often split or join their words otherwise.
        let counts = Dictionary(grouping: cells.map(\.count).filter { $0 >= 2 }, by: { $0 }).mapValues(\.count)
        guard let usual = counts.max(by: { ($0.value, $0.key) < ($1.value, $1.key) })?.key, counts[usual]! >= minRows
        else { return nil }
        // Columns of running text: most rows of several cells are sentences in every cell.
        let wide = cells.filter { $0.count >= 2 }
        let prose = wide.filter { line in line.allSatisfy { $0.text.split(separator: " ").count >= proseWords } }
        guard prose.count * 3 < wide.count * 2 else { return nil }
        // Letters of a figure's rotated or scattered labels: most cells a single character.
        let all = cells.flatMap { $0 }
        guard all.filter({ $0.text.count <= 1 }).count * 2 < all.count else { return nil }
        for s in cells.filter({ $0.count == usual }).flatMap({ $0 }).sorted(by: { $0.x0 < $1.x0 }) {
            if let last = bands.last, s.x0 <= last.x1 {
                bands[bands.count - 1].x1 = max(last.x1, s.x1)
            } else {
                bands.append((s.x0, s.x1))
            }
        }
        // Segments of other rows of several cells that stand clear of every body column make
        // columns of their own (a label column the body rows leave empty).
        var extra: [(x0: Double, x1: Double)] = []
        for s in cells.filter({ $0.count >= 2 && $0.count != usual }).flatMap({ $0 }).sorted(by: { $0.x0 < $1.x0 })
        where !bands.contains(where: { $0.x1 >= s.x0 && $0.x0 <= s.x1 }) {
            if let last = extra.last, s.x0 <= last.x1 {
                extra[extra.count - 1].x1 = max(last.x1, s.x1)
            } else {
                extra.append((s.x0, s.x1))
            }
        }
        bands = (bands + extra.filter { e in !bands.contains { $0.x1 >= e.x0 && $0.x0 <= e.x1 } })
            .sorted { $0.x0 < $1.x0 }
        // Running text beside the table (a column of prose at its left or right edge, read on
        // the same lines): its segments are left out, and so is its column.
        func isProse(_ band: (x0: Double, x1: Double)) -> Bool {
            let inside = cells.flatMap { $0 }.filter { $0.x0 >= band.x0 - 1 && $0.x1 <= band.x1 + 1 }
            return !inside.isEmpty
                && inside.filter { $0.text.split(separator: " ").count >= proseWords }.count * 3 >= inside.count * 2
        }
        var aside: [(x0: Double, x1: Double)] = []
        if bands.count >= 3, isProse(bands[0]) { aside.append(bands.removeFirst()) }
        if bands.count >= 3, isProse(bands[bands.count - 1]) { aside.append(bands.removeLast()) }
        let rowsCells = cells.map { line in
            line.filter { s in !aside.contains { s.x0 >= $0.x0 - 1 && s.x1 <= $0.x1 + 1 } }
        }
        guard bands.count >= 2 else { return nil }
        var out: [Cell] = []
        var row = -1
        for (i, line) in rowsCells.enumerated() where !line.isEmpty {
            // A line close under the one before, with nothing in the first column, continues
            // the row above (a cell's text wrapped): its text joins the cells it stands under.
            let inFirst = line.contains { s in bands[0].x1 >= s.x0 && bands[0].x0 <= s.x1 }
            let close = i > 0 && rows[i].box!.y0 - rows[i - 1].box!.y1 < continuation * max(rows[i].height, 1)
            // Or only the first column's text, close under a row: its label wrapped (around
            // values set at its middle, or under them).
            let labelGoesOn = inFirst && line.count == 1
            let continues =
                close && out.contains { $0.row == row && $0.column == 0 }
                && ((!inFirst && line.count < usual) || labelGoesOn)
            if !continues { row += 1 }
            for s in line {
                var covered = bands.indices.filter { bands[$0].x1 >= s.x0 && bands[$0].x0 <= s.x1 }
                if covered.isEmpty, let near = bands.indices.min(by: { gap(bands[$0], s) < gap(bands[$1], s) }) {
                    covered = [near]
                }
                guard let first = covered.first else { continue }
                if continues, let k = out.lastIndex(where: { $0.row == row && $0.column == first }) {
                    out[k].text += "\n" + s.text
                    out[k].box = out[k].box.map { $0.union(s.box) } ?? s.box
                } else {
                    out.append(Cell(row: row, column: first, columnSpan: covered.count, text: s.text, box: s.box))
                }
            }
        }
        return Table(page: page, rowCount: row + 1, columnCount: bands.count, cells: out)
    }

    /// A long list set in column groups side by side (`Age | Total | Age | Total`): when the
    /// first row's cells repeat one sequence, each group of columns is a table of its own.
    static func columnGroups(_ table: Table) -> [Table] {
        let header = table.cells.filter { $0.row == 0 }.sorted { $0.column < $1.column }
        guard header.count == table.columnCount, header.allSatisfy({ $0.columnSpan == 1 }), table.rowCount >= 2
        else { return [table] }
        let keys = header.map { TextNormalizer.key($0.text) }
        guard
            let width = (1..<table.columnCount).first(where: { w in
                table.columnCount % w == 0 && keys.indices.allSatisfy { keys[$0] == keys[$0 % w] }
            }), width >= 1, !keys[0].isEmpty
        else { return [table] }
        // No cell may straddle two groups.
        guard table.cells.allSatisfy({ $0.column / width == ($0.column + $0.columnSpan - 1) / width }) else {
            return [table]
        }
        return (0..<(table.columnCount / width)).map { g in
            let cells = table.cells.filter { $0.column / width == g }.map { c -> Cell in
                var c = c
                c.column -= g * width
                return c
            }
            let rows = (cells.map { $0.row + $0.rowSpan }.max() ?? 0)
            return Table(page: table.page, rowCount: rows, columnCount: width, cells: cells)
        }.filter { !$0.cells.isEmpty }
    }
}
