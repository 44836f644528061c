extension Router {
    /// The fields of `document` as read from a learned template's regions: each region's
    /// reading is validated (and repaired, and re-read by the values model) like any
    /// candidate, under the `replacement` strategy, and marked `from_template`. Cross-checks
    /// run on what the document holds (a text layer: all of it; an image: only what was read).
    /// `numberLine` is a TD1 zone's first line read on its own (see `crossCheckNumberLine`).
    func extract(templateCandidates candidates: CandidateSet, document: Document, reread: RegionReader?,
                 reason: String, numberLine: String? = nil) -> Extraction {
        var state = FillState(reader: reread)
        fill(&state, with: candidates, strategy: .replacement)
        crossCheckMRZ(document, state: &state)
        if let numberLine { crossCheckNumberLine(numberLine, state: &state) }
        crossCheckSums(document, layout: TextLayout(document), state: &state)
        var fields = calibrated(state.result(spec.fields))
        // Every value came from a region of the template: a field's own, or its zone's.
        for (name, f) in fields where f.valid && (f.strategy == .replacement || f.strategy == .mrz) {
            fields[name]?.fromTemplate = true
        }
        var route = Record.Route(order: [.replacement], strategies: [.replacement], reason: reason)
        route.rereads = state.rereads
        return Extraction(fields: fields, template: nil, route: route, warnings: state.warnings)
    }
}

extension Router {
    /// Checks the document number read from its region against a TD1 zone's first line read on
    /// its own (document code, issuing state, number, check digit: a sixth of the zone's reading
    /// time) when the number's own check digit verifies the zone's reading: the same number is
    /// made as sure as a zone makes it (`checks.mrz = agrees`); one the digit proves wrong in
    /// characters the zone read otherwise is corrected (`corrected`, as `crossCheckMRZ` does);
    /// otherwise nothing changes. Long numbers (continued in the optional data) are left alone.
    func crossCheckNumberLine(_ line: String, state: inout FillState) {
        guard let f = spec.fields.first(where: { $0.mrz == .documentNumber }), let validator = validators[f.name] else { return }
        let a = Array(line.filter { $0 != " " })
        guard a.count >= 15, a[14] != "<" else { return }
        let digit = a[14]
        func accepts(_ number: String) -> Bool? {
            guard number.count <= 9 else { return false }
            return CheckDigits.icao(number.padding(toLength: 9, withPad: "<", startingAt: 0)).map { Character(String($0)) } == digit
        }
        let zone = String(a[5..<14]).replacingOccurrences(of: "<", with: "")
        guard accepts(zone) == true, case .success(let fromZone) = validator.validate(zone),
              var printed = state.filled[f.name], let value = printed.value else { return }
        if value == fromZone.value {
            printed.checks["mrz"] = .agrees
            printed.confidence = max(printed.confidence, Self.zoneConfidence)
            state.filled[f.name] = printed
        } else if let proven = Self.reconcile(printed: value.description, zone: zone, accepts: accepts),
                  case .success(let v) = validator.validate(proven) {
            printed.value = v.value
            printed.raw = proven
            printed.strategy = .mrz
            printed.confidence = Self.zoneConfidence
            printed.checks["mrz"] = .corrected
            state.filled[f.name] = printed
            state.warnings.append("\(f.name): printed \"\(value)\" fails the machine-readable zone's check digit; \"\(proven)\" taken")
        }
    }

    /// `fields` made to agree with a labelled record: a field whose value differs from
    /// `truth` (or is missing) is replaced by the printed words that validate to the truth's
    /// value, when some do (in reading order, runs of up to eight words of one line); fields
    /// the truth does not name are dropped, and so are truth values printed nowhere.
    func labelled(_ fields: [String: Record.Field], truth: [String: FieldValue], in document: Document) -> [String: Record.Field] {
        var out: [String: Record.Field] = [:]
        for field in spec.fields {
            guard let expected = truth[field.name], let validator = validators[field.name] else { continue }
            if let f = fields[field.name], f.valid, let v = f.value, Evaluation.same(expected, v, type: field.type), f.box != nil {
                out[field.name] = f
                continue
            }
            search: for page in document.pages {
                let lines = Dictionary(grouping: page.words.filter { $0.box != nil }, by: \.line).sorted { $0.key < $1.key }
                for (_, words) in lines {
                    for start in words.indices {
                        for end in start..<min(words.count, start + 8) {
                            let run = words[start...end]
                            let text = run.map(\.text).joined(separator: " ")
                            guard case .success(let v) = validator.validate(text), Evaluation.same(expected, v.value, type: field.type) else { continue }
                            let box = run.dropFirst().reduce(run.first!.box!) { $0.union($1.box!) }
                            out[field.name] = Record.Field(value: v.value, raw: v.raw, confidence: 1, strategy: .replacement,
                                                           page: page.index + 1, box: box, valid: true, tried: [])
                            break search
                        }
                    }
                }
            }
        }
        return out
    }
}
