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
    /// The pipeline's `after:` headings (`Bill to`), as labels of the fields they head.
    let headings: LabelMatcher
    let aligner: TemplateAligner
    /// One reader per table field, built once.
    let tableReaders: [LineItemReader]
    /// A template matching at least this well puts replacement first on pages without native tables.
    static let strongTemplate = 0.85

    /// The LLM strategy, when the pipeline has an `llm` section and a backend was given.
    package let llm: LLMStrategy?

    /// `llm` serves the pipeline's `llm` section; without that section it is never called.
    public init(spec: PipelineSpec, llm: (any LLMBackend)? = nil) {
        self.spec = spec
        if let backend = llm, let section = spec.llm {
            self.llm = LLMStrategy(backend: backend, mode: section.mode, promptTokens: section.maxPromptTokens)
        } else {
            self.llm = nil
        }
        var v: [String: FieldValidator] = [:]
        for f in spec.fields {
            v[f.name] = FieldValidator(field: f, dateOrder: spec.dateOrder, decimalSeparator: spec.decimalSeparator)
        }
        validators = v
        labels = LabelMatcher(fields: spec.fields)
        headings = LabelMatcher(
            fields: spec.fields.filter { !$0.after.isEmpty }.map { FieldSpec(name: $0.name, labels: $0.after) })
        let totals = spec.fields.filter { [.money, .number, .integer].contains($0.type) }.flatMap(\.labels)
        tableReaders = spec.tableFields.map {
            LineItemReader(
                field: $0, otherLabels: totals, dateOrder: spec.dateOrder, decimalSeparator: spec.decimalSeparator)
        }
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
                    var fields = weighed(state.result(spec.fields))
                    for t in spec.tableFields {
                        fields[t.name] = Record.Field(
                            value: nil, raw: nil, confidence: 0, strategy: nil, page: nil, box: nil, valid: false,
                            reason: "a register row holds no table", tried: [])
                    }
                    return Extraction(
                        fields: fields, template: nil, route: route, sheet: row.sheet, row: row.row)
                }
            }
        }
        let context = ExtractionContext(document: document, labels: labels, headings: headings)
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
        let (errors, model) = askLLM(context, state: &state, route: &route)
        let tables = readTables(document, layout: context.layout, state: &state)
        route.rereads = state.rereads
        var fields = weighed(state.result(spec.fields), others: state.others)
        fields.merge(tables) { a, _ in a }
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
}
