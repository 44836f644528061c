import DocRouteModel
import Foundation

/// Reads a printed date ("12.04.1990", "04/12/1990", "12 APR 1990", "1990-04-12", "120490")
/// into ISO 8601, deciding day/month order by `order` when the print does not.
public struct DateNormalizer: Sendable {
    /// The order of day, month and year in all-numeric dates.
    public typealias Order = DateOrder

    public var order: Order
    /// Two-digit years up to this value are 20YY, above it 19YY.
    public var pivot: Int

    public init(order: Order = .dmy, pivot: Int = DateNormalizer.defaultPivot) {
        self.order = order
        self.pivot = pivot
    }

    /// The current year's two digits plus 20: a birth date printed "45" in 2026 is 2045 only
    /// if 45 ≤ 46; documents rarely print two-digit years outside machine-readable zones.
    public static let defaultPivot: Int = {
        (Calendar(identifier: .gregorian).component(.year, from: Date()) % 100 + 20) % 100
    }()

    /// Month names and abbreviations (English, French, German, Spanish, Italian, Portuguese,
    /// Dutch), upper case without accents.
    static let months: [String: Int] = {
        let names: [[String]] = [
            ["JAN", "JANUARY", "JANVIER", "JANUAR", "ENE", "ENERO", "GEN", "GENNAIO", "JANEIRO", "JANUARI"],
            ["FEB", "FEBRUARY", "FEV", "FEVRIER", "FEBRUAR", "FEBRERO", "FEBBRAIO", "FEVEREIRO", "FEBRUARI"],
            ["MAR", "MARCH", "MARS", "MARZ", "MAERZ", "MARZO", "MARCO", "MAART", "MRT"],
            ["APR", "APRIL", "AVR", "AVRIL", "ABR", "ABRIL", "APRILE"],
            ["MAY", "MAI", "MAYO", "MAG", "MAGGIO", "MAIO", "MEI"],
            ["JUN", "JUNE", "JUIN", "JUNI", "JUNIO", "GIU", "GIUGNO", "JUNHO"],
            ["JUL", "JULY", "JUIL", "JUILLET", "JULI", "JULIO", "LUG", "LUGLIO", "JULHO"],
            ["AUG", "AUGUST", "AOU", "AOUT", "AGO", "AGOSTO", "AUGUSTUS"],
            ["SEP", "SEPT", "SEPTEMBER", "SEPTEMBRE", "SEPTIEMBRE", "SET", "SETTEMBRE", "SETEMBRO"],
            ["OCT", "OCTOBER", "OCTOBRE", "OKT", "OKTOBER", "OCTUBRE", "OTT", "OTTOBRE", "OUT", "OUTUBRO"],
            ["NOV", "NOVEMBER", "NOVEMBRE", "NOVIEMBRE", "NOVEMBRO"],
            ["DEC", "DECEMBER", "DECEMBRE", "DEZ", "DEZEMBER", "DIC", "DICIEMBRE", "DICEMBRE", "DEZEMBRO"],
        ]
        var map: [String: Int] = [:]
        for (i, list) in names.enumerated() { for n in list where map[n] == nil { map[n] = i + 1 } }
        return map
    }()

    /// Weekday names and abbreviations (the languages of `months`), upper case without accents.
    static let weekdays: Set<String> = [
        "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY", "MON", "TUE", "WED", "THU", "FRI",
        "SAT", "SUN",
        "LUNDI", "MARDI", "MERCREDI", "JEUDI", "VENDREDI", "SAMEDI", "DIMANCHE",
        "MONTAG", "DIENSTAG", "MITTWOCH", "DONNERSTAG", "FREITAG", "SAMSTAG", "SONNTAG",
        "LUNES", "MARTES", "MIERCOLES", "JUEVES", "VIERNES", "SABADO", "DOMINGO",
        "LUNEDI", "MARTEDI", "MERCOLEDI", "GIOVEDI", "VENERDI", "DOMENICA",
        "MAANDAG", "DINSDAG", "WOENSDAG", "DONDERDAG", "VRIJDAG", "ZATERDAG", "ZONDAG",
    ]

