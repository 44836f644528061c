import DocRouteModel

/// Tables rebuilt from a page's words (text layers and OCR pages), on the layout analysis:
/// a run of nearby visual lines that are cut into several segments (`TextLayout`) is a table
/// when its segments line up in columns. Columns are the x-ranges some row's segment covers,
/// separated by gaps no row's segment crosses except one that spans them (a header over
/// several columns); each line is a row and each segment a cell. First step of issue 23:
/// unruled tables, one line per row.
package enum TableFinder {
    /// Lines further apart than this many line heights end a table.
    static let rowGap = 2.5
    /// A table has at least this many rows of two or more cells.
    static let minRows = 2

    /// The tables found on the pages of `document` that have geometry, in page order.
    package static func tables(in document: Document) -> [Table] {
        let layout = TextLayout(document)
        var out: [Table] = []
        for page in document.pages.map(\.index) {
            let lines = layout.lines.filter { $0.page == page && $0.box != nil }.sorted { $0.box!.y0 < $1.box!.y0 }
            var run: [TextLayout.Line] = []
            func close() {
                if let t = table(run, page: page) { out.append(t) }
                run = []
            }
            for line in lines {
                guard line.segmentStarts.count >= 2 else {
                    close()
                    continue
                }
                if let last = run.last, let a = last.box, let b = line.box,
                    b.y0 - a.y1 > rowGap * max(last.height, line.height, 1)
                {
                    close()
                }
                run.append(line)
            }
            close()
        }
        return out
    }

    /// The table `rows` make, when they line up in at least two columns.
    static func table(_ rows: [TextLayout.Line], page: Int) -> Table? {
        guard rows.count >= minRows else { return nil }
        let cells = rows.map { line in
            line.segments.map { r -> (x0: Double, x1: Double, text: String, box: Box) in
                let words = Array(line.words[r])
                let box = words.compactMap(\.box).dropFirst().reduce(words[0].box!) { $0.union($1) }
                return (box.x0, box.x1, words.map(\.text).joined(separator: " "), box)
            }
        }
        // Columns: maximal x-ranges covered by single-column segments (each segment's own
        // range); a segment that covers several such ranges spans them.
        var bands: [(x0: Double, x1: Double)] = []
        for s in cells.flatMap({ $0 }).sorted(by: { $0.x0 < $1.x0 }) {
            if let last = bands.last, s.x0 <= last.x1 {
                bands[bands.count - 1].x1 = max(last.x1, s.x1)
            } else {
                bands.append((s.x0, s.x1))
            }
        }
        guard bands.count >= 2 else { return nil }
        var out: [Cell] = []
        for (row, line) in cells.enumerated() {
            for s in line {
                let covered = bands.indices.filter { bands[$0].x1 >= s.x0 && bands[$0].x0 <= s.x1 }
                guard let first = covered.first else { continue }
                out.append(
                    Cell(row: row, column: first, columnSpan: covered.count, text: s.text, box: s.box))
            }
        }
        return Table(page: page, rowCount: cells.count, columnCount: bands.count, cells: out)
    }
}
