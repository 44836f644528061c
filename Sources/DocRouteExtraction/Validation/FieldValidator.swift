import DocRouteModel
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
            if let f = s.first, quotes.contains(f) {
                s.removeFirst()
            } else if let l = s.last, quotes.contains(l) {
                s.removeLast()
            }
            s = s.trimmingCharacters(in: .whitespaces)
        }
        // An opening bracket without its partner in front of a value is the rule of the box it
        // is printed in, read as one ("(ZIELIŃSKI", "[Noémie"). (A closing one at the end stays:
        // it is more often a misread J, which OCR repair restores.)
        for (open, close) in [("(", ")"), ("[", "]"), ("{", "}")] as [(Character, Character)]
        where s.count > 1 && s.first == open && !s.contains(close) {
            s.removeFirst()
            s = s.trimmingCharacters(in: .whitespaces)
        }
        return s
    }

    public func validate(_ printed: String) -> Result<ValidatedValue, ValidationFailure> {
        let raw = Self.clean(printed, multiline: field.type == .mrz || field.type == .address)
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
                    if spellings.contains(where: { TextNormalizer.distance($0, key, limit: 1) <= 1 }) {
                        match = v; break
                    }
                }
            }
            guard let match else {
                return .failure(.init("\"\(raw)\" is not one of \(field.values.map(\.value).joined(separator: ", "))"))
            }
            value = .string(match.value)
        case .identifier:
            switch Self.identifier(raw, patterned: field.pattern != nil) {
            case .success(let id): value = .string(id)
            case .failure(let f): return .failure(f)
            }
        case .email:
            guard let email = Self.email(raw) else { return .failure(.init("not an e-mail address")) }
            value = .string(email)
        case .url:
            guard let url = Self.url(raw) else { return .failure(.init("not a web address")) }
            value = .string(url)
        case .phone:
            guard let phone = Self.phone(raw) else { return .failure(.init("not a telephone number")) }
            value = .string(phone)
        case .currency:
            guard let code = NumberNormalizer.currency(named: raw) else { return .failure(.init("not a currency")) }
            value = .string(code)
        case .address:
            value = .string(raw)
        case .mrz:
            guard let mrz = MRZ(raw) else {
                return .failure(.init("not an ICAO 9303 machine-readable zone (TD1, TD2 or TD3)"))
            }
            guard mrz.isValid else {
                return .failure(.init("MRZ check digits fail: \(mrz.failedChecks.joined(separator: ", "))"))
            }
            value = .string(mrz.lines.joined(separator: "\n"))
        }
        if let pattern = field.pattern {
            let subject = [.text, .identifier].contains(field.type) ? value.description : raw
            guard pattern.matchesWhole(subject) else {
                return .failure(.init("\"\(subject)\" does not match the pattern \(pattern.source)"))
            }
        }
        switch field.check {
        case .icao9303 where field.type != .mrz:
            guard CheckDigits.icaoValid(value.description) else {
                return .failure(.init("ICAO 9303 check digit fails"))
            }
        case .iban:
            if let problem = CheckDigits.ibanProblem(value.description) { return .failure(.init(problem)) }
        case .luhn:
            guard CheckDigits.luhnValid(value.description) else { return .failure(.init("Luhn check fails")) }
        case .country:
            guard CountryCodes.contains(value.description) else {
                return .failure(.init("\"\(value)\" is not a country code"))
            }
        default: break
        }
        return .success(ValidatedValue(value: value, raw: raw, currency: currency))
    }

    /// Marks printed before a number that are not part of it ("# 1234", "N° 42", "No. 7").
    static let numberMarks = ["#", "n°", "nº", "no.", "nr.", "no:", "nr:", "no", "nr", "n.", "num.", "nummer"]

    /// `raw` as an identifier: one token with a digit, a leading number mark dropped; with a
    /// pattern, any text (the pattern decides).
    static func identifier(_ raw: String, patterned: Bool) -> Result<String, ValidationFailure> {
        var tokens = raw.split(whereSeparator: \.isWhitespace).map(String.init)
        // A mark standing alone before the number ("No. 1234", "# 1234").
        while tokens.count > 1, numberMarks.contains(tokens[0].lowercased()) { tokens.removeFirst() }
        // A mark glued to it ("#1234", "N°1234", "Nr.1234"); "#BLR_…" keeps its # as printed.
        if let first = tokens.first {
            for mark in ["#", "n°", "nº", "no.", "nr."] where first.lowercased().hasPrefix(mark) {
                let rest = first.dropFirst(mark.count)
                if rest.first?.isNumber == true { tokens[0] = String(rest) }
                break
            }
        }
        // OCR spaces out hyphens and slashes (`DE- 2020 -MUC -2693`): their pieces are one.
        var joined: [String] = []
        for t in tokens {
            if let last = joined.last, last.last.map({ "-/".contains($0) }) == true || "-/".contains(t.first ?? " ") {
                joined[joined.count - 1] += t
            } else {
                joined.append(t)
            }
        }
        tokens = joined
        let text = tokens.joined(separator: " ")
        if patterned { return text.isEmpty ? .failure(.init("empty")) : .success(text) }
        guard tokens.count == 1 else {
            return .failure(.init("\"\(raw.prefix(60))\" is not one identifier (an identifier has no spaces)"))
        }
        guard text.count <= 40 else { return .failure(.init("too long for an identifier")) }
        guard text.contains(where: \.isNumber) else { return .failure(.init("\"\(text)\" has no digit")) }
        guard text.contains(where: { $0.isLetter || $0.isNumber }) else { return .failure(.init("not an identifier")) }
        return .success(text)
    }

    static func email(_ raw: String) -> String? {
        let t = raw.trimmingCharacters(in: CharacterSet(charactersIn: "<>()[].,;:"))
        guard !t.contains(where: \.isWhitespace), let at = t.firstIndex(of: "@"), at != t.startIndex else { return nil }
        let domain = t[t.index(after: at)...]
        guard domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains("@") else {
            return nil
        }
        return t
    }

    static func url(_ raw: String) -> String? {
        let t = raw.trimmingCharacters(in: CharacterSet(charactersIn: "<>()[],;"))
        guard !t.contains(where: \.isWhitespace), !t.contains("@") else { return nil }
        let lower = t.lowercased()
        var host = lower
        for scheme in ["https://", "http://"] where host.hasPrefix(scheme) { host.removeFirst(scheme.count) }
        host = String(host.prefix { $0 != "/" && $0 != "?" && $0 != "#" })
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2,
            labels.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } }),
            let tld = labels.last, tld.count >= 2, tld.allSatisfy(\.isLetter)
        else { return nil }
        return t.hasSuffix(".") ? String(t.dropLast()) : t
    }

    static func phone(_ raw: String) -> String? {
        let allowed = CharacterSet(charactersIn: "0123456789+-()./ ")
        var t = raw
        for prefix in ["tel.", "tel:", "tel", "phone:", "phone", "fon:", "ph."] where t.lowercased().hasPrefix(prefix) {
            t = String(t.dropFirst(prefix.count))
        }
        t = t.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty, t.unicodeScalars.allSatisfy({ allowed.contains($0) }) else { return nil }
        let digits = t.filter(\.isNumber).count
        guard (6...15).contains(digits), !t.dropFirst().contains("+") else { return nil }
        return t
    }
}
