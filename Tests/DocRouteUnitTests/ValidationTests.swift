import Foundation
import Testing

@testable import DocRouteExtraction
@testable import DocRouteModel

/// Check digits, dates, numbers, enums, patterns and OCR-confusion repair.
@Suite struct ValidationTests {
    // ICAO 9303 Part 4 (TD3) and Part 5 (TD1) specimen zones.
    static let td3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
    static let td1 = "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"

    /// OCR spaces out an identifier's hyphens and slashes; its pieces are joined again, and two
    /// words stay two.
    @Test func anIdentifierSpacedOutAtItsHyphensIsOne() throws {
        #expect(try FieldValidator.identifier("DE- 2020 -MUC -2693", patterned: false).get() == "DE-2020-MUC-2693")
        #expect(try FieldValidator.identifier("2023 / 0008", patterned: false).get() == "2023/0008")
        #expect((try? FieldValidator.identifier("DE 2020", patterned: false).get()) == nil)
    }

    @Test func icaoSpecimensVerify() throws {
        let passport = try #require(MRZ(Self.td3))
        #expect(passport.layout == .td3)
        #expect(passport.isValid, "\(passport.failedChecks)")
        #expect(passport.documentNumber == "L898902C3")
        #expect(passport.birthDate == "740812" && passport.expiryDate == "120415" && passport.sex == "F")
        #expect(passport.surname == "ERIKSSON" && passport.givenNames == "ANNA MARIA")
        let card = try #require(MRZ(Self.td1))
        #expect(card.layout == .td1)
        #expect(card.isValid, "\(card.failedChecks)")
        #expect(card.documentNumber == "D23145890")
        #expect(CheckDigits.icao("L898902C3") == 6)
        #expect(CheckDigits.icao("740812") == 2)
        #expect(CheckDigits.icaoValid("L898902C36"))
        #expect(!CheckDigits.icaoValid("L898902C37"))
    }

