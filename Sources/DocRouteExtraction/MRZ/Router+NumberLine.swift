import DocRouteModel

extension Router {
    /// Checks the document number read from its region against a TD1 zone's first line read on
    /// its own (document code, issuing state, number, check digit: a sixth of the zone's reading
    /// time). The one reading the number's check digit and the field's rules accept, taking each
    /// character the two readings differ in from either (`reconcile`), is taken: the printed
    /// value made as sure as a zone makes it (`checks.mrz = agrees`), or corrected to it
    /// (`corrected`, as `crossCheckMRZ` does). A printed value whose look-alike was repaired
    /// (I → 1 where the pattern has no I) is checked as repaired, so two readings of the same
    /// look-alike agree on the repair when the digit verifies it. Otherwise nothing changes;
    /// long numbers (continued in the optional data) are left alone.
    func crossCheckNumberLine(_ line: String, state: inout FillState) {
        guard let f = spec.fields.first(where: { $0.mrz == .documentNumber }), let validator = validators[f.name],
            var printed = state.filled[f.name], let value = printed.value
        else { return }
        let a = Array(line.filter { $0 != " " })
        guard a.count >= 15, a[14].isASCII, a[14].isNumber else { return }
        let digit = a[14]
        func accepts(_ number: String) -> Bool? {
            guard number.count <= 9, case .success = validator.validate(number) else { return false }
            return CheckDigits.icao(number.padding(toLength: 9, withPad: "<", startingAt: 0)).map {
                Character(String($0))
            } == digit
        }
        let zone = String(a[5..<14]).replacingOccurrences(of: "<", with: "")
        let read = value.description
        // Readings of different lengths: the zone's, when the printed one fails the digit.
        guard let proven = read == zone ? zone : Self.reconcile(printed: read, zone: zone, accepts: accepts),
            accepts(proven) == true, case .success(let v) = validator.validate(proven)
        else { return }
        if v.value == value {
            printed.checks["mrz"] = .agrees
            printed.confidence = max(printed.confidence, Self.zoneConfidence)
        } else {
            printed.value = v.value
            printed.raw = proven
            printed.strategy = .mrz
            printed.confidence = Self.zoneConfidence
            printed.checks["mrz"] = .corrected
            state.warnings.append(
                "\(f.name): printed \"\(value)\" fails the machine-readable zone's check digit; \"\(proven)\" taken")
        }
        state.filled[f.name] = printed
    }
}
