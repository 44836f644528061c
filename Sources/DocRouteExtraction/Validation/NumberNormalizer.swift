import DocRouteModel
import Foundation

/// Reads printed numbers and amounts ("1,234.56", "1.234,56 €", "CHF 1'250.–", "-3 500")
/// into an exact decimal, with the currency when one is printed.
public struct NumberNormalizer: Sendable {
    /// The decimal separator assumed when a print is ambiguous ("1,234" or "1.234").
    public var decimalSeparator: Character

    public init(decimalSeparator: Character = ".") {
        self.decimalSeparator = decimalSeparator
    }

    static let currencySymbols: [String: String] = [
        "€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "₹": "INR", "₽": "RUB", "₺": "TRY",
        "zł": "PLN", "kr": "SEK", "Fr.": "CHF", "R$": "BRL", "Rs.": "INR", "US$": "USD",
        "RM": "MYR", "Rp": "IDR", "₱": "PHP", "฿": "THB", "₩": "KRW", "₫": "VND", "₪": "ILS", "S$": "SGD",
        "HK$": "HKD", "A$": "AUD", "C$": "CAD", "NZ$": "NZD", "Kč": "CZK",
    ]
    static let currencyCodes: Set<String> = [
        "EUR", "USD", "GBP", "CHF", "JPY", "CNY", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "RON",
        "BGN", "CAD", "AUD", "NZD", "INR", "BRL", "MXN", "ZAR", "TRY", "RUB", "SGD", "HKD",
        "MYR", "IDR", "PHP", "THB", "KRW", "VND", "TWD", "AED", "SAR", "QAR", "KWD", "ILS", "EGP",
        "NGN", "KES", "ARS", "CLP", "COP", "UAH", "ISK",
    ]

    /// Currency names as printed, by their code.
    static let currencyNames: [String: String] = [
        "euro": "EUR", "euros": "EUR", "dollar": "USD", "dollars": "USD", "usdollar": "USD", "usdollars": "USD",
        "pound": "GBP", "pounds": "GBP", "poundsterling": "GBP", "rupee": "INR", "rupees": "INR", "rs": "INR",
        "swissfranc": "CHF", "swissfrancs": "CHF", "franken": "CHF", "yen": "JPY", "yuan": "CNY", "renminbi": "CNY",
        "zloty": "PLN", "złoty": "PLN", "krona": "SEK", "kronor": "SEK", "krone": "DKK", "kroner": "NOK",
    ]

    /// The ISO 4217 code `text` names: a code, a symbol or a name, alone (case and a trailing
    /// dot ignored); nil otherwise.
    public static func currency(named text: String) -> String? {
        let t = TextNormalizer.collapse(text).trimmingCharacters(in: CharacterSet(charactersIn: " .:()"))
        guard !t.isEmpty, t.count <= 20 else { return nil }
        if currencyCodes.contains(t.uppercased()) { return t.uppercased() }
        if let code = currencySymbols[t] { return code }
        return currencyNames[t.lowercased().filter { !$0.isWhitespace && $0 != "." }]
    }

    /// The number and the currency (ISO 4217 code) found in `raw`, or why it is not a number.
    public func normalize(_ raw: String, allowCurrency: Bool) -> Result<(Decimal, String?), ValidationFailure> {
        var s = TextNormalizer.collapse(raw)
        var currency: String? = nil
        // Currency codes and symbols, before or after the number.
        for code in Self.currencyCodes where s.uppercased().contains(code) {
            if let r = s.range(of: code, options: .caseInsensitive) {
                currency = code; s.removeSubrange(r); break
            }
        }
        if currency == nil {
            for (symbol, code) in Self.currencySymbols.sorted(by: { $0.key.count > $1.key.count }) {
                if let r = s.range(of: symbol) { currency = code; s.removeSubrange(r); break }
            }
        }
        if currency == nil {
            // A currency name as a word of its own: "Rs 1939", "1939 Euro".
            var parts = s.split(separator: " ").map(String.init)
            if parts.count > 1, let c = Self.currencyNames[parts[0].lowercased().filter { $0 != "." }] {
                currency = c; parts.removeFirst()
            } else if parts.count > 1,
                let c = Self.currencyNames[parts[parts.count - 1].lowercased().filter { $0 != "." }]
            {
                currency = c; parts.removeLast()
            }
            s = parts.joined(separator: " ")
        }
        if s.contains("%") { return .failure(.init("a percentage, not a number")) }
        if currency != nil && !allowCurrency { return .failure(.init("a number, not an amount of money")) }
        s = s.trimmingCharacters(in: .whitespaces)
        // Trailing dash forms of "no cents" ("1250.–", "1250,-").
        for tail in [".–", ",–", ".-", ",-"] where s.hasSuffix(tail) { s.removeLast(2) }
        var negative = false
        if s.hasPrefix("(") && s.hasSuffix(")") { negative = true; s = String(s.dropFirst().dropLast()) }
        if s.hasPrefix("-") || s.hasPrefix("−") { negative.toggle(); s.removeFirst() }
        if s.hasSuffix("-") { negative.toggle(); s.removeLast() }
        // Thousands separators that cannot be decimal marks: spaces and apostrophes.
        s = String(s.filter { !($0.isWhitespace || $0 == "'" || $0 == "’" || $0 == "\u{202F}") })
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == ",") }),
            s.first!.isNumber || s.first == "." || s.first == ","
        else { return .failure(.init("not a number")) }
        let dots = s.filter { $0 == "." }.count, commas = s.filter { $0 == "," }.count
        let decimal: Character?
        if dots > 0 && commas > 0 {
            decimal = s.lastIndex(of: ".")! > s.lastIndex(of: ",")! ? "." : ","
        } else if dots + commas == 0 {
            decimal = nil
        } else {
            let sep: Character = dots > 0 ? "." : ","
            if dots + commas > 1 {
                decimal = nil  // "1.234.567": grouping only
            } else {
                let after = s.count - 1 - s.distance(from: s.startIndex, to: s.firstIndex(of: sep)!)
                decimal = after == 3 ? (sep == decimalSeparator ? sep : nil) : sep
            }
        }
        let thousands: Character? =
            decimal == "." ? "," : (decimal == "," ? "." : (dots > 0 ? "." : (commas > 0 ? "," : nil)))
        // Grouping must be in threes.
        var integerPart = s
        var fraction = ""
        if let decimal, let i = s.lastIndex(of: decimal) {
            integerPart = String(s[..<i]); fraction = String(s[s.index(after: i)...])
            guard !fraction.contains(".") && !fraction.contains(",") else { return .failure(.init("not a number")) }
        }
        if let thousands, integerPart.contains(thousands) {
            let groups = integerPart.split(separator: thousands, omittingEmptySubsequences: false)
            guard groups.first.map({ (1...3).contains($0.count) }) == true,
                groups.dropFirst().allSatisfy({ $0.count == 3 })
            else { return .failure(.init("digit grouping of \(raw) is not in threes")) }
            integerPart = groups.joined()
        }
        guard !integerPart.contains("."), !integerPart.contains(",") else { return .failure(.init("not a number")) }
        let text =
            (negative ? "-" : "") + (integerPart.isEmpty ? "0" : integerPart) + (fraction.isEmpty ? "" : "." + fraction)
        guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
            return .failure(.init("not a number"))
        }
        return .success((value, currency))
    }
}
