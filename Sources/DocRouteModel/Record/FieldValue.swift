import Foundation

/// A normalised field value: text (ISO dates, enum values, text as printed), an exact decimal
/// number (numbers, amounts), or a table field's rows. Encodes as a JSON string, number, or
/// list of objects.
public enum FieldValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case string(String)
    case number(Decimal)
    /// A table field's rows, each a value per column that holds one.
    case rows([[String: FieldValue]])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let d = try? c.decode(Decimal.self) {
            self = .number(d)
        } else if let rows = try? c.decode([[String: FieldValue]].self) {
            self = .rows(rows)
        } else {
            self = .string(try c.decode(String.self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .number(let d): try c.encode(d)
        case .rows(let rows): try c.encode(rows)
        }
    }

    /// The value as text (numbers in their shortest decimal form).
    public var description: String {
        switch self {
        case .string(let s): s
        case .number(let d): NSDecimalNumber(decimal: d).stringValue
        case .rows(let rows):
            "["
                + rows.map { row in
                    "{" + row.keys.sorted().map { "\($0): \(row[$0]!)" }.joined(separator: ", ") + "}"
                }.joined(separator: ", ") + "]"
        }
    }
}
