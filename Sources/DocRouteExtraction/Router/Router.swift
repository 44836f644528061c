import DocRouteLLM
import DocRouteModel

/// Fills a pipeline's fields from one document: picks the strategy order from the format and
/// what the document shows, then, field by field, keeps the first candidate that validates;
/// fields still empty go on to the next strategy.
public struct Router: Sendable {
    /// The fields of one record, and how they were found.
    public struct Extraction: Sendable {
        public var fields: [String: Record.Field]
        public var template: String?
        public var route: Record.Route
        /// Set for register rows.
        public var sheet: String?
        public var row: Int?
        /// What went wrong on the way without stopping extraction (a values model that cannot load).
        public var warnings: [String] = []
        /// Typed errors that cost some fields their LLM fallback.
        public var errors: [Record.ErrorInfo] = []
        /// The LLM's model, when it was asked.
        public var llmModel: String?
    }

    public let spec: PipelineSpec
    let validators: [String: FieldValidator]
    /// Built once per pipeline and shared by every document.
    let labels: LabelMatcher
    let aligner: TemplateAligner
    /// A template matching at least this well puts replacement first on pages without native tables.
    static let strongTemplate = 0.85

    /// The LLM strategy, when the pipeline has an `llm` section and a backend was given.
    package let llm: LLMStrategy?

    /// `llm` serves the pipeline's `llm` section; without that section it is never called.
    public init(spec: PipelineSpec, llm: (any LLMBackend)? = nil) {
        self.spec = spec
        if let backend = llm, let section = spec.llm {
            self.llm = LLMStrategy(backend: backend, mode: section.mode)
        } else {
            self.llm = nil
        }
        var v: [String: FieldValidator] = [:]
        for f in spec.fields {
            v[f.name] = FieldValidator(field: f, dateOrder: spec.dateOrder, decimalSeparator: spec.decimalSeparator)
        }
        validators = v
        labels = LabelMatcher(fields: spec.fields)
        aligner = TemplateAligner(spec.templates)
    }

    /// One extraction per record: one for a document, or one per row of a register table.
    public func extract(_ document: Document) -> [Extraction] {
        extract(document, reread: nil)
    }

