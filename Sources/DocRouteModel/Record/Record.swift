import Foundation

/// The output of a pipeline for one document (or one register row): each field's value with
/// its provenance, the status, the route taken, timings, typed errors and versions.
public struct Record: Sendable, Hashable, Codable {
    /// The input the record describes.
    public struct Source: Sendable, Hashable, Codable {
        public var path: String
        public var sha256: String?
        public var format: DocumentFormat?
        public var pages: Int?
        public var bytes: Int?
        /// What the router saw: `docx`, `xlsx`, `pdf` (text layer on some page), `scanned` (a
        /// PDF whose every page was OCR'd), `png`, `jpeg`, `tiff`. Eval and batch group by it.
        public var kind: DocumentKind?
        /// For a register row: the sheet (table) name and its 1-based row number.
        public var sheet: String?
        public var row: Int?
        /// For documents with OCR'd pages: per page, the preparation steps that ran on its image
        /// before recognition (`[]`: none paid, or the page had a text layer).
        public var preprocessing: [[String]]?

        public init(
            path: String, sha256: String? = nil, format: DocumentFormat? = nil, pages: Int? = nil,
            bytes: Int? = nil, kind: DocumentKind? = nil, sheet: String? = nil, row: Int? = nil
        ) {
            self.path = path; self.sha256 = sha256; self.format = format; self.pages = pages
            self.bytes = bytes; self.kind = kind; self.sheet = sheet; self.row = row
        }
    }

    /// The outcome for the document as a whole.
    public enum Status: String, Sendable, Hashable, Codable {
        /// Every required field is valid, every value is at least as sure as the pipeline's
        /// threshold, and no field was printed but unread.
        case ok
        /// A required field is missing or invalid (or no field was found at all).
        case partial
        /// Every required field is valid but a value is less sure than the pipeline's threshold,
        /// or a field was printed but its reading refused; `review` says which and why.
        case needsReview = "needs_review"
        /// The document could not be read; `errors` says why.
        case failed
    }

    /// One field: the normalised value, the printed text, and where and how it was found.
    public struct Field: Sendable, Hashable, Codable {
        /// nil when no valid value was found.
        public var value: FieldValue?
        /// The text as printed (for an invalid value: the best candidate that failed).
        public var raw: String?
        /// ISO 4217 code of a `money` value, when printed.
        public var currency: String?
        public var confidence: Double
        /// The strategy that produced `value` (or the failing `raw`).
        public var strategy: StrategyName?
        /// 1-based page number.
        public var page: Int?
        public var box: Box?
        public var valid: Bool
        /// Why the field has no valid value.
        public var reason: String?
        /// The value was read again from its own box (see `OCRSpec`); encoded only when true.
        public var reread: Bool
        /// How an LLM gave the value; nil when no LLM did.
        public var llm: LLMProvenance?
        /// Strategies that were asked for this field, in order.
        public var tried: [StrategyName]
        /// What other printings of the same fact said of the value (`{"mrz": "agrees"}`);
        /// encoded only when not empty.
        public var checks: [String: CrossCheck] = [:]
        /// The value was read from a region of a learned template (`learned_template`): the
        /// field's own, or the machine-readable zone's (`strategy: mrz`); encoded only when true.
        public var fromTemplate = false
        /// Where the value stood relative to what found it: `same_line`, `next_column`, `below`,
        /// `multi_line` (after a label; `section_…` when its field's section decided),
        /// `cell_right`, `cell_below` (native tables), `title`, `with_amount`, `on_page`
        /// (currencies); nil for the other strategies (their name says it).
        public var found: String?
        /// What the confidence of a valid value was weighed from; nil for an invalid one.
        public var evidence: Evidence?
        /// Why a valid value is less sure than the pipeline's `review.below` (not encoded: the
        /// record's `review` lists it).
        public var doubt: String?
        /// For a table field: its rows, each cell a field of its own; nil for other fields.
        public var rows: [Row]?
        /// For a table field: the lines under its header that are not items, and why.
        public var excluded: [ExcludedRow]?

        public init(
            value: FieldValue?, raw: String?, currency: String? = nil, confidence: Double, strategy: StrategyName?,
            page: Int?, box: Box?, valid: Bool, reason: String? = nil, reread: Bool = false,
            llm: LLMProvenance? = nil, tried: [StrategyName]
        ) {
            self.value = value; self.raw = raw; self.currency = currency; self.confidence = confidence
            self.strategy = strategy; self.page = page; self.box = box; self.valid = valid
            self.reason = reason; self.reread = reread; self.llm = llm; self.tried = tried
        }

