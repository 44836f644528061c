import DocRouteModel
import Foundation

/// A template's fixed text, parsed: lines of literal words and `{{field}}` placeholders.
public struct TemplateText: Sendable {
    /// A literal word (compared by its key) or a placeholder.
    enum Part: Sendable, Hashable {
        case literal(String)
        case slot(String)
    }

    struct Line: Sendable {
        var parts: [Part]
        /// Literal words with a non-empty key; the weight of the line in the match score.
        var literalCount: Int
    }

    let lines: [Line]

    /// The field names of the placeholders in `text`, in order.
    public static func placeholders(in text: String) -> [String] { TemplateSpec.placeholders(in: text) }

    public init(_ text: String) {
        lines = text.split(whereSeparator: \.isNewline).compactMap { raw in
            let parts = Self.parse(line: raw)
            guard !parts.isEmpty else { return nil }
            let literals = parts.filter { if case .literal = $0 { true } else { false } }.count
            return Line(parts: parts, literalCount: literals)
        }
    }

    /// Splits a line into literal words (keyed: case, accents and punctuation dropped; words
    /// that are only punctuation vanish) and `{{name}}` slots.
    static func parse(line: Substring) -> [Part] {
        var parts: [Part] = []
        var rest = line[...]
        func literals(_ s: Substring) {
            for w in s.split(whereSeparator: { $0.isWhitespace }) {
                let k = TextNormalizer.matchKey(String(w))
                if !k.isEmpty { parts.append(.literal(k)) }
            }
        }
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            literals(rest[..<open.lowerBound])
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if !name.isEmpty { parts.append(.slot(name)) }
            rest = rest[close.upperBound...]
        }
        literals(rest)
        return parts
    }
}