    /// As `extract(_:)`; with `reread`, OCR'd values are re-read from their boxes (see `OCRSpec`).
    /// `templateReading` is what a learned template's regions read on this document when its
    /// reading was not kept (see `Pipeline.process(path:templates:start:)`): fields the routing
    /// strategies leave empty take it before the LLM is asked (copied from where the layout
    /// holds them, and marked `from_template`).
    package func extract(_ document: Document, reread: (any Rereader)?, templateReading: CandidateSet? = nil)
        -> [Extraction]
    {
        if !document.tables.isEmpty {
            let rows = RegisterTable.rows(in: document, fields: spec.fields, matcher: labels)
            if !rows.isEmpty {
                return rows.map { row in
                    var state = FillState()
                    fill(&state, with: row.candidates, strategy: .table)
                    let route = Record.Route(
                        order: [.table], strategies: [.table],
                        reason: "register table: one record per row below the header")
                    return Extraction(
                        fields: weighed(state.result(spec.fields)), template: nil, route: route, sheet: row.sheet,
                        row: row.row)
                }
            }
        }
        let context = ExtractionContext(document: document, labels: labels)
        let kind = document.kind
        var matches: [TemplateMatch]? = nil
        func templateMatches() -> [TemplateMatch] {
            if let matches { return matches }
            let m = aligner.align(context.layout, format: document.source.format)
            matches = m
            return m
        }
        let (order, reason) = routeOrder(kind: kind, document: document, templates: templateMatches)
        var state = FillState(reader: reread)
        var ran: [StrategyName] = []
        var usedTemplate: String? = nil
        for name in order {
            let pending = spec.fields.filter { state.filled[$0.name] == nil }
            guard !pending.isEmpty else { break }
            ran.append(name)
            let candidates: CandidateSet
            switch name {
            case .table: candidates = TableStrategy().candidates(for: pending, in: context)
            case .replacement:
                let strategy = ReplacementStrategy(matches: templateMatches())
                candidates = strategy.candidates(for: pending, in: context)
            case .direct: candidates = DirectStrategy().candidates(for: pending, in: context)
            case .mrz, .sum: continue  // not routing strategies (the pipeline parser refuses them)
            }
            let filled = fill(&state, with: candidates, strategy: name, only: pending)
            if name == .replacement, !filled.isEmpty {
                // The template whose placeholders gave the values.
                usedTemplate =
                    matches?.first { m in
                        m.score >= ReplacementStrategy.minScore && filled.contains { m.values[$0] != nil }
                    }?.id
            }
        }
        var fromTemplate: [String] = []
        if let templateReading {
            // Not re-read: its boxes are on the template path's image of the page, not this one's.
            var spare = FillState()
            fromTemplate = fill(
                &spare, with: templateReading, strategy: .replacement,
                only: spec.fields.filter { state.filled[$0.name] == nil })
            for name in fromTemplate {
                state.filled[name] = spare.filled[name]
                state.failures[name] = nil
                state.tried[name, default: []].append(.replacement)
            }
        }
        assignJointly(layout: context.layout, state: &state)
        crossCheckMRZ(document, state: &state)
        crossCheckSums(document, layout: context.layout, state: &state)
        fillCurrency(document, layout: context.layout, state: &state)
        fillTitle(document, layout: context.layout, state: &state)
        fillAfter(context, state: &state)
        fillBelowTitle(document, layout: context.layout, state: &state)
        fillFirst(layout: context.layout, state: &state)
        var route = Record.Route(order: order, strategies: ran, reason: reason, templateScore: matches?.first?.score)
        var errors: [Record.ErrorInfo] = []
        var model: String? = nil
        let pending = spec.fields.filter { state.filled[$0.name] == nil }
        if let llm, !pending.isEmpty {
            // One call for every field the cheaper strategies left empty or invalid.
            let outcome = llm.ask(for: pending, in: context)
            model = llm.backend.model
            fill(
                &state, with: outcome.candidates, strategy: llm.mode == .spans ? .replacement : .direct, only: pending,
                llm: outcome.provenance)
            for (field, note) in outcome.reasons { state.notes[field] = note }
            if let error = outcome.error {
                errors.append(Record.ErrorInfo(code: error.code, message: error.description))
                for f in pending { state.notes[f.name] = error.code }
            }
            route.llmFields = pending.map(\.name)
            route.llmCalls = outcome.requests
            route.llmCached = outcome.answer?.cached ?? false
            route.llmTokens = outcome.answer?.usage
        }
        route.rereads = state.rereads
        var fields = weighed(state.result(spec.fields), others: state.others)
        for name in fromTemplate where fields[name]?.valid == true && fields[name]?.strategy == .replacement {
            fields[name]?.fromTemplate = true
        }
        if !fromTemplate.isEmpty {
            route.reason +=
                "; " + fromTemplate.sorted().joined(separator: ", ") + " from the learned template's regions"
        }
        return [
            Extraction(
                fields: fields, template: usedTemplate, route: route, warnings: state.warnings,
                errors: errors, llmModel: model)
        ]
    }

    /// Confidence kept by a value repaired from OCR confusions.
    static let repairFactor = 0.85

