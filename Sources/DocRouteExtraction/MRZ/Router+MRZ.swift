import DocRouteModel
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
    /// Share of its confidence kept by a printed checked value the zone contradicts when the
    /// check digit cannot say which reading is right.
    static let disagreementFactor = 0.5

    /// Cross-checks the fields a machine-readable zone repeats (`FieldSpec.mrz`) and fills an
    /// `mrz` field, when the document has a zone whose check digits verify (as printed,
    /// repaired from OCR confusions, or re-read from its box with the zone's alphabet).
    ///
    /// - A printed value equal to the zone's is confirmed (`checks.mrz = agrees`) and made at
    ///   least as sure as the zone (names read without accents excepted: see below).
    /// - A printed value that differs, in a part with its own check digit (document number,
    ///   dates), is replaced by the one mix of the two readings the digit proves (`corrected`,
    ///   strategy `mrz`); when the digit proves none or several, the printed value is kept,
    ///   less sure (`disagrees`). Names (which zones transliterate), sex and nationality (which
    ///   no digit protects) that differ are kept as printed (`disagrees`, confidence unchanged).
    /// - A missing or invalid value is filled from the zone (`filled`); values without their
    ///   own check digit are less sure, names least (`zoneNameConfidence`).
    func crossCheckMRZ(_ document: Document, state: inout FillState) {
        let mapped = spec.fields.filter { $0.mrz != nil }
        let zoneFields = spec.fields.filter { $0.type == .mrz }
        guard !mapped.isEmpty || !zoneFields.isEmpty, let zone = MRZZone.locate(in: document) else { return }
        // The page's reading, unless it does not verify, or verified only by swapping look-alikes
        // in the document number and the printed number says otherwise: then the zone is read
        // again from its box with the zone's alphabet, and the reading that verifies with fewer
        // repairs wins. (A swapped number the printed one repeats is two readings agreeing.)
        var mrz = MRZ.repaired(zone.text)
        let printedNumber = mapped.first { $0.mrz == .documentNumber }.flatMap {
            state.filled[$0.name]?.value?.description
        }
        let doubtful = mrz.map { Self.guessed($0, printed: printedNumber) } ?? true
        if mrz?.isValid != true || doubtful,
            let box = zone.box,
            let text = state.reread(page: zone.page, box: box, lines: zone.lines, whitelist: MRZZone.alphabet)?.text,
            let again = MRZ.repaired(text), again.isValid,
            mrz?.isValid != true || again.repairs < mrz?.repairs ?? 0
        {
            mrz = again
        }
        guard var mrz, mrz.isValid else {
            state.warnings.append("a machine-readable zone was found but its check digits do not verify; not used")
            // Shown, not used: a zone field holds the zone as read, invalid, with why.
            let why =
                mrz.map { "check digits fail: " + $0.failedChecks.joined(separator: ", ") }
                ?? "not a TD1, TD2 or TD3 zone"
            for f in zoneFields where state.filled[f.name] == nil {
                let read = Candidate(
                    text: mrz?.lines.joined(separator: "\n") ?? zone.text, page: zone.page, box: zone.box, confidence: 0
                )
                state.failures[f.name] = (read, ValidationFailure(why), .mrz)
            }
            return
        }
        if mrz.namesFiller != nil { mrz = mrz.confirmingNames(Self.printedNames(document)) }
        let page = zone.page + 1
        for f in zoneFields where state.filled[f.name] == nil {
            guard let validator = validators[f.name],
                case .success(let v) = validator.validate(mrz.lines.joined(separator: "\n"))
            else { continue }
            state.filled[f.name] = Record.Field(
                value: v.value, raw: v.raw, confidence: Self.zoneConfidence, strategy: .mrz,
                page: page, box: zone.box, valid: true, tried: [])
        }
        for f in mapped {
            guard let part = f.mrz, let validator = validators[f.name] else { continue }
            let text = mrz.value(part)
            guard !text.isEmpty, case .success(let fromZone) = validator.validate(text) else { continue }
            let isName = part == .surname || part == .givenNames
            if isName && mrz.namesDoubtful { continue }
            let checked = MRZ.isChecked(part)
            // A number the zone verified only by swapping look-alikes in it is a guess.
            let guessed = part == .documentNumber && Self.guessed(mrz, printed: printedNumber)
            let confidence =
                checked ? Self.zoneConfidence : (isName ? Self.zoneNameConfidence : Self.zoneUncheckedConfidence)
            let zoneField = Record.Field(
                value: fromZone.value, raw: text, confidence: confidence,
                strategy: .mrz, page: page, box: zone.box, valid: true, tried: [])
            guard var printed = state.filled[f.name], let value = printed.value else {
                var filled = zoneField
                filled.checks["mrz"] = .filled
                if guessed { filled.confidence = Self.guessedNumber }
                state.filled[f.name] = filled
                continue
            }
            if Self.same(value, fromZone.value, name: isName) {
                printed.checks["mrz"] = .agrees
                // A zone spells names in plain A–Z: it confirms their letters, not that a plainly
                // read name lost no accent. A number the zone verified only after swapping
                // look-alikes is a second reading, not a proof. Both are two readings agreeing.
                if guessed || (isName && value.description.allSatisfy(\.isASCII)) {
                    printed.confidence = max(printed.confidence, Self.agreeingReadings)
                } else {
                    printed.confidence = max(printed.confidence, Self.zoneConfidence)
                }
                state.filled[f.name] = printed
            } else if !checked {
                // Names, sex, nationality: no digit says which reading is right; the printed one stays.
                printed.checks["mrz"] = .disagrees
                state.filled[f.name] = printed
            } else if let proven = Self.reconcile(printed: value.description, zone: text, part: part, mrz: mrz),
                case .success(let v) = validator.validate(proven)
            {
                var corrected = zoneField
                corrected.value = v.value
                corrected.raw = proven
                corrected.checks["mrz"] = .corrected
                state.filled[f.name] = corrected
                state.warnings.append(
                    "\(f.name): printed \"\(value)\" fails the machine-readable zone's check digit; \"\(proven)\" taken"
                )
            } else {
                printed.checks["mrz"] = .disagrees
                printed.confidence *= Self.disagreementFactor
                state.filled[f.name] = printed
            }
        }
    }

    /// The document's words as a zone would spell them (upper case, accents dropped), split at
    /// anything not a letter; zone lines themselves left out.
    static func printedNames(_ document: Document) -> Set<String> {
        var out: Set<String> = []
        for page in document.pages {
            for w in page.words where !w.text.contains("<") && w.text.count < 25 {
                for part in TextNormalizer.fold(w.text).uppercased().split(whereSeparator: { !$0.isLetter }) {
                    out.insert(String(part))
                }
            }
        }
        return out
    }

    /// Whether the zone's document number is a guess: it verified only after look-alikes were
    /// swapped in it, and the `printed` number does not read those characters the same way.
    static func guessed(_ mrz: MRZ, printed: String?) -> Bool {
        guard mrz.numberSwaps > 0 else { return false }
        guard let printed else { return true }
        let p = Array(printed), z = Array(mrz.value(.documentNumber))
        return !mrz.numberSwapped.allSatisfy { $0 < p.count && $0 < z.count && p[$0] == z[$0] }
    }

    /// Confidence of a document number filled from a zone that verified only after
    /// look-alikes were swapped in it.
    static let guessedNumber = 0.5

    /// Confidence of a value read alike on the page and in a zone when the zone cannot prove
    /// it: a document number that verified only after look-alikes were swapped in it, a name
    /// read without accents.
    static let agreeingReadings = 0.9

    /// The one reading of `part` that `mrz`'s check digit proves (see below); nil also when a
    /// zone number was itself a guess (`guessed`).
    static func reconcile(printed: String, zone: String, part: MRZ.Part, mrz: MRZ) -> String? {
        if part == .documentNumber && guessed(mrz, printed: printed) { return nil }
        return reconcile(printed: printed, zone: zone, accepts: { mrz.checkDigitAccepts($0, for: part) })
    }

    /// The one reading of a checked part that the zone's check digit proves (`accepts`: whether
    /// the digit verifies a reading), taking each differing character from the printed value or
    /// from the zone; nil when none or several verify (the digit cannot tell 6 from G, 0 from A:
    /// letters count 10 more than their look-alike digits). Readings differing in more than six
    /// places, or in length, are not mixed: the zone's is taken when the printed one fails.
    static func reconcile(printed: String, zone: String, accepts: (String) -> Bool?) -> String? {
        let p = Array(printed), z = Array(zone)
        guard p.count == z.count else {
            // Characters lost or gained: the zone's reading, if the printed one fails the digit.
            return accepts(printed) == false ? zone : nil
        }
        let differing = p.indices.filter { p[$0] != z[$0] }
        guard !differing.isEmpty else { return nil }
        // Readings of different things (a heading read where the number was): the zone's,
        // if the printed one fails the digit.
        guard differing.count <= 6 else { return accepts(printed) == false ? zone : nil }
        var proven: [String] = []
        for mask in 0..<(1 << differing.count) {
            var c = p
            for (k, i) in differing.enumerated() where mask & (1 << k) != 0 { c[i] = z[i] }
            let candidate = String(c)
            if accepts(candidate) == true { proven.append(candidate) }
        }
        return proven.count == 1 ? proven[0] : nil
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
                out += (long ? Self.longSpelling[c] : nil) ?? TextNormalizer.fold(String(c))
            }
            return out.filter { $0.isLetter } == z
        }
    }

    /// ICAO 9303's written-out transliterations.
    static let longSpelling: [Character: String] = ["Ä": "AE", "Ö": "OE", "Ü": "UE", "Å": "AA", "Ø": "OE"]
}
