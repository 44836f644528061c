import Foundation

extension Router {
    /// Confidence of a value taken from a zone whose check digits verify.
    static let zoneConfidence = 0.97
    /// Confidence of a name taken from a zone: the zone spells names without accents, so it
    /// may differ from the printed name even when read right.
    static let zoneNameConfidence = 0.6
    /// Confidence of a value taken from a part of a verified zone that no check digit protects
    /// (sex, nationality).
    static let zoneUncheckedConfidence = 0.85
    /// Confidence kept by a printed value the zone contradicts but cannot overrule (a name).
    static let disagreementFactor = 0.5

    /// Cross-checks the fields a machine-readable zone repeats (`FieldSpec.mrz`) and fills an
    /// `mrz` field, when the document has a zone whose check digits verify (as printed,
    /// repaired from OCR confusions, or re-read from its box with the zone's alphabet).
    ///
    /// - A printed value equal to the zone's is confirmed (`checks.mrz = agrees`).
    /// - A printed value that differs is replaced by the zone's (`corrected`, strategy `mrz`)
    ///   only when the part has its own check digit (document number, dates) and the printed
    ///   value fails it: the zone's reading is then the one the digits prove. Otherwise (names,
    ///   which zones transliterate; sex and nationality, which no digit protects; a printed
    ///   value the digit accepts too; a zone number that verified only after look-alikes were
    ///   swapped in it) the printed value is kept, less sure (`disagrees`).
    /// - A missing or invalid value is filled from the zone (`filled`); values without their
    ///   own check digit are less sure, names least (`zoneNameConfidence`).
    func crossCheckMRZ(_ document: Document, state: inout FillState) {
        let mapped = spec.fields.filter { $0.mrz != nil }
        let zoneFields = spec.fields.filter { $0.type == .mrz }
        guard !mapped.isEmpty || !zoneFields.isEmpty, let zone = MRZZone.locate(in: document) else { return }
        // The page's reading, unless it needed repairs: then the zone is read again from its
        // box with the zone's alphabet, and the reading that verifies with fewer repairs wins.
        var mrz = MRZ.repaired(zone.text)
        if mrz?.isValid != true || mrz?.repairs ?? 0 > 0,
           let box = zone.box, let text = state.reread(page: zone.page, box: box, lines: zone.lines, whitelist: MRZZone.alphabet),
           let again = MRZ.repaired(text), again.isValid,
           mrz?.isValid != true || again.repairs < mrz?.repairs ?? 0 {
            mrz = again
        }
        guard let mrz, mrz.isValid else {
            state.warnings.append("a machine-readable zone was found but its check digits do not verify; not used")
            return
        }
        let page = zone.page + 1
        for f in zoneFields where state.filled[f.name] == nil {
            guard let validator = validators[f.name], case .success(let v) = validator.validate(mrz.lines.joined(separator: "\n"))
            else { continue }
            state.filled[f.name] = Record.Field(value: v.value, raw: v.raw, confidence: Self.zoneConfidence, strategy: .mrz,
                                                page: page, box: zone.box, valid: true, tried: [])
        }
        for f in mapped {
            guard let part = f.mrz, let validator = validators[f.name] else { continue }
            let text = mrz.value(part)
            guard !text.isEmpty, case .success(let fromZone) = validator.validate(text) else { continue }
            let isName = part == .surname || part == .givenNames
            let checked = MRZ.isChecked(part)
            let confidence = checked ? Self.zoneConfidence : (isName ? Self.zoneNameConfidence : Self.zoneUncheckedConfidence)
            let zoneField = Record.Field(value: fromZone.value, raw: text, confidence: confidence,
                                         strategy: .mrz, page: page, box: zone.box, valid: true, tried: [])
            guard var printed = state.filled[f.name], let value = printed.value else {
                var filled = zoneField
                filled.checks["mrz"] = .filled
                state.filled[f.name] = filled
                continue
            }
            if Self.same(value, fromZone.value, name: isName) {
                printed.checks["mrz"] = .agrees
                printed.confidence = max(printed.confidence, Self.zoneConfidence)
                state.filled[f.name] = printed
            } else if !checked || mrz.checkDigitAccepts(value.description, for: part) != false
                        || (part == .documentNumber && mrz.numberSwaps > 0) {
                printed.checks["mrz"] = .disagrees
                printed.confidence *= Self.disagreementFactor
                state.filled[f.name] = printed
            } else {
                var corrected = zoneField
                corrected.checks["mrz"] = .corrected
                state.filled[f.name] = corrected
                state.warnings.append("\(f.name): printed \"\(value)\" differs from the verified machine-readable zone; \"\(text)\" taken")
            }
        }
    }

    /// Whether a printed value and a zone's say the same. Names compare by their letters as a
    /// zone may spell them (ICAO 9303 part 3): accents dropped (MÜLLER → MULLER) or written out
    /// (MUELLER), Ø as O or OE, Ł as L; spaces, hyphens and apostrophes ignored.
    static func same(_ printed: FieldValue, _ zone: FieldValue, name: Bool) -> Bool {
        guard name else { return printed == zone }
        let z = zone.description.uppercased().filter { $0.isLetter }
        let p = printed.description.uppercased()
        return [false, true].contains { long in
            var out = ""
            for c in p {
                if let spelled = (long ? Self.longSpelling[c] : nil) ?? Self.plainSpelling[c] {
                    out += spelled
                } else {
                    out += TextNormalizer.fold(String(c))
                }
            }
            return out.filter { $0.isLetter } == z
        }
    }

    /// Letters that folding accents away leaves alone.
    static let plainSpelling: [Character: String] = ["Ø": "O", "Ł": "L", "Đ": "D", "Æ": "AE", "Œ": "OE", "ẞ": "SS",
                                                     "Þ": "TH", "İ": "I"]
    /// ICAO 9303's written-out transliterations.
    static let longSpelling: [Character: String] = ["Ä": "AE", "Ö": "OE", "Ü": "UE", "Å": "AA", "Ø": "OE"]
}
