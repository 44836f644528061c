import DocRouteModel

/// Check-digit schemes used by identity and payment documents: ICAO 9303 (machine-readable
/// travel documents), IBAN (ISO 13616, mod 97) and Luhn (card and many account numbers).
public enum CheckDigits {
    // MARK: ICAO 9303

    /// The ICAO 9303 check digit of `field` (weights 7, 3, 1; digits as themselves, A–Z as
    /// 10–35, `<` as 0), or nil when `field` holds another character.
    public static func icao(_ field: Substring) -> Int? {
        let weights = [7, 3, 1]
        var total = 0
        for (i, ch) in field.unicodeScalars.enumerated() {
            let v: Int
            switch ch.value {
            case 48...57: v = Int(ch.value) - 48
            case 65...90: v = Int(ch.value) - 55
            case 60: v = 0  // "<"
            default: return nil
            }
            total += v * weights[i % 3]
        }
        return total % 10
    }

    public static func icao(_ field: String) -> Int? { icao(Substring(field)) }

    /// True when the last character of `value` is the ICAO 9303 check digit of the rest
    /// (a document number printed with its check digit, e.g. `L898902C36`).
    public static func icaoValid(_ value: String) -> Bool {
        guard value.count >= 2, let last = value.last, let digit = last.wholeNumberValue, last.isASCII,
            let computed = icao(value.dropLast())
        else { return false }
        return digit == computed
    }

    // MARK: IBAN

    /// Lengths of IBANs by country (ISO 13616 registry, the common SEPA and nearby countries).
    static let ibanLengths: [String: Int] = [
        "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
        "BR": 29, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20,
        "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18,
        "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27, "JO": 30,
        "KW": 30, "KZ": 20, "LB": 28, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24,
        "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28,
        "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SE": 24, "SI": 19, "SK": 24,
        "SM": 27, "TN": 24, "TR": 26, "UA": 29, "VG": 24, "XK": 20,
    ]

    /// Why an IBAN is not valid, or nil when it is. Spaces are ignored; letters must be upper case.
    public static func ibanProblem(_ value: String) -> String? {
        let iban = value.filter { $0 != " " }
        guard iban.count >= 15, iban.count <= 34 else { return "an IBAN has 15 to 34 characters" }
        guard iban.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) else {
            return "an IBAN holds only A-Z and 0-9"
        }
        let country = String(iban.prefix(2))
        guard country.allSatisfy(\.isLetter), iban.dropFirst(2).prefix(2).allSatisfy(\.isNumber) else {
            return "an IBAN starts with a country code and two check digits"
        }
        if let length = ibanLengths[country], length != iban.count {
            return "an IBAN of \(country) has \(length) characters, not \(iban.count)"
        }
        // Move the first four characters to the end, letters to 10...35, then mod 97 piecewise.
        let rearranged = iban.dropFirst(4) + iban.prefix(4)
        var remainder = 0
        for ch in rearranged.unicodeScalars {
            let v = ch.value >= 65 ? Int(ch.value) - 55 : Int(ch.value) - 48
            remainder = (v >= 10 ? remainder * 100 + v : remainder * 10 + v) % 97
        }
        return remainder == 1 ? nil : "IBAN check digits do not verify (mod 97)"
    }

    // MARK: Luhn

    /// True when the digits of `value` (spaces and dashes ignored) pass the Luhn check.
    public static func luhnValid(_ value: String) -> Bool {
        let digits = value.filter { $0 != " " && $0 != "-" }
        guard digits.count >= 2, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        var sum = 0
        for (i, ch) in digits.reversed().enumerated() {
            var d = ch.wholeNumberValue!
            if i % 2 == 1 {
                d *= 2
                if d > 9 { d -= 9 }
            }
            sum += d
        }
        return sum % 10 == 0
    }
}