        enum CodingKeys: String, CodingKey {
            case value, raw, currency, confidence, strategy, found, page, box, valid, reason, reread, llm, tried,
                checks, evidence, rows, excluded
            case fromTemplate = "from_template"
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            value = try c.decodeIfPresent(FieldValue.self, forKey: .value)
            raw = try c.decodeIfPresent(String.self, forKey: .raw)
            currency = try c.decodeIfPresent(String.self, forKey: .currency)
            confidence = try c.decode(Double.self, forKey: .confidence)
            strategy = try c.decodeIfPresent(StrategyName.self, forKey: .strategy)
            page = try c.decodeIfPresent(Int.self, forKey: .page)
            box = try c.decodeIfPresent(Box.self, forKey: .box)
            valid = try c.decode(Bool.self, forKey: .valid)
            reason = try c.decodeIfPresent(String.self, forKey: .reason)
            reread = try c.decodeIfPresent(Bool.self, forKey: .reread) ?? false
            llm = try c.decodeIfPresent(LLMProvenance.self, forKey: .llm)
            tried = try c.decodeIfPresent([StrategyName].self, forKey: .tried) ?? []
            checks = try c.decodeIfPresent([String: CrossCheck].self, forKey: .checks) ?? [:]
            fromTemplate = try c.decodeIfPresent(Bool.self, forKey: .fromTemplate) ?? false
            found = try c.decodeIfPresent(String.self, forKey: .found)
            evidence = try c.decodeIfPresent(Evidence.self, forKey: .evidence)
            rows = try c.decodeIfPresent([Row].self, forKey: .rows)
            excluded = try c.decodeIfPresent([ExcludedRow].self, forKey: .excluded)
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(value, forKey: .value)  // null when absent: every pipeline field appears
            try c.encodeIfPresent(raw, forKey: .raw)
            try c.encodeIfPresent(currency, forKey: .currency)
            try c.encode(confidence.rounded(toPlaces: 3), forKey: .confidence)
            try c.encodeIfPresent(strategy, forKey: .strategy)
            try c.encodeIfPresent(found, forKey: .found)
            try c.encodeIfPresent(page, forKey: .page)
            try c.encodeIfPresent(box, forKey: .box)
            try c.encode(valid, forKey: .valid)
            try c.encodeIfPresent(reason, forKey: .reason)
            if reread { try c.encode(true, forKey: .reread) }
            try c.encodeIfPresent(llm, forKey: .llm)
            try c.encode(tried, forKey: .tried)
            if !checks.isEmpty { try c.encode(checks, forKey: .checks) }
            if fromTemplate { try c.encode(true, forKey: .fromTemplate) }
            try c.encodeIfPresent(evidence, forKey: .evidence)
            try c.encodeIfPresent(rows, forKey: .rows)
            try c.encodeIfPresent(excluded, forKey: .excluded)
        }
    }

    /// One row of a table field: a field per column that holds something, and the checks the
    /// row passed or failed (`product`: amount = quantity × price).
    public struct Row: Sendable, Hashable, Codable {
        public var cells: [String: Field]
        /// 1-based page number.
        public var page: Int?
        public var checks: [String: CrossCheck] = [:]

        public init(cells: [String: Field], page: Int?) {
            self.cells = cells; self.page = page
        }

