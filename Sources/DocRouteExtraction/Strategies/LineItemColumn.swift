import DocRouteModel
import Foundation

/// The amounts listed in one column of a document's line items, found by the column's
/// header: in a native table, the cells below the header cell; in printed text (text layer or
/// OCR), the words below the header in its column. The list ends at the first row that
/// holds no amount there or that names the total or a field it adds (`stop` labels).
struct LineItemColumn {
    /// Header texts the column may carry ("Amount", "Line total"), as match keys.
    private let headerKeys: Set<String>
    /// Labels of a row that ends the list (the total's and the fields it adds), as match keys.
    private let stopKeys: Set<String>
    let numbers: NumberNormalizer

    init(headers: [String], stop: [String], numbers: NumberNormalizer) {
        headerKeys = Set(headers.map(TextNormalizer.matchKey))
        stopKeys = Set(stop.map(TextNormalizer.matchKey).filter { !$0.isEmpty })
        self.numbers = numbers
    }

    /// The column's amounts, or nil when no header is found, nothing is listed below it, or an
    /// entry is not a number (a sum of what could not be read proves nothing).
    func amounts(in document: Document, layout: TextLayout) -> [Decimal]? {
        fromTables(document.tables) ?? fromText(layout)
    }

    /// Whether a cell's or word's text is one of the stop labels.
    private func isStop(_ text: String) -> Bool {
        stopKeys.contains(TextNormalizer.matchKey(text))
    }

    private func amount(_ text: String) -> Decimal? {
        guard case .success(let (value, _)) = numbers.normalize(text, allowCurrency: true) else { return nil }
        return value
    }

    private func fromTables(_ tables: [Table]) -> [Decimal]? {
        for table in tables {
            guard let header = table.cells.first(where: { headerKeys.contains(TextNormalizer.matchKey($0.text)) })
            else { continue }
            var out: [Decimal] = []
            let byRow = Dictionary(grouping: table.cells, by: \.row)
            // Consecutive rows under the header: a row without cells ends the column.
            var row = header.row + header.rowSpan
            while row < table.rowCount, let cells = byRow[row] {
                defer { row += 1 }
                if cells.contains(where: { isStop($0.text) }) { break }
                guard let cell = cells.first(where: { $0.column == header.column }),
                    !cell.text.trimmingCharacters(in: .whitespaces).isEmpty
                else { break }
                guard let a = amount(cell.text) else { return nil }
                out.append(a)
            }
            if !out.isEmpty { return out }
        }
        return nil
    }

    private func fromText(_ layout: TextLayout) -> [Decimal]? {
        for (i, line) in layout.lines.enumerated() {
            guard let header = line.words.first(where: { headerKeys.contains(TextNormalizer.matchKey($0.text)) }),
                let hb = header.box
            else { continue }
            // Amounts stand right-aligned or centred under their header: a word of the column
            // overlaps the header widened by its own width to the left.
            let x0 = hb.x0 - hb.width, x1 = hb.x1 + hb.height
            var out: [Decimal] = []
            for next in layout.lines[(i + 1)...] where next.page == line.page {
                if next.words.contains(where: { isStop($0.text) }) { break }
                let inColumn = next.words.filter { w in
                    guard let b = w.box else { return false }
                    return b.x1 > x0 && b.x0 < x1
                }
                guard !inColumn.isEmpty else { break }
                guard let a = amount(inColumn.map(\.text).joined(separator: " ")) else { return nil }
                out.append(a)
            }
            if !out.isEmpty { return out }
        }
        return nil
    }
}