    /// An OCR'd candidate that fails only because of OCR's usual confusions (O/0, I/1, ...):
    /// the one value its variants validate to, for fields whose pattern or check can tell;
    /// nil when none or several different values validate.
    func repaired(_ c: Candidate, validator: FieldValidator) -> ValidatedValue? {
        let field = validator.field
        guard c.ocr,
            field.pattern != nil || field.check != nil || field.type == .date || field.type == .number
                || field.type == .integer || field.type == .money
        else { return nil }
        let text = FieldValidator.clean(c.text)
        guard text.count <= 64, !text.contains("%") else { return nil }
        // Characters the pattern cannot hold become their one look-alike it can (O → 0 in a
        // number without O): no choice is made, however many there are.
        if let alphabet = field.pattern?.alphabet.map(Set.init) {
            let forced = String(
                text.map { c in
                    let fits = OCRConfusions.alternatives(c).filter(alphabet.contains)
                    return alphabet.contains(c) || fits.count != 1 ? c : fits[0]
                })
            if forced != text, case .success(let v) = validator.validate(forced) { return v }
        }
        // The smallest change that validates wins; two different values at that size mean the
        // reading cannot be repaired.
        for tier in OCRConfusions.variants(of: text) {
            var found: ValidatedValue? = nil
            for variant in tier {
                guard case .success(let v) = validator.validate(variant) else { continue }
                if let f = found, f.value != v.value { return nil }
                found = v
            }
            if let found { return found }
        }
        return nil
    }

    func routeOrder(kind: DocumentKind, document: Document, templates: () -> [TemplateMatch]) -> (
        [StrategyName], String
    ) {
        if let o = spec.routing.byKind[kind.rawValue] { return (o, "pipeline routing for \(kind)") }
        if kind.isImage, let o = spec.routing.byKind["image"] { return (o, "pipeline routing for images") }
        if let o = spec.routing.order { return (o, "pipeline routing order") }
        if kind == .docx || kind == .xlsx {
            return (
                [.table, .replacement, .direct],
                document.tables.isEmpty
                    ? "\(kind): no native table, labels in text first" : "\(kind): native tables first"
            )
        }
        let source = kind == .pdf ? "text layer" : "OCR"
        if !spec.templates.isEmpty, let best = templates().first, best.score >= Self.strongTemplate {
            return (
                [.replacement, .table, .direct],
                "\(kind) (\(source)): template \(best.id) matches \(String(format: "%.2f", best.score)), replacement first"
            )
        }
        return ([.table, .replacement, .direct], "\(kind) (\(source)): labels and columns first")
    }

    /// Validates candidates in order; the first valid one fills the field. Returns the fields filled.
    @discardableResult
    func fill(
        _ state: inout FillState, with candidates: CandidateSet, strategy: StrategyName, only: [FieldSpec]? = nil,
        llm: [String: Record.LLMProvenance]? = nil
    ) -> [String] {
        var filled: [String] = []
        for field in only ?? spec.fields where state.filled[field.name] == nil {
            // An LLM step is recorded by `llm` on the field and `route.llm_fields`, not in `tried`.
            if llm == nil { state.tried[field.name, default: []].append(strategy) }
            guard let validator = validators[field.name] else { continue }
            let list = candidates[field.name] ?? []
            for (index, c) in list.enumerated() {
                var original: Accepted? = nil
                switch accepted(c, validator: validator) {
                case .success(let v): original = v
                case .failure(let f):
                    if state.failures[field.name] == nil { state.failures[field.name] = (c, f, strategy) }
                }
                var chosen = original
                var reread = false
                // A second reading with other letters, not taken: it disagreed with the page's.
                var disagreed = false
                if c.ocr, original == nil || wantsReread(c, field: field) {
                    if let better = rereadValue(
                        c, page: original, field: field, validator: validator, state: &state,
                        disagrees: &disagreed)
                    {
                        chosen = better
                        reread = true
                        disagreed = false
                    }
                }
                guard let (value, raw, confidence, repaired) = chosen else { continue }
                var f = Record.Field(
                    value: value.value, raw: raw, currency: value.currency, confidence: min(1, max(0, confidence)),
                    strategy: strategy, page: c.page.map { $0 + 1 }, box: c.box, valid: true, reread: reread,
                    llm: llm?[field.name], tried: [])
                f.found = c.place
                f.evidence = Self.evidence(c, confidence: f.confidence, repaired: repaired)
                f.evidence?.rereadDisagrees = disagreed
                state.filled[field.name] = f
                state.others[field.name] = others(of: list[(index + 1)...], validator: validator, strategy: strategy)
                filled.append(field.name)
                break
            }
        }
        return filled
    }