    /// The ISO 8601 date (`YYYY-MM-DD`), or a reason why `raw` is not a date.
    public func normalize(_ raw: String) -> Result<String, ValidationFailure> {
        let folded = TextNormalizer.fold(raw).uppercased()
        // Tokens: runs of digits or of letters.
        var tokens: [String] = []
        var current = ""
        var lastKind = 0
        for ch in folded {
            let kind = ch.isASCII && ch.isNumber ? 1 : (ch.isLetter ? 2 : 0)
            if kind != lastKind || kind == 0 {
                if !current.isEmpty { tokens.append(current) }
                current = ""
            }
            if kind != 0 { current.append(ch) }
            lastKind = kind
        }
        if !current.isEmpty { tokens.append(current) }
        // A trailing time of day ("2024-01-02T10:00:00", "2024-01-02 10:00") is not part of a date.
        if tokens.count > 3, tokens[0].count == 4, tokens.prefix(3).allSatisfy({ $0.allSatisfy(\.isNumber) }),
            tokens.dropFirst(3).allSatisfy({ $0 == "T" || ($0.count == 2 && $0.allSatisfy(\.isNumber)) })
        {
            tokens = Array(tokens.prefix(3))
        }
        // Weekday names ("Monday, 3 August 2014") and ordinal endings ("3rd", "1er") say nothing more.
        tokens = tokens.enumerated().filter { i, t in
            if Self.weekdays.contains(t) { return false }
            if i > 0, ["ST", "ND", "RD", "TH", "ER"].contains(t), tokens[i - 1].allSatisfy(\.isNumber) { return false }
            return true
        }.map(\.element)
        let numeric = tokens.map { Int($0) }
        var y = 0, m = 0, d = 0
        if let monthIndex = tokens.firstIndex(where: { Self.months[$0] != nil }) {
            let others = tokens.indices.filter { $0 != monthIndex }
            guard others.count == 2, let a = numeric[others[0]], let b = numeric[others[1]] else {
                return .failure(.init("not a date"))
            }
            m = Self.months[tokens[monthIndex]]!
            if tokens[others[0]].count == 4 {
                (y, d) = (a, b)
            } else {
                // "12 APR 1990", "APR 12, 1990", "12 APR 90".
                (d, y) = (a, tokens[others[1]].count <= 2 ? expand(b) : b)
            }
        } else if tokens.count == 3, numeric.allSatisfy({ $0 != nil }) {
            let n = numeric.map { $0! }
            if tokens[0].count == 4 {
                (y, m, d) = (n[0], n[1], n[2])
            } else {
                switch order {
                case .dmy: (d, m, y) = (n[0], n[1], n[2])
                case .mdy: (m, d, y) = (n[0], n[1], n[2])
                case .ymd: (y, m, d) = (n[0], n[1], n[2])
                }
                // With slashes, the order is a preference for ambiguous prints: "03/20/2023"
                // can only be month first (as the US writes it), whatever the locale says.
                // Dotted and dashed prints keep the order: "12.13.1990" is a misread, not a date.
                if order != .ymd, raw.contains("/"), m > 12, (1...12).contains(d) { (d, m) = (m, d) }
                if tokens[order == .ymd ? 0 : 2].count == 2 { y = expand(y) }
            }
        } else if tokens.count == 1, let t = tokens.first, t.allSatisfy(\.isNumber), t.count == 8 || t.count == 6 {
            let digits = Array(t).map { Int(String($0))! }
            func num(_ r: Range<Int>) -> Int { r.reduce(0) { $0 * 10 + digits[$1] } }
            if t.count == 8 {
                // "19900412" when it starts with a plausible year; "12041990" otherwise.
                if order == .ymd || (1800...2199).contains(num(0..<4)) {
                    (y, m, d) = (num(0..<4), num(4..<6), num(6..<8))
                } else if order == .mdy {
                    (m, d, y) = (num(0..<2), num(2..<4), num(4..<8))
                } else {
                    (d, m, y) = (num(0..<2), num(2..<4), num(4..<8))
                }
            } else {
                // Six digits read as the machine-readable zone does when the order is ymd,
                // otherwise in the pipeline's order.
                switch order {
                case .ymd: (y, m, d) = (expand(num(0..<2)), num(2..<4), num(4..<6))
                case .dmy: (d, m, y) = (num(0..<2), num(2..<4), expand(num(4..<6)))
                case .mdy: (m, d, y) = (num(0..<2), num(2..<4), expand(num(4..<6)))
                }
            }
        } else {
            return .failure(.init("not a date"))
        }
        guard (1...12).contains(m) else { return .failure(.init("month \(m) out of range")) }
        guard (1000...9999).contains(y) else { return .failure(.init("year \(y) out of range")) }
        guard d >= 1, d <= Self.daysIn(month: m, year: y) else {
            return .failure(.init("day \(d) out of range for \(y)-\(m)"))
        }
        return .success(String(format: "%04d-%02d-%02d", y, m, d))
    }

    func expand(_ yy: Int) -> Int {
        yy >= 100 ? yy : (yy <= pivot ? 2000 + yy : 1900 + yy)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
