import DocRouteModel
import Foundation

/// A machine-readable zone (ICAO 9303 TD1, TD2 or TD3, and the visas MRV-A and MRV-B of the
/// TD3 and TD2 sizes) split into its fields, with every check digit verified.
public struct MRZ: Sendable, Hashable {
    /// The three ICAO 9303 layouts.
    public enum Layout: String, Sendable {
        /// ID-card size: 3 lines of 30 characters.
        case td1
        /// 2 lines of 36 characters.
        case td2
        /// Passport: 2 lines of 44 characters.
        case td3
    }

    public var layout: Layout
    public var lines: [String]
    public var documentCode: String
    public var issuingState: String
    public var documentNumber: String
    /// YYMMDD as printed.
    public var birthDate: String
    public var sex: String
    /// YYMMDD as printed.
    public var expiryDate: String
    public var nationality: String
    public var surname: String
    public var givenNames: String
    /// Names of the check digits that do not verify ("document_number", "birth_date",
    /// "expiry_date", "personal_number", "composite"); empty when the zone is valid.
    public var failedChecks: [String]

    /// Characters changed by `repaired(_:)` (0 for a zone read as printed).
    public var repairs = 0
    /// Of those, the positions in the document number (0-based) where look-alikes were swapped
    /// to make its check digit verify: a guess the digits support, not a reading.
    public var numberSwapped: [Int] = []
    /// How many look-alikes were swapped in the document number.
    public var numberSwaps: Int { numberSwapped.count }

    public var isValid: Bool { failedChecks.isEmpty }

    /// The names line was read with characters too many to place (filler read as letters and
    /// more): the check digits still prove the other line, but the names are not to be taken.
    public var namesDoubtful = false

    /// The letter filler `<` was read as elsewhere in the zone, when the names hold it too
    /// (`ANNAKMARIA`): only the names printed elsewhere can tell which are filler
    /// (`confirmingNames`).
    public var namesFiller: Character?

    /// The part of the zone that holds the names, filler included.
    var namesField: String { layout == .td1 ? lines[2] : String(lines[0].dropFirst(5)) }

    /// The facts a zone holds that a document also prints elsewhere.
    public typealias Part = MRZPart

    /// Whether `part` is protected by its own check digit (document number, dates).
    public static func isChecked(_ part: Part) -> Bool {
        part == .documentNumber || part == .birthDate || part == .expiryDate
    }

    /// Whether another reading of a checked part would verify against this zone's check digit
    /// for it too: `printed` as a field value (a document number, or an ISO date). Nil for
    /// parts without their own check digit (and for long TD1 document numbers).
    public func checkDigitAccepts(_ printed: String, for part: Part) -> Bool? {
        let a = lines.map { Array($0) }
        let digit: Character
        var field: String
        switch (part, layout) {
        case (.documentNumber, .td1):
            guard a[0][14] != "<" else { return nil }
            digit = a[0][14]; field = printed
        case (.documentNumber, _):
            digit = a[1][9]; field = printed
        case (.birthDate, .td1), (.expiryDate, .td1):
            digit = a[1][part == .birthDate ? 6 : 14]; field = printed
        case (.birthDate, _), (.expiryDate, _):
            digit = a[1][part == .birthDate ? 19 : 27]; field = printed
        default:
            return nil
        }
        if part == .birthDate || part == .expiryDate {
            // 1990-04-03 → 900403
            let d = printed.filter(\.isNumber)
            guard d.count == 8 else { return false }
            field = String(d.dropFirst(2))
        } else {
            guard field.count <= 9 else { return false }
            field = field.padding(toLength: 9, withPad: "<", startingAt: 0)
        }
        return CheckDigits.icao(field).map { Character(String($0)) } == digit
    }

    /// `part` as a field value would print it: dates as ISO 8601 (birth dates in the past
    /// century when the two-digit year is still to come this century, `today`'s; expiry dates
    /// in this century), sex `<` as X, filler removed.
    public func value(_ part: Part, today: Date = Date()) -> String {
        switch part {
        case .documentCode: return documentCode.replacingOccurrences(of: "<", with: "")
        case .issuingState: return issuingState.replacingOccurrences(of: "<", with: "")
        case .documentNumber: return documentNumber
        case .nationality: return nationality.replacingOccurrences(of: "<", with: "")
        case .sex: return sex == "<" ? "X" : sex
        case .surname: return surname
        case .givenNames: return givenNames
        case .birthDate, .expiryDate:
            let raw = part == .birthDate ? birthDate : expiryDate
            guard raw.count == 6, let yy = Int(raw.prefix(2)) else { return raw }
            let thisYear = Calendar(identifier: .gregorian).component(.year, from: today) % 100
            let century = part == .birthDate ? (yy > thisYear ? 1900 : 2000) : (yy >= 70 ? 1900 : 2000)
            return "\(century + yy)-\(raw.dropFirst(2).prefix(2))-\(raw.suffix(2))"
        }
    }