    /// Valid readings a field passed over, best first, as the joint checks may take them
    /// instead (see `Router+Joint.swift`): as printed or repaired, never re-read (a re-read
    /// costs an OCR call), at most `FillState.maxOthers`.
    func others(of rest: ArraySlice<Candidate>, validator: FieldValidator, strategy: StrategyName) -> [Record.Field] {
        var out: [Record.Field] = []
        for c in rest where out.count < FillState.maxOthers {
            guard case .success(let (value, raw, confidence, repaired)) = accepted(c, validator: validator) else {
                continue
            }
            var f = Record.Field(
                value: value.value, raw: raw, currency: value.currency, confidence: min(1, max(0, confidence)),
                strategy: strategy, page: c.page.map { $0 + 1 }, box: c.box, valid: true, tried: [])
            f.found = c.place
            f.evidence = Self.evidence(c, confidence: f.confidence, repaired: repaired)
            out.append(f)
        }
        return out
    }

    /// What `c` shows of how sure its value, at `confidence` (a re-read's when re-read), is;
    /// agreement is counted once every field is filled.
    static func evidence(_ c: Candidate, confidence: Double, repaired: Bool) -> Record.Evidence {
        var e = Record.Evidence(raw: confidence)
        e.label = c.label
        e.labelInText = c.labelInText
        e.labels = c.label == nil ? 0 : c.labelCount
        e.labelLength = c.label == nil ? 0 : c.labelLength
        if c.ocr, c.quality > 0 { e.ocr = min(1, confidence / c.quality / (repaired ? repairFactor : 1)) }
        e.repaired = repaired
        return e
    }

    /// A candidate's value as validated: `raw` is what was read, `repaired` says whether OCR
    /// look-alikes had to be changed for it to validate.
    typealias Accepted = (value: ValidatedValue, raw: String, confidence: Double, repaired: Bool)

    /// The value `c` gives when it validates, as printed or repaired from OCR confusions
    /// (`raw` keeps what was read); else why the printed text fails.
    func accepted(_ c: Candidate, validator: FieldValidator)
        -> Result<Accepted, ValidationFailure>
    {
        switch validator.validate(c.text) {
        case .success(let v): return .success((v, v.raw, c.confidence, false))
        case .failure(let f):
            guard let v = repaired(c, validator: validator) else { return .failure(f) }
            return .success((v, FieldValidator.clean(c.text), c.confidence * Self.repairFactor, true))
        }
    }

    /// The value of `c` read again from its box (see `OCRSpec`), when it should replace the
    /// page's reading `page` (nil: the page reading did not validate).
    ///
    /// A valid page reading is replaced only by a re-read of the same text: equal but for
    /// accents and OCR look-alikes (KRAKOW → KRAKÓW, DUK → DIJK), or a few letters apart and
    /// read with clearly more confidence (THUS at 0.04 → THIJS at 0.95); a page reading in
    /// capitals keeps them (NOEMIE → NOÉMIE, not Noémie). An invalid one is
    /// replaced by any re-read that validates; when the free re-read does not, the field's
    /// alphabet (from its pattern) is imposed on a second one, which Tesseract then reports
    /// with no usable confidence: it keeps the free re-read's, discounted like a repair.
    /// `disagrees` is set when the free re-read reads other letters than a valid page reading.
    func rereadValue(
        _ c: Candidate, page: Accepted?, field: FieldSpec,
        validator: FieldValidator, state: inout FillState, disagrees: inout Bool
    ) -> Accepted? {
        guard let free = state.reread(c, field: field, whitelist: nil) else { return nil }
        // No reading (a model that did not load, an empty crop) is no disagreement.
        if let page, !free.text.isEmpty, TextNormalizer.matchKey(free.text) != TextNormalizer.matchKey(page.raw) {
            disagrees = true
        }
        if case .success(let v) = accepted(free, validator: validator) {
            guard let page else { return v }
            let x = TextNormalizer.matchKey(v.raw), y = TextNormalizer.matchKey(page.raw)
            if x == y {
                // The same letters: the re-read's accents, the page's word breaks (a line crop
                // can split a word the page read whole: KÖ LN for KOLN) and capitals.
                var respaced = free
                respaced.text = TextNormalizer.spaced(Self.cased(v.raw, like: page.raw), like: page.raw)
                if respaced.text != v.raw, case .success(let w) = accepted(respaced, validator: validator) { return w }
                return v
            }
            let limit = max(2, min(x.count, y.count) / 4)
            let pageOCR = c.quality > 0 ? c.confidence / c.quality : 0
            let rereadOCR = c.quality > 0 ? free.confidence / c.quality : 0
            // A page reading with a stray symbol in it (@YVIND: a letter the page model cannot
            // write) needs only an equally sure re-read.
            let needed = page.raw.contains(where: Self.isStraySymbol) ? 0 : Self.clearlyMoreSure
            guard rereadOCR >= pageOCR + needed, TextNormalizer.distance(x, y, limit: limit + 1) <= limit else {
                return nil
            }
            var cased = free
            cased.text = Self.cased(v.raw, like: page.raw)
            if cased.text != v.raw, case .success(let w) = accepted(cased, validator: validator) { return w }
            return v
        }
        guard page == nil, let alphabet = field.pattern?.alphabet,
            var forced = state.reread(c, field: field, whitelist: alphabet)
        else { return nil }
        forced.confidence = free.confidence * Self.repairFactor
        return try? accepted(forced, validator: validator).get()
    }

