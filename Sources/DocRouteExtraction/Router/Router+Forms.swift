import DocRouteModel

/// What a learned form's regions read on one document, as the router takes it: each field's
/// candidates, the document of what was read (the form's fixed text found in place, each
/// field's reading, the zone's lines when read; the cross-checks look there), a TD1 zone's
/// first line read on its own, and why the form was used.
package struct FormReading: Sendable {
    package var candidates: CandidateSet
    package var document: Document
    package var numberLine: String?
    package var reason: String

    package init(candidates: CandidateSet, document: Document, numberLine: String? = nil, reason: String) {
        (self.candidates, self.document, self.numberLine, self.reason) = (candidates, document, numberLine, reason)
    }
}

extension Router {
    /// The fields as read from a learned form's regions: each region's reading is validated
    /// (and repaired, and re-read by the values model) like any candidate, under the
    /// `replacement` strategy, and marked `from_template`. Cross-checks run on what the
    /// reading's document holds (a text layer: all of it; an image: only what was read); its
    /// `numberLine` is checked by `crossCheckNumberLine`.
    package func extract(form: FormReading, reread: (any Rereader)?) -> Extraction {
        let (candidates, document, numberLine, reason) = (form.candidates, form.document, form.numberLine, form.reason)
        var state = FillState(reader: reread)
        // The number is re-read by the values model only if the zone's number line leaves it
        // unconfirmed: a check digit that verifies it says more than a second reading.
        let number = numberLine == nil ? nil : spec.fields.first(where: { $0.mrz == .documentNumber })
        if let number { state.notReread.insert(number.name) }
        fill(&state, with: candidates, strategy: .replacement)
        crossCheckMRZ(document, state: &state)
        if let numberLine, let number {
            crossCheckNumberLine(numberLine, state: &state)
            if state.filled[number.name]?.checks["mrz"] == nil {
                state.forget(number.name)
                fill(&state, with: candidates, strategy: .replacement, only: [number])
                crossCheckNumberLine(numberLine, state: &state)
            }
        }
        let layout = TextLayout(document)
        crossCheckSums(document, layout: layout, state: &state)
        // Table fields from what the reading's document holds: all of a text layer; on an
        // image only the regions read, where no table is.
        let tables = readTables(document, layout: layout, state: &state)
        var fields = weighed(state.result(spec.fields), others: state.others)
        fields.merge(tables) { a, _ in a }
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
    /// The most words of one line a labelled value is looked for over.
    static let wordsInALine = 16

    /// `fields` made to agree with a labelled record, and for each truth value not found on
    /// the page, why: a field whose value differs from `truth` (or is missing) is replaced by
    /// the printed words that validate to the truth's value, when some do. Values are matched
    /// by type: the truth is read by the field's validator first, so a date or an amount given
    /// as printed (`03/01/2024`, `$1,234.00`) or in its normal form (`2024-03-01`, `1234`)
    /// finds the same words. Runs of up to `wordsInALine` words of one line are tried, then
    /// (text fields) a value over up to four lines: the end of one line and the start of the
    /// lines right under it. Words found nowhere exactly may differ by a few OCR errors (text,
    /// identifiers, addresses): the run fewest errors away is taken. Fields the truth does not
    /// name are dropped, and so are truth values printed nowhere (`unmatched` says why).
    package func labelling(_ fields: [String: Record.Field], truth: [String: FieldValue], in document: Document)
        -> (fields: [String: Record.Field], unmatched: [String: String])
    {
        var out: [String: Record.Field] = [:]
        var unmatched: [String: String] = [:]
        // Each page's words with a box, line by line.
        let pages = document.pages.map { page in
            Dictionary(grouping: page.words.filter { $0.box != nil }, by: \.line).sorted { $0.key < $1.key }.map(
                \.value)
        }
        for field in spec.fields {
            guard let given = truth[field.name], let validator = validators[field.name] else { continue }
            // The truth as the field's type reads it.
            var expected = given
            if case .string(let s) = given, case .success(let v) = validator.validate(s) { expected = v.value }
            if let f = fields[field.name], f.valid, let v = f.value, FieldValue.same(expected, v, type: field.type),
                f.box != nil
            {
                out[field.name] = f
                continue
            }
            // Exact first anywhere; then, for words (text, identifiers, addresses), a few OCR
            // errors forgiven: the labelled copy was read by OCR too.
            let wanted = Array(TextNormalizer.matchKey(expected.description).unicodeScalars)
            // A run's value and how many OCR errors from the truth's it is (0: the same value).
            func matching(_ run: [TextSpan], tolerant: Bool) -> (value: ValidatedValue, errors: Int)? {
                let text = run.map(\.text).joined(separator: " ")
                guard case .success(let v) = validator.validate(text) else { return nil }
                if FieldValue.same(expected, v.value, type: field.type) { return (v, 0) }
                guard tolerant else { return nil }
                let got = Array(TextNormalizer.matchKey(v.value.description).unicodeScalars)
                let limit = TextNormalizer.tolerance(forLength: max(got.count, wanted.count))
                guard limit > 0, case let d = TextNormalizer.distance(got, wanted, limit: limit), d <= limit else {
                    return nil
                }
                return (v, max(1, d))
            }
            func matches(_ run: [TextSpan], tolerant: Bool) -> ValidatedValue? {
                matching(run, tolerant: tolerant)?.value
            }
            func found(_ run: [TextSpan], _ v: ValidatedValue, page: Int) -> Record.Field {
                let box = Box.union(of: run.compactMap(\.box))
                return Record.Field(
                    value: v.value, raw: v.raw, confidence: 1, strategy: .replacement, page: page + 1, box: box,
                    valid: true, tried: [])
            }
            for tolerant in [false, true] where out[field.name] == nil {
                guard !tolerant || [.text, .identifier, .address].contains(field.type) else { break }
                // Of the runs within a line, the first exact one, or else the one fewest OCR
                // errors away (a long title's first words alone may come within the errors
                // forgiven: `Fish and Wildlife` for `Fish and Wildlife Service`).
                var best: (run: [TextSpan], value: ValidatedValue, errors: Int, page: Int)?
                search: for (p, lines) in pages.enumerated() {
                    for words in lines {
                        for start in words.indices {
                            for end in start..<min(words.count, start + Self.wordsInALine) {
                                let run = Array(words[start...end])
                                guard let (v, errors) = matching(run, tolerant: tolerant),
                                    errors < best?.errors ?? .max
                                else { continue }
                                best = (run, v, errors, p)
                                if errors == 0 { break search }
                            }
                        }
                    }
                }
                if let best { out[field.name] = found(best.run, best.value, page: best.page) }
                if out[field.name] == nil, [.text, .address].contains(field.type) {
                    // Over several lines: a line's end, then the next lines' starts, each starting
                    // near where the value's first word starts (an address block, a name under a
                    // heading).
                    lines: for (p, lines) in pages.enumerated() {
                        for (i, words) in lines.enumerated() {
                            for start in words.indices {
                                let first = words[start].box!
                                var run = Array(words[start...])
                                for next in lines.dropFirst(i + 1).prefix(3) {
                                    guard let b = next.first?.box, abs(b.x0 - first.x0) <= 2 * first.height,
                                        b.y0 - run.last!.box!.y1 <= 1.5 * first.height
                                    else { break }
                                    for end in next.indices {
                                        let candidate = run + next[...end]
                                        if let v = matches(candidate, tolerant: tolerant) {
                                            out[field.name] = found(candidate, v, page: p)
                                            break lines
                                        }
                                    }
                                    run += next
                                }
                            }
                        }
                    }
                }
            }
            if out[field.name] == nil {
                if case .string(let s) = given, case .failure(let why) = validator.validate(s) {
                    unmatched[field.name] = "the labelled value \"\(s)\" is not a valid \(field.type.rawValue): \(why)"
                } else {
                    unmatched[field.name] = "no printed words read as \(expected) (\(field.type.rawValue))"
                }
            }
        }
        return (out, unmatched)
    }
}