    /// Parses `text` (lines separated by newlines; spaces inside lines are dropped). Returns nil
    /// when the lines do not have a TD1, TD2 or TD3 shape.
    public init?(_ text: String) {
        let lines = text.split(whereSeparator: \.isNewline)
            .map { $0.filter { $0 != " " } }
            .filter { !$0.isEmpty }
        guard lines.allSatisfy({ $0.allSatisfy { c in c.isASCII && (c.isUppercase || c.isNumber || c == "<") } })
        else { return nil }
        let a = lines.map { Array($0) }
        func s(_ line: Int, _ from: Int, _ to: Int) -> String { String(a[line][from..<to]) }
        var failed: [String] = []
        func verify(_ name: String, _ field: String, _ digit: Character) {
            if CheckDigits.icao(field).map({ Character(String($0)) }) != digit { failed.append(name) }
        }
        switch (a.count, a.first?.count) {
        case (3, 30) where a[1].count == 30 && a[2].count == 30:
            layout = .td1
            documentCode = s(0, 0, 2); issuingState = s(0, 2, 5)
            var number = s(0, 5, 14)
            if a[0][14] == "<" {
                // A long document number continues in the optional data, its check digit last.
                let rest = s(0, 15, 30).prefix { $0 != "<" }
                if let check = rest.last {
                    number += rest.dropLast()
                    verify("document_number", number, check)
                } else {
                    failed.append("document_number")
                }
            } else {
                verify("document_number", number, a[0][14])
            }
            documentNumber = number.replacingOccurrences(of: "<", with: "")
            birthDate = s(1, 0, 6); verify("birth_date", birthDate, a[1][6])
            sex = s(1, 7, 8)
            expiryDate = s(1, 8, 14); verify("expiry_date", expiryDate, a[1][14])
            nationality = s(1, 15, 18)
            verify("composite", s(0, 5, 30) + s(1, 0, 7) + s(1, 8, 15) + s(1, 18, 29), a[1][29])
            (surname, givenNames) = MRZ.names(s(2, 0, 30))
        case (2, 36) where a[1].count == 36, (2, 44) where a[1].count == 44:
            let long = a[0].count == 44
            layout = long ? .td3 : .td2
            documentCode = s(0, 0, 2); issuingState = s(0, 2, 5)
            (surname, givenNames) = MRZ.names(s(0, 5, a[0].count))
            documentNumber = s(1, 0, 9).replacingOccurrences(of: "<", with: "")
            verify("document_number", s(1, 0, 9), a[1][9])
            nationality = s(1, 10, 13)
            birthDate = s(1, 13, 19); verify("birth_date", birthDate, a[1][19])
            sex = s(1, 20, 21)
            expiryDate = s(1, 21, 27); verify("expiry_date", expiryDate, a[1][27])
            if a[0][0] == "V" {
                // A visa (MRV-A, MRV-B): optional data after the expiry date, no composite digit.
            } else if long {
                let personal = s(1, 28, 42)
                // An empty personal number may carry "<" or 0 as its check digit.
                if !(personal.allSatisfy { $0 == "<" } && (a[1][42] == "<" || a[1][42] == "0")) {
                    verify("personal_number", personal, a[1][42])
                }
                verify("composite", s(1, 0, 10) + s(1, 13, 20) + s(1, 21, 43), a[1][43])
            } else {
                verify("composite", s(1, 0, 10) + s(1, 13, 20) + s(1, 21, 35), a[1][35])
            }
        default:
            return nil
        }
        self.lines = lines
        failedChecks = failed
    }

    /// "ERIKSSON<<ANNA<MARIA<<<" → ("ERIKSSON", "ANNA MARIA").
    static func names(_ field: String) -> (String, String) {
        let parts = field.components(separatedBy: "<<")
        let surname = (parts.first ?? "").replacingOccurrences(of: "<", with: " ")
            .trimmingCharacters(in: .whitespaces)
        let given = parts.dropFirst().joined(separator: " ").replacingOccurrences(of: "<", with: " ")
            .split(separator: " ").joined(separator: " ")
        return (surname, given)
    }
}
