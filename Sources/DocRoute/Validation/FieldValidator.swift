import Foundation

/// Why a printed value is not a valid value of its field.
public struct ValidationFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// A value that passed validation: the normalised value, the printed text it came from, and
/// the currency of an amount.
public struct ValidatedValue: Sendable, Hashable {
    public var value: FieldValue
    public var raw: String
    public var currency: String?
}

/// Normalises and validates printed values for one field: type, pattern, check digits.
///
/// The pattern is matched against the value as DocRoute emits it for text fields (spaces
/// removed for IBAN and Luhn checks), and against the printed text for the other types.
public struct FieldValidator: Sendable {
    public let field: FieldSpec
    let dates: DateNormalizer
    let numbers: NumberNormalizer

    public init(field: FieldSpec, dateOrder: DateNormalizer.Order = .dmy, decimalSeparator: Character = ".") {
        self.field = field
        dates = DateNormalizer(order: field.dateOrder ?? dateOrder)
        numbers = NumberNormalizer(decimalSeparator: decimalSeparator)
    }

    /// Printed text with what surrounds a value on a page removed: whitespace runs, a
    /// separator left by its label (":", "|"), trailing ";" and ",".
    public static func clean(_ raw: String, multiline: Bool = false) -> String {
        var s: String
        if multiline {
            s = raw.split(whereSeparator: \.isNewline).map { TextNormalizer.collapse(String($0)) }
                .filter { !$0.isEmpty }.joined(separator: "\n")
        } else {
            s = TextNormalizer.collapse(raw)
        }
        let leading: Set<Character> = [":", "|", ";", ",", "=", "·", "•"]
        while let f = s.first, leading.contains(f) || f.isWhitespace { s.removeFirst() }
        let trailing: Set<Character> = [":", "|", ";", ","]
        while let l = s.last, trailing.contains(l) || l.isWhitespace { s.removeLast() }
        // A lone double quote at either end is a speck OCR read as one ("ERIK), not a quotation.
        let quotes: Set<Character> = ["\"", "“", "”", "„"]
        if s.count > 1, s.filter({ quotes.contains($0) }).count == 1 {
            if let f = s.first, quotes.contains(f) { s.removeFirst() } else if let l = s.last, quotes.contains(l) { s.removeLast() }
            s = s.trimmingCharacters(in: .whitespaces)
        }
        return s
    }

    public func validate(_ printed: String) -> Result<ValidatedValue, ValidationFailure> {
        let raw = Self.clean(printed, multiline: field.type == .mrz)
        guard !raw.isEmpty else { return .failure(.init("empty")) }
        var currency: String? = nil
        let value: FieldValue
        switch field.type {
        case .text:
            var text = raw
            if field.check == .iban { text = text.filter { $0 != " " }.uppercased() }
            if field.check == .luhn { text = text.filter { $0 != " " && $0 != "-" } }
            value = .string(text)
        case .date:
            switch dates.normalize(raw) {
            case .success(let iso): value = .string(iso)
            case .failure(let f): return .failure(f)
            }
        case .number, .integer, .money:
            switch numbers.normalize(raw, allowCurrency: field.type == .money) {
            case .success(let (d, c)):
                if field.type == .integer {
                    var rounded = Decimal()
                    var copy = d
                    NSDecimalRound(&rounded, &copy, 0, .plain)
                    guard rounded == d else { return .failure(.init("not a whole number")) }
                }
                value = .number(d); currency = c
            case .failure(let f): return .failure(f)
            }
        case .enum:
            let key = TextNormalizer.matchKey(raw)
            var match: EnumValue? = nil
            for v in field.values {
                let spellings = [v.value] + v.synonyms
                if spellings.contains(where: { TextNormalizer.matchKey($0) == key }) { match = v; break }
            }
            if match == nil {
                // A misread letter in a longer spelling ("Fernale").
                for v in field.values {
                    let spellings = ([v.value] + v.synonyms).map(TextNormalizer.matchKey).filter { $0.count >= 4 }
                    if spellings.contains(where: { TextNormalizer.distance($0, key, limit: 1) <= 1 }) { match = v; break }
                }
            }
            guard let match else {
                return .failure(.init("\"\(raw)\" is not one of \(field.values.map(\.value).joined(separator: ", "))"))
            }
            value = .string(match.value)
        case .mrz:
            guard let mrz = MRZ(raw) else { return .failure(.init("not an ICAO 9303 machine-readable zone (TD1, TD2 or TD3)")) }
            guard mrz.isValid else { return .failure(.init("MRZ check digits fail: \(mrz.failedChecks.joined(separator: ", "))")) }
            value = .string(mrz.lines.joined(separator: "\n"))
        }
        if let pattern = field.pattern {
            let subject = field.type == .text ? value.description : raw
            guard pattern.matchesWhole(subject) else {
                return .failure(.init("\"\(subject)\" does not match the pattern \(pattern.source)"))
            }
        }
        switch field.check {
        case .icao9303 where field.type != .mrz:
            guard CheckDigits.icaoValid(value.description) else { return .failure(.init("ICAO 9303 check digit fails")) }
        case .iban:
            if let problem = CheckDigits.ibanProblem(value.description) { return .failure(.init(problem)) }
        case .luhn:
            guard CheckDigits.luhnValid(value.description) else { return .failure(.init("Luhn check fails")) }
        default: break
        }
        return .success(ValidatedValue(value: value, raw: raw, currency: currency))
    }
}
