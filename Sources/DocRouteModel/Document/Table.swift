/// A grid of cells: a native DOCX table, an XLSX sheet, or a table built from word boxes.
///
/// Rows and columns are 0-based. A merged cell appears once, at its top-left position, with
/// its spans; the positions it covers hold no other cell.
public struct Table: Sendable, Hashable, Codable {
    /// Index of the page the table stands on (for XLSX: the sheet's page).
    public var page: Int
    /// The sheet name for XLSX; nil otherwise.
    public var name: String?
    public var rowCount: Int
    public var columnCount: Int
    public var cells: [Cell]

    public init(page: Int, name: String? = nil, rowCount: Int, columnCount: Int, cells: [Cell]) {
        self.page = page; self.name = name; self.rowCount = rowCount
        self.columnCount = columnCount; self.cells = cells
    }

    /// The cell whose top-left corner is at (`row`, `column`), if any.
    public func cell(row: Int, column: Int) -> Cell? {
        cells.first { $0.row == row && $0.column == column }
    }

    /// The cell covering (`row`, `column`), counting spans.
    public func cell(covering row: Int, _ column: Int) -> Cell? {
        cells.first {
            row >= $0.row && row < $0.row + $0.rowSpan && column >= $0.column && column < $0.column + $0.columnSpan
        }
    }

    enum CodingKeys: String, CodingKey {
        case page, name, rowCount = "rows", columnCount = "columns", cells
    }
}
