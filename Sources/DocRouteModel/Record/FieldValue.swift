import Foundation

/// A normalised field value: text (ISO dates, enum values, text as printed) or an exact
/// decimal number (numbers, amounts). Encodes as a JSON string or number.
public enum FieldValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case string(String)
    case number(Decimal)

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let d = try? c.decode(Decimal.self) { self = .number(d) } else { self = .string(try c.decode(String.self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .number(let d): try c.encode(d)
        }
    }

    /// The value as text (numbers in their shortest decimal form).
    public var description: String {
        switch self {
        case .string(let s): s
        case .number(let d): NSDecimalNumber(decimal: d).stringValue
        }
    }
}
