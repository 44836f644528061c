import DocRouteModel

/// A printed text a strategy proposes as a field's value, with where it was copied from and
/// how sure the strategy is; the router validates candidates in order and keeps the first valid one.
public struct Candidate: Sendable, Hashable {
    /// The text as printed (verbatim copy of words or a cell).
    public var text: String
    /// 0-based page index, when known.
    public var page: Int?
    public var box: Box?
    /// 0...1: label or template match quality times OCR confidence.
    public var confidence: Double
    /// The text was recognised by OCR (and may hold OCR's typical confusions).
    public var ocr: Bool
    /// 0...1: how well the strategy's label or template placed the value, before OCR
    /// confidence is counted in (a re-read of the value keeps this and brings its own).
    public var quality: Double
    /// Text lines the value spans on the page.
    public var lines: Int
    /// Read by the pipeline's values model already (a learned template's region): not re-read.
    package var byValuesModel = false
    /// Where the value stood relative to its label (see `Record.Field.found`).
    var place: String?
    /// How the label that found the value matched (1 exact, lower per edit); nil when no label did.
    var label: Double?
    /// That label stood inside a line of other words: not at a segment's start, without a colon.
    var labelInText = false
    /// How often a label of the field is printed in the document (0: unknown).
    var labelCount = 0
    /// Characters of that label matched (`Date` 4, `Effective Date` 13): how specific it is.
    var labelLength = 0

    public init(
        text: String, page: Int?, box: Box?, confidence: Double, ocr: Bool = false,
        quality: Double? = nil, lines: Int = 1
    ) {
        self.text = text; self.page = page; self.box = box; self.confidence = confidence; self.ocr = ocr
        self.quality = quality ?? confidence
        self.lines = lines
    }

    init(_ run: WordRun, quality: Double) {
        self.init(
            text: run.text, page: run.page, box: run.box, confidence: quality * run.confidence,
            ocr: run.words.contains { $0.confidence != nil }, quality: quality,
            lines: Set(run.words.map(\.line)).count)
    }
}

extension Candidate {
    /// This candidate, found at `place` (see `Record.Field.found`).
    func at(_ place: String) -> Candidate {
        var c = self
        c.place = place
        return c
    }

    /// This candidate, found by `label` (see `label` and `labelInText`).
    func labelled(_ quality: Double, length: Int, inText: Bool = false) -> Candidate {
        var c = self
        c.label = quality
        c.labelLength = length
        c.labelInText = inText
        return c
    }
}

/// What a strategy proposes for each field, best first.
public typealias CandidateSet = [String: [Candidate]]

/// One of the three ways of filling fields; each reads only the document model.
protocol ExtractionStrategy: Sendable {
    var name: StrategyName { get }
    /// Candidates for `fields` (only those asked for), best first per field.
    func candidates(for fields: [FieldSpec], in context: ExtractionContext) -> CandidateSet
}

/// The document and what is derived from it once, shared by the strategies.
struct ExtractionContext: Sendable {
    let document: Document
    let layout: TextLayout
    /// The labels of every field of the pipeline (strategies are asked for some of the fields,
    /// but every label marks where a value ends).
    let labels: LabelMatcher
    /// Every label occurrence on each of `layout`'s lines (found once, used by every strategy).
    let matches: [[LabelMatcher.Match]]
    /// The pipeline's `after:` headings: no value either.
    let headings: LabelMatcher

    init(document: Document, labels: LabelMatcher, headings: LabelMatcher = LabelMatcher(fields: [])) {
        self.document = document
        layout = TextLayout(document)
        self.labels = labels
        self.headings = headings
        matches = layout.lines.map { labels.matches(in: $0.words, isStart: $0.isSegmentStart) }
    }

    init(document: Document, fields: [FieldSpec]) {
        self.init(document: document, labels: LabelMatcher(fields: fields))
    }
}
