import DocRouteModel

/// What has been filled so far for one record.
struct FillState {
    var filled: [String: Record.Field] = [:]
    /// Each filled field's other valid readings, best first (see `Router.others`).
    var others: [String: [Record.Field]] = [:]
    static let maxOthers = 6
    var failures: [String: (Candidate, ValidationFailure, StrategyName)] = [:]
    var tried: [String: [StrategyName]] = [:]
    /// Re-reads one record, and one field, may make (a bound on time for a page full of
    /// invalid candidates).
    static let maxRereads = 24
    static let maxRereadsPerField = 2
    let reader: (any Rereader)?
    var rereads = 0
    var rereadsByField: [String: Int] = [:]
    /// Fields whose candidates are not re-read (until forgotten).
    var notReread: Set<String> = []
    var warnings: [String] = []
    /// What the LLM said of a field it did not fill.
    var notes: [String: String] = [:]

    init(reader: (any Rereader)? = nil) {
        self.reader = reader
    }

    /// Forgets all that was done for field `name` (value, failure, strategies tried, its
    /// re-read count, a ban on re-reading it), so that it can be filled again from scratch. The record's re-reads stay
    /// counted against its budget.
    mutating func forget(_ name: String) {
        filled[name] = nil
        others[name] = nil
        failures[name] = nil
        tried[name] = nil
        rereadsByField[name] = nil
        notReread.remove(name)
    }

    /// `c` read again from its box by the values model, as a candidate of the same quality.
    mutating func reread(_ c: Candidate, field: FieldSpec, whitelist: String?) -> Candidate? {
        guard let page = c.page, let box = c.box, !notReread.contains(field.name),
            rereadsByField[field.name, default: 0] < Self.maxRereadsPerField,
            rereads < Self.maxRereads
        else { return nil }
        rereadsByField[field.name, default: 0] += 1
        guard let r = reread(page: page, box: box, lines: c.lines, whitelist: whitelist) else { return nil }
        return Candidate(
            text: r.text, page: page, box: box, confidence: c.quality * r.confidence, ocr: true,
            quality: c.quality, lines: c.lines)
    }

    /// `box` of 0-based `page` read again by the values model, within the record's re-read
    /// budget (a field's candidate, or a region that is none, such as a machine-readable zone).
    mutating func reread(page: Int, box: Box, lines: Int, whitelist: String?) -> Reread? {
        guard let reader, rereads < Self.maxRereads else { return nil }
        rereads += 1
        do {
            return try reader.reread(page: page, box: box, lines: lines, whitelist: whitelist)
        } catch {
            let note = "values not re-read: \(error)"
            if !warnings.contains(note) { warnings.append(note) }
            return nil
        }
    }

    /// Every pipeline field: filled ones, invalid ones with the first failure, missing ones.
    func result(_ fields: [FieldSpec]) -> [String: Record.Field] {
        var out: [String: Record.Field] = [:]
        for f in fields {
            let tried = self.tried[f.name] ?? []
            if var field = filled[f.name] {
                field.tried = tried
                out[f.name] = field
            } else if let (c, failure, strategy) = failures[f.name] {
                out[f.name] = Record.Field(
                    value: nil, raw: FieldValidator.clean(c.text, multiline: f.type == .mrz),
                    confidence: 0, strategy: strategy, page: c.page.map { $0 + 1 }, box: c.box,
                    valid: false, reason: failure.reason, tried: tried)
            } else {
                out[f.name] = Record.Field(
                    value: nil, raw: nil, confidence: 0, strategy: nil, page: nil, box: nil,
                    valid: false, reason: notes[f.name].map { "not found (\($0))" } ?? "not found", tried: tried)
            }
        }
        return out
    }
}