    /// ICAO 9303 Part 7's visa specimens: optional data where a passport has its personal
    /// number, and no composite digit.
    @Test func visasVerify() throws {
        let a = try #require(
            MRZ("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL8988901C4XXX4009078F96121096ZE184226B<<<<<<"))
        #expect(a.layout == .td3 && a.isValid, "\(a.failedChecks)")
        #expect(a.documentNumber == "L8988901C" && a.expiryDate == "961210" && a.givenNames == "ANNA MARIA")
        let b = try #require(MRZ("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nL8988901C4XXX4009078F9612109<<<<<<<<"))
        #expect(b.layout == .td2 && b.isValid, "\(b.failedChecks)")
        // A broken date digit still fails.
        #expect(
            try #require(MRZ("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nL8988901C4XXX4009079F9612109<<<<<<<<")).failedChecks
                == ["birth_date"])
        // A passport keeps its composite digit.
        #expect(try #require(MRZ(Self.td3.replacingOccurrences(of: "<10", with: "<11"))).failedChecks == ["composite"])
    }

    /// A passport's names line read with filler as letters and more (a re-read of a real
    /// specimen): the check digits still prove the second line; the names are not taken.
    @Test func anOverlongNamesLineLeavesTheZoneValidAndItsNamesDoubtful() throws {
        let read = "P<S<GBRPUDARSANCIHENERIKCLCKCECCLLELLLLLLLLLLLCLLKLK\n7077979792GBR9505209M1704224<<<<<<<<<<<<<<00"
        let m = try #require(MRZ.repaired(read))
        #expect(m.isValid, "\(m.failedChecks)")
        #expect(m.namesDoubtful)
        #expect(m.documentNumber == "707797979" && m.birthDate == "950520" && m.expiryDate == "170422")
        #expect(try #require(MRZ.repaired(Self.td3)).namesDoubtful == false)
    }

    @Test func icaoDetectsEachBrokenDigit() throws {
        // An O read for the 0 of the document number breaks its digit and the composite.
        let misread = Self.td1.replacingOccurrences(of: "D23145890", with: "D2314589O")
        let card = try #require(MRZ(misread))
        #expect(card.failedChecks == ["document_number", "composite"])
        let badBirth = Self.td3.replacingOccurrences(of: "7408122F", with: "7408123F")
        #expect(try #require(MRZ(badBirth)).failedChecks.contains("birth_date"))
        #expect(MRZ("NOT AN MRZ") == nil)
        let field = FieldSpec(name: "mrz", type: .mrz, check: .icao9303)
        let v = FieldValidator(field: field)
        #expect(try v.validate(Self.td1).get().value == .string(Self.td1))
        #expect(throws: ValidationFailure.self) { try v.validate(misread).get() }
    }

    @Test func mrzRepairRestoresTheSpecimensFromTheirUsualMisreadings() throws {
        // As printed: nothing to repair.
        for zone in [Self.td1, Self.td3] {
            let m = try #require(MRZ.repaired(zone))
            #expect(m.isValid && m.repairs == 0)
        }
        // O for 0 in the document number, letters in the dates and check digits, 0 for O in
        // the nationality, filler read as K, lower case, spaces, « for <, a line one short.
        let card = [
            "I<UTOD2314589O7<<<<<<<<<<<<<<<",
            "74O8I22F12O4159UT0<<<<<<<<<<<6",
            "ERIKSSON<<ANNA<MARIA<<<<<<<K<",
        ].joined(separator: "\n")
        let m = try #require(MRZ.repaired(card))
        #expect(m.isValid, "\(m.failedChecks) \(m.lines)")
        #expect(m.lines == Self.td1.components(separatedBy: "\n"))
        #expect(m.documentNumber == "D23145890" && m.birthDate == "740812" && m.nationality == "UTO")
        #expect(m.repairs == 7)
        let passport = "p<utoeriksson<<anna<maria<<<<<<<<<<<<<<<<<<\nL898902C36UTO74O8122F12O4159ZE184226B«««««1O"
        let p = try #require(MRZ.repaired(passport))
        #expect(p.isValid, "\(p.failedChecks) \(p.lines)")
        #expect(p.lines == Self.td3.components(separatedBy: "\n"))
        // A document number with an S read for its 5: the one swap that makes both its check
        // digit and the composite verify.
        let swapped = try #require(MRZ.repaired(Self.td1.replacingOccurrences(of: "D23145890", with: "D2314S890")))
        #expect(swapped.isValid && swapped.documentNumber == "D23145890" && swapped.repairs == 1)
        // Three letters for digits: several readings verify as well as the true one; none is taken.
        let guessed = try #require(MRZ.repaired(Self.td1.replacingOccurrences(of: "D23145890", with: "D23I4S89O")))
        #expect(guessed.failedChecks.contains("document_number") && guessed.documentNumber == "D23I4S89O")
        // Text above the zone is ignored; a wrong digit that no look-alike explains stays wrong.
        let noisy = try #require(
            MRZ.repaired(
                "REPUBLIC OF UTOPIA IDENTITY CARD\n" + Self.td3.replacingOccurrences(of: "7408122F", with: "7408123F")))
        #expect(noisy.failedChecks.contains("birth_date"))
        #expect(MRZ.repaired("Surname: ERIKSSON\nGiven names: ANNA MARIA") == nil)
    }

    @Test func ibanAndLuhn() {
        // Published examples: the ECBS/ISO 13616 GB and DE IBANs; the 79927398713 Luhn example.
        #expect(CheckDigits.ibanProblem("GB82 WEST 1234 5698 7654 32") == nil)
        #expect(CheckDigits.ibanProblem("DE89370400440532013000") == nil)
        #expect(CheckDigits.ibanProblem("DE89370400440532013001") != nil)
        #expect(CheckDigits.ibanProblem("DE8937040044053201300") != nil)  // one character short
        #expect(CheckDigits.luhnValid("79927398713"))
        #expect(CheckDigits.luhnValid("4111 1111 1111 1111"))
        #expect(!CheckDigits.luhnValid("4111 1111 1111 1112"))
        let iban = FieldValidator(field: FieldSpec(name: "iban", check: .iban))
        let ok = try? iban.validate("GB82 WEST 1234 5698 7654 32").get()
        #expect(ok?.value == .string("GB82WEST12345698765432"))
        #expect(ok?.raw == "GB82 WEST 1234 5698 7654 32")
    }

    @Test(arguments: [
        ("12.04.1990", DateNormalizer.Order.dmy, "1990-04-12"),
        ("04/12/1990", .mdy, "1990-04-12"),
        ("12/04/1990", .dmy, "1990-04-12"),
        ("12 APR 1990", .dmy, "1990-04-12"),
        ("April 12, 1990", .mdy, "1990-04-12"),
        ("12 avril 1990", .dmy, "1990-04-12"),
        ("1990-04-12", .mdy, "1990-04-12"),
        ("2024-05-02T14:30:00", .dmy, "2024-05-02"),
        ("29.02.2024", .dmy, "2024-02-29"),
        ("19900412", .dmy, "1990-04-12"),
        ("12 Apr 90", .dmy, "1990-04-12"),
    ])
    func datesNormalise(_ input: String, _ order: DateNormalizer.Order, _ iso: String) throws {
        #expect(try DateNormalizer(order: order, pivot: 46).normalize(input).get() == iso)
    }

    @Test(arguments: ["31.02.1990", "29.02.2023", "12.13.1990", "1990", "hello", "12.O4.1990"])
    func impossibleDatesFail(_ input: String) {
        #expect(throws: ValidationFailure.self) { try DateNormalizer(order: .dmy).normalize(input).get() }
    }

    @Test func numbersAndMoney() throws {
        let dot = NumberNormalizer(decimalSeparator: ".")
        let comma = NumberNormalizer(decimalSeparator: ",")
        func value(_ n: NumberNormalizer, _ s: String, money: Bool = true) throws -> (Decimal, String?) {
            try n.normalize(s, allowCurrency: money).get()
        }
        #expect(try value(dot, "1,234.56") == (Decimal(string: "1234.56")!, nil))
        #expect(try value(dot, "1.234,56 €") == (Decimal(string: "1234.56")!, "EUR"))
        #expect(try value(dot, "EUR 1,284.50") == (Decimal(string: "1284.5")!, "EUR"))
        #expect(try value(dot, "1 234,5") == (Decimal(string: "1234.5")!, nil))
        #expect(try value(dot, "CHF 1'250.–") == (Decimal(1250), "CHF"))
        #expect(try value(dot, "(12.50)") == (Decimal(string: "-12.5")!, nil))
        #expect(try value(dot, "1,234") == (Decimal(1234), nil))
        #expect(try value(comma, "1,234") == (Decimal(string: "1.234")!, nil))
        #expect(try value(dot, "1.234.567") == (Decimal(1_234_567), nil))
        #expect(throws: ValidationFailure.self) { try value(dot, "12,34,5") }
        #expect(throws: ValidationFailure.self) { try value(dot, "12 apples") }
        #expect(throws: ValidationFailure.self) { try value(dot, "$5", money: false) }
        let integer = FieldValidator(field: FieldSpec(name: "n", type: .integer))
        #expect(try integer.validate("1,000").get().value == .number(1000))
        #expect(throws: ValidationFailure.self) { try integer.validate("10.5").get() }
    }

    /// The banded edit distance equals the full one whenever that is within the limit, and is
    /// over the limit otherwise.
    @Test func bandedEditDistanceAgreesWithTheFullOne() {
        func full(_ a: [Character], _ b: [Character]) -> Int {
            var d = (0...b.count).map { $0 }
            for i in 1...max(a.count, 1) where !a.isEmpty {
                var prev = d[0]; d[0] = i
                for j in stride(from: 1, through: b.count, by: 1) {
                    let keep = d[j]
                    d[j] = min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1))
                    prev = keep
                }
            }
            return a.isEmpty ? b.count : d[b.count]
        }
        var seed: UInt64 = 20
        func next(_ n: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return Int(seed >> 33) % n
        }
        for _ in 0..<2000 {
            let letters = Array("abcde")
            let a = (0..<next(12)).map { _ in letters[next(5)] }
            let b = (0..<next(12)).map { _ in letters[next(5)] }
            let limit = next(5)
            let want = full(a, b)
            let got = TextNormalizer.distance(String(a), String(b), limit: limit)
            #expect(
                want <= limit ? got == want : got > limit, "\(String(a)) \(String(b)) limit \(limit): \(got) vs \(want)"
            )
        }
    }

    @Test func enumsPatternsAndCleaning() throws {
        // A box's left rule read as an opening bracket goes; a closing one (a misread J) stays.
        #expect(FieldValidator.clean("(ZIELIŃSKI") == "ZIELIŃSKI" && FieldValidator.clean("[ Noémie") == "Noémie")
        #expect(FieldValidator.clean("(0%)") == "(0%)" && FieldValidator.clean("XOW2T7VY]") == "XOW2T7VY]")
        let sex = FieldValidator(
            field: FieldSpec(
                name: "sex", type: .enum,
                values: [EnumValue("F", synonyms: ["Female"]), EnumValue("M", synonyms: ["Male"])]))
        #expect(try sex.validate("Female").get().value == .string("F"))
        #expect(try sex.validate(" m ").get().value == .string("M"))
        #expect(try sex.validate("Fernale").get().value == .string("F"))  // one OCR slip in a long spelling
        #expect(throws: ValidationFailure.self) { try sex.validate("Q").get() }
        let code = FieldValidator(field: FieldSpec(name: "nat", pattern: try FieldPattern("[A-Z]{3}")))
        #expect(try code.validate(": FRA").get().value == .string("FRA"))
        #expect(throws: ValidationFailure.self) { try code.validate("FR4").get() }
        #expect(FieldValidator.clean("  :  John   Smith ; ") == "John Smith")
    }

    @Test func aReReadKeepsThePageReadingsWordBreaks() {
        #expect(TextNormalizer.spaced("KÖ LN", like: "KOLN") == "KÖLN")
        #expect(TextNormalizer.spaced("ANAMARIA", like: "ANA MARIA") == "ANA MARIA")
        #expect(TextNormalizer.spaced("JOÃO  PEDRO", like: "JOAO PEDRO") == "JOÃO PEDRO")
        // Different letter counts: nothing to align, the re-read stays as read.
        #expect(TextNormalizer.spaced("KÖ LNX", like: "KOLN") == "KÖ LNX")
    }

    @Test func lookAlikesCompareEqual() {
        #expect(TextNormalizer.matchKey("VAN DIJK") == TextNormalizer.matchKey("VAN DUK"))
        #expect(TextNormalizer.matchKey("Kraków") == TextNormalizer.matchKey("KRAKOW"))
        #expect(TextNormalizer.matchKey("Surnarne") == TextNormalizer.matchKey("Surname"))
        #expect(TextNormalizer.matchKey("THIJS") != TextNormalizer.matchKey("THIS"))
    }

    /// ASCII takes a byte-wise path; it must give what the Foundation path gives.
    @Test func asciiKeysAreTheFoundationKeys() {
        func reference(_ s: String) -> String {
            var k = String(
                s.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
            k = k.replacingOccurrences(of: "rn", with: "m").replacingOccurrences(of: "vv", with: "w")
                .replacingOccurrences(of: "ij", with: "u")
            return String(k.map { $0 == "0" ? "o" : ($0 == "1" ? "l" : $0) })
        }
        var rng = SystemRandomNumberGenerator()
        let letters = Array("rnRNvVijIJ01lo -.#/:Ab9z")
        for _ in 0..<2000 {
            let s = String((0..<Int.random(in: 0...12, using: &rng)).map { _ in letters.randomElement(using: &rng)! })
            #expect(TextNormalizer.matchKey(s) == reference(s), "\(s)")
        }
        #expect(TextNormalizer.matchKey("rnrnn vvv IJij 10") == "mmnwvuulo")
        #expect(TextNormalizer.key("No. 1-A/b") == "no1ab")
    }

    @Test func ocrConfusionsRepairOnlyUnambiguously() throws {
        let spec = try PipelineSpec.parse(
            yaml: """
                name: t
                fields:
                  - name: number
                    pattern: "[A-HJ-NPR-Z0-9]{9}"
                """)
        let router = Router(spec: spec)
        let validator = FieldValidator(field: spec.fields[0])
        func repair(_ s: String) -> String? {
            router.repaired(Candidate(text: s, page: 0, box: nil, confidence: 0.9, ocr: true), validator: validator)?
                .value.description
        }
        #expect(repair("TO4RUR8P2") == "T04RUR8P2")  // O is not allowed: it was a 0
        #expect(repair("BG5Z6MMw2") == "BG5Z6MMW2")  // lower case is not allowed
        #expect(repair("H1CD1BL4g") == nil)  // g could be 8 or 9: not repaired
        // Text that was not recognised by OCR is never changed.
        #expect(
            router.repaired(
                Candidate(text: "TO4RUR8P2", page: 0, box: nil, confidence: 1, ocr: false), validator: validator) == nil
        )
    }
}
