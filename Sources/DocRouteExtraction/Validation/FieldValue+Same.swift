import DocRouteModel
import Foundation

extension FieldValue {
    /// Whether two values are the same value of a field of `type`: numbers by value (a number
    /// and its text alike), a zone without its spaces, identifiers by `identifierKey`, other
    /// text with runs of spaces collapsed and in one Unicode form. Evaluation and template
    /// learning compare a value with the truth by it.
    package static func same(_ a: FieldValue, _ b: FieldValue, type: FieldType) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x == y
        case (.number(let x), .string(let s)), (.string(let s), .number(let x)): return Decimal(string: s) == x
        case (.string(let x), .string(let y)):
            if type == .mrz { return x.filter { !$0.isWhitespace } == y.filter { !$0.isWhitespace } }
            if type == .identifier { return identifierKey(x) == identifierKey(y) }
            return TextNormalizer.collapse(x).precomposedStringWithCanonicalMapping
                == TextNormalizer.collapse(y).precomposedStringWithCanonicalMapping
        case (.rows(let x), .rows(let y)): return x == y
        case (.rows, _), (_, .rows): return false
        }
    }

    /// An identifier as compared: without spaces and without the number sign a label leaves
    /// in front of it (`# BLR_1` and `BLR_1`, `DE 232 446 240` and `DE232446240` are the same).
    package static func identifierKey(_ s: String) -> String {
        var key = s.filter { !$0.isWhitespace }.uppercased()
        while let c = key.first, "#№:".contains(c) { key.removeFirst() }
        return key
    }
}
