import DocRouteModel

/// A register: a native table whose header row holds the labels of several fields and whose
/// rows below each describe one item (one person, one order). Each data row becomes its own
/// record; this is how a spreadsheet listing many people is read.
struct RegisterTable: Sendable {
    /// One data row and the candidates it holds.
    struct Row: Sendable {
        /// Sheet (or table) name, when it has one.
        var sheet: String?
        /// 1-based row number as a spreadsheet shows it.
        var row: Int
        var candidates: CandidateSet
    }

    /// The rows of every register table in `document`; empty when there is none.
    ///
    /// A header needs the labels of at least three fields (two when the pipeline has only two),
    /// and the table at least two non-empty rows below it: a header with a single row below is
    /// an ordinary "value below label" form, read by the table strategy.
    static func rows(in document: Document, fields: [FieldSpec], matcher: LabelMatcher) -> [Row] {
        let needed = max(1, min(3, fields.count))
        var out: [Row] = []
        for table in document.tables {
            let grid = TableGrid(table)
            // Rows that hold cells: a merge claiming a million rows costs what the cells do.
            let filled = table.rowsWithCells
            var header: (row: Int, columns: [(field: String, column: Int, quality: Double)])? = nil
            for (r, cells) in filled where r < 20 {
                var columns: [(String, Int, Double)] = []
                var seen = Set<String>()
                for cell in cells {
                    guard let (field, q) = matcher.matchWhole(cell.text), seen.insert(field).inserted else { continue }
                    columns.append((field, cell.column, q))
                }
                if columns.count >= needed { header = (r, columns); break }
            }
            guard let header else { continue }
            var rows: [Row] = []
            for (r, _) in filled where r > header.row {
                var set: CandidateSet = [:]
                for (field, c, q) in header.columns {
                    guard let cell = grid.cell(covering: r, c), !cell.text.trimmingCharacters(in: .whitespaces).isEmpty
                    else { continue }
                    set[field] = [Candidate(text: cell.text, page: table.page, box: cell.box, confidence: q)]
                }
                if !set.isEmpty { rows.append(Row(sheet: table.name, row: r + 1, candidates: set)) }
            }
            if rows.count >= 2 { out += rows }
        }
        return out
    }
}
