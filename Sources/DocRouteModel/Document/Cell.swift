/// One cell of a `Table`: its grid position, spans, printed text and, for spreadsheets, its kind.
public struct Cell: Sendable, Hashable, Codable {
    /// What a cell holds, where the source says so (XLSX); nil elsewhere.
    public enum Kind: String, Sendable, Codable {
        case text, number, date, duration, boolean, error
    }

    public var row: Int
    public var column: Int
    public var rowSpan: Int
    public var columnSpan: Int
    /// The cell's text as printed: for XLSX dates an ISO 8601 date (or date-time), for numbers
    /// the shortest decimal form of the stored value.
    public var text: String
    public var box: Box?
    public var kind: Kind?
    /// The formula that computed the cell (XLSX); `text` is its cached value.
    public var formula: String?

    public init(
        row: Int, column: Int, rowSpan: Int = 1, columnSpan: Int = 1, text: String,
        box: Box? = nil, kind: Kind? = nil, formula: String? = nil
    ) {
        self.row = row; self.column = column; self.rowSpan = rowSpan; self.columnSpan = columnSpan
        self.text = text; self.box = box; self.kind = kind; self.formula = formula
    }

    enum CodingKeys: String, CodingKey {
        case row, column, rowSpan = "row_span", columnSpan = "column_span", text, box, kind, formula
    }
}