    /// `reread` in capitals when the page's reading of the same value is all capitals (the
    /// values model reads NOÉMIE as Noémie); else as it is.
    static func cased(_ reread: String, like page: String) -> String {
        page.contains(where: \.isUppercase) && !page.contains(where: \.isLowercase) ? reread.uppercased() : reread
    }

    /// A valid page reading of a `text` field is re-read by the pipeline's values model when
    /// the field may hold letters the page model lacks (no pattern restricting it to ASCII), or
    /// when the page model was unsure of it — unless the values model read it.
    func wantsReread(_ c: Candidate, field: FieldSpec) -> Bool {
        guard spec.ocr.values != nil, field.type == .text, !c.byValuesModel else { return false }
        if field.pattern?.alphabet == nil { return true }
        return c.quality > 0 && c.confidence / c.quality < Self.sureReading
    }

    /// The fields whose valid readings `wantsReread` whatever their confidence: text that may
    /// hold letters the page model lacks.
    package var readByValuesModel: Set<String> {
        guard spec.ocr.values != nil else { return [] }
        return Set(spec.fields.filter { $0.type == .text && $0.pattern?.alphabet == nil }.map(\.name))
    }

    /// Page OCR confidence below which a valid reading restricted to ASCII is still re-read.
    static let sureReading = 0.9

    /// A character no printed name, place or number holds: OCR's stand-in for a letter it
    /// could not read (@, £, €, #, ...).
    static func isStraySymbol(_ c: Character) -> Bool {
        !(c.isLetter || c.isNumber || c.isWhitespace || "-'’.,/()&".contains(c))
    }

    /// How much surer a re-read must be to replace a valid page reading with different letters.
    static let clearlyMoreSure = 0.2
}

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
    var warnings: [String] = []
    /// What the LLM said of a field it did not fill.
    var notes: [String: String] = [:]

    init(reader: (any Rereader)? = nil) {
        self.reader = reader
    }

    /// Forgets all that was done for field `name` (value, failure, strategies tried, its
    /// re-read count), so that it can be filled again from scratch. The record's re-reads stay
    /// counted against its budget.
    mutating func forget(_ name: String) {
        filled[name] = nil
        others[name] = nil
        failures[name] = nil
        tried[name] = nil
        rereadsByField[name] = nil
    }

    /// `c` read again from its box by the values model, as a candidate of the same quality.
    mutating func reread(_ c: Candidate, field: FieldSpec, whitelist: String?) -> Candidate? {
        guard let page = c.page, let box = c.box, rereadsByField[field.name, default: 0] < Self.maxRereadsPerField,
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