        enum CodingKeys: String, CodingKey { case cells, page, checks }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            cells = try c.decode([String: Field].self, forKey: .cells)
            page = try c.decodeIfPresent(Int.self, forKey: .page)
            checks = try c.decodeIfPresent([String: CrossCheck].self, forKey: .checks) ?? [:]
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(cells, forKey: .cells)
            try c.encodeIfPresent(page, forKey: .page)
            if !checks.isEmpty { try c.encode(checks, forKey: .checks) }
        }
    }

    /// A line under a table's header that is not an item: a subtotal, a total, a line carried
    /// forward, a heading or note with no amounts.
    public struct ExcludedRow: Sendable, Hashable, Codable {
        public var text: String
        /// 1-based page number.
        public var page: Int
        public var reason: String

        public init(text: String, page: Int, reason: String) {
            self.text = text; self.page = page; self.reason = reason
        }
    }

    /// The outcome of comparing a field's value with another printing of the same fact.
    public enum CrossCheck: String, Sendable, Hashable, Codable {
        /// Both say the same (names: the same letters, accents aside).
        case agrees
        /// They differ and the other printing, which verifies, was taken (`strategy` says which).
        case corrected
        /// Nothing valid was printed; the other printing gave the value.
        case filled
        /// They differ and neither can be shown right: the printed value is kept, less sure.
        case disagrees
    }

    /// How an LLM gave a field's value.
    public enum LLMProvenance: String, Sendable, Hashable, Codable {
        /// The model named a span; the value is that span's text, copied verbatim.
        case span
        /// The model wrote the value and it is printed in the document as written.
        case copied
        /// The model wrote a value that is not in the document.
        case generated
    }

    /// What a learned template (see `LearnedForm`) had to do with the document.
    public struct FormUse: Sendable, Hashable, Codable {
        public enum Outcome: String, Sendable, Hashable, Codable {
            /// The fields were read from the template's regions.
            case read
            /// The template matched but its reading was not good enough: the full path was taken.
            case fellBack = "fell_back"
            /// The template was learned from this document (extracted by the full path).
            case learned
        }

        public var id: String
        public var version: Int
        /// How well the document matched: the share of the template's anchors found in place.
        public var score: Double?
        public var outcome: Outcome
        /// Why the template's reading was not used.
        public var reason: String?

        public init(id: String, version: Int, score: Double? = nil, outcome: Outcome, reason: String? = nil) {
            self.id = id; self.version = version; self.score = score; self.outcome = outcome; self.reason = reason
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(version, forKey: .version)
            try c.encodeIfPresent(score.map { $0.rounded(toPlaces: 3) }, forKey: .score)
            try c.encode(outcome, forKey: .outcome)
            try c.encodeIfPresent(reason, forKey: .reason)
        }
    }

    /// The strategies run for the document, and why in that order.
    public struct Route: Sendable, Hashable, Codable {
        /// The order chosen for this document.
        public var order: [StrategyName]
        /// The strategies that actually ran (a strategy is skipped once every field is filled).
        public var strategies: [StrategyName]
        public var reason: String
        /// Best template match score, when the pipeline has templates and they were compared.
        public var templateScore: Double?
        /// HTTP requests sent to the LLM for the record (retries included; 0 for a cached answer).
        public var llmCalls: Int
        /// OCR re-reads of value boxes made for the record.
        public var rereads: Int
        /// Fields handed to the LLM (empty or invalid after the cheaper strategies).
        public var llmFields: [String]
        /// The LLM's answer came from the on-disk cache.
        public var llmCached: Bool
        /// Tokens the LLM answer cost (as first answered, when cached).
        public var llmTokens: LLMUsage?
        /// Seconds spent waiting for the LLM (0 for a cached answer).
        public var llmSeconds: Double = 0

        public init(
            order: [StrategyName], strategies: [StrategyName], reason: String, templateScore: Double? = nil,
            llmCalls: Int = 0, rereads: Int = 0, llmFields: [String] = [], llmCached: Bool = false,
            llmTokens: LLMUsage? = nil
        ) {
            self.order = order; self.strategies = strategies; self.reason = reason
            self.templateScore = templateScore; self.llmCalls = llmCalls; self.rereads = rereads
            self.llmFields = llmFields; self.llmCached = llmCached; self.llmTokens = llmTokens
        }

        enum CodingKeys: String, CodingKey {
            case order, strategies, reason, templateScore = "template_score", llmCalls = "llm_calls", rereads,
                llmFields = "llm_fields", llmCached = "llm_cached", llmTokens = "llm_tokens",
                llmSeconds = "llm_seconds"
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            order = try c.decode([StrategyName].self, forKey: .order)
            strategies = try c.decode([StrategyName].self, forKey: .strategies)
            reason = try c.decode(String.self, forKey: .reason)
            templateScore = try c.decodeIfPresent(Double.self, forKey: .templateScore)
            llmCalls = try c.decodeIfPresent(Int.self, forKey: .llmCalls) ?? 0
            rereads = try c.decodeIfPresent(Int.self, forKey: .rereads) ?? 0
            llmFields = try c.decodeIfPresent([String].self, forKey: .llmFields) ?? []
            llmCached = try c.decodeIfPresent(Bool.self, forKey: .llmCached) ?? false
            llmTokens = try c.decodeIfPresent(LLMUsage.self, forKey: .llmTokens)
            llmSeconds = try c.decodeIfPresent(Double.self, forKey: .llmSeconds) ?? 0
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(order, forKey: .order)
            try c.encode(strategies, forKey: .strategies)
            try c.encode(reason, forKey: .reason)
            try c.encodeIfPresent(templateScore.map { $0.rounded(toPlaces: 3) }, forKey: .templateScore)
            try c.encode(llmCalls, forKey: .llmCalls)
            try c.encode(rereads, forKey: .rereads)
            if !llmFields.isEmpty {
                try c.encode(llmFields, forKey: .llmFields)
                try c.encode(llmCached, forKey: .llmCached)
                try c.encodeIfPresent(llmTokens, forKey: .llmTokens)
                try c.encode(llmSeconds.rounded(toPlaces: 3), forKey: .llmSeconds)
            }
        }
    }

    /// Milliseconds spent per stage; `read` includes `ocr`.
    public struct Timings: Sendable, Hashable, Codable {
        public var read: Double
        public var ocr: Double
        public var extract: Double
        public var total: Double

        public init(read: Double = 0, ocr: Double = 0, extract: Double = 0, total: Double = 0) {
            self.read = read; self.ocr = ocr; self.extract = extract; self.total = total
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            for (k, v) in [(CodingKeys.read, read), (.ocr, ocr), (.extract, extract), (.total, total)] {
                try c.encode(v.rounded(toPlaces: 3), forKey: k)
            }
        }
    }

    /// A typed error: a stable code and a message.
    public struct ErrorInfo: Sendable, Hashable, Codable {
        public var code: String
        public var message: String

        public init(code: String, message: String) { self.code = code; self.message = message }
        public init(_ error: DocRouteError) { self.init(code: error.code, message: error.description) }
    }

    /// What produced the record.
    public struct VersionInfo: Sendable, Hashable, Codable {
        public var docroute: String
        public var tesseract: String?
        public var llmModel: String?

        public init(docroute: String, tesseract: String?, llmModel: String?) {
            self.docroute = docroute; self.tesseract = tesseract; self.llmModel = llmModel
        }

        enum CodingKeys: String, CodingKey { case docroute, tesseract, llmModel = "llm_model" }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(docroute, forKey: .docroute)
            try c.encode(tesseract, forKey: .tesseract)
            try c.encode(llmModel, forKey: .llmModel)
        }
    }

    public var source: Source
    public var pipeline: String
    /// The template whose placeholders filled at least one field.
    public var template: String?
    /// The learned template that read the document, fell back, or was learned from it;
    /// encoded only when set.
    public var learnedForm: FormUse?
    public var status: Status
    public var fields: [String: Field]
    public var route: Route
    public var timingsMs: Timings
    public var errors: [ErrorInfo]
    /// What the reader worked around (skipped parts, deskewed pages, ...).
    public var warnings: [String]
    public var versions: VersionInfo
    /// Valid fields less sure than the pipeline's `review.below`, for a person to check, each
    /// with the reason (`weak label match`, `two candidates disagree`, ...); any of them makes
    /// the status `needs_review`. nil when there are none.
    public var review: [String: String]?
    /// Set by the watch daemon on the record of a document whose content it had already
    /// processed under another name: that document's path in the inbox. Encoded only when set.
    public var duplicateOf: String?

    public init(
        source: Source, pipeline: String, template: String? = nil, status: Status, fields: [String: Field],
        route: Route, timingsMs: Timings, errors: [ErrorInfo] = [], warnings: [String] = [], versions: VersionInfo
    ) {
        self.source = source; self.pipeline = pipeline; self.template = template; self.status = status
        self.fields = fields; self.route = route; self.timingsMs = timingsMs; self.errors = errors
        self.warnings = warnings; self.versions = versions
    }

    enum CodingKeys: String, CodingKey {
        case source, pipeline, template, status, fields, route, timingsMs = "timings_ms", errors, warnings, versions
        case duplicateOf = "duplicate_of", review, learnedForm = "learned_template"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(source, forKey: .source)
        try c.encode(pipeline, forKey: .pipeline)
        try c.encode(template, forKey: .template)
        try c.encodeIfPresent(learnedForm, forKey: .learnedForm)
        try c.encode(status, forKey: .status)
        try c.encodeIfPresent(review, forKey: .review)
        try c.encode(fields, forKey: .fields)
        try c.encode(route, forKey: .route)
        try c.encode(timingsMs, forKey: .timingsMs)
        try c.encode(errors, forKey: .errors)
        try c.encode(warnings, forKey: .warnings)
        try c.encode(versions, forKey: .versions)
        try c.encodeIfPresent(duplicateOf, forKey: .duplicateOf)
    }
}
