import DocRouteExtraction
import DocRouteForms
import DocRouteLLM
import DocRouteModel
import DocRouteReaders
import Foundation

/// One document type, ready to run: reads a file into a `Document`, routes its fields through
/// the strategies and returns its records. Never throws: a file that cannot be read gives one
/// `failed` record with a typed error.
public struct Pipeline: Sendable {
    public let spec: PipelineSpec
    /// Reads pages with the spec's page OCR model (`ocr.languages`).
    public let reader: DocumentReader
    /// Re-reads values with the spec's values model (or the page model when it has none).
    let values: OCREnginePool
    let router: Router
    /// Learned layouts: read from and learned into when set (see `Pipeline+Templates`).
    public let forms: FormStore?

    /// `reader`'s limits and engine count are kept; its OCR model becomes the spec's. `llm`
    /// serves the spec's `llm` section (without one it is never called). With `templates`,
    /// copies of layouts learned before are read by template, and new layouts are learned.
    public init(
        spec: PipelineSpec, reader: DocumentReader = DocumentReader(), llm: (any LLMBackend)? = nil,
        forms: FormStore? = nil
    ) {
        self.spec = spec
        self.forms = forms
        var r = reader
        if r.ocr.language != spec.ocr.page {
            r.ocr = OCREnginePool(language: spec.ocr.page, maxEngines: reader.ocr.maxEngines)
        }
        self.reader = r
        if let v = spec.ocr.values, v != spec.ocr.page {
            values = OCREnginePool(language: v, maxEngines: reader.ocr.maxEngines)
        } else {
            values = r.ocr
        }
        router = Router(spec: spec, llm: llm)
    }

    /// The same pipeline reporting confidences as computed (for fitting a new calibration).
    public var withoutCalibration: Pipeline {
        var spec = spec
        spec.calibration = nil
        return Pipeline(
            spec: spec, reader: reader, values: values, router: Router(spec: spec, llm: router.llm?.backend),
            forms: forms)
    }

    private init(
        spec: PipelineSpec, reader: DocumentReader, values: OCREnginePool, router: Router, forms: FormStore?
    ) {
        self.spec = spec; self.reader = reader; self.values = values; self.router = router; self.forms = forms
    }

    /// The records of the file at `path`: one, or one per row of a register table.
    public func process(path: String) -> [Record] {
        let start = DispatchTime.now().uptimeNanoseconds
        if let forms { return process(path: path, forms: forms, start: start) }
        let clock = OCRClock()
        switch read(path: path, clock: clock, start: start) {
        case .failure(let record): return [record]
        case .success(let read):
            return records(for: read.document, readMs: read.ms, clock: clock, reread: read.reread, start: start)
        }
    }

    /// A file read by the full path: its document, its page images, and the reader that
    /// re-reads values from them.
    struct FullRead {
        let document: Document
        let rasters: PageRasters
        let reread: RegionReader?
        let ms: Double

        enum Outcome {
            case success(FullRead)
            case failure(Record)
        }
    }

    /// Reads `path` (OCR time on `clock`); a file that cannot be read gives its failed record.
    func read(path: String, clock: OCRClock, start: UInt64) -> FullRead.Outcome {
        let deadline = Deadline(seconds: reader.limits.maxSeconds)
        let rasters = PageRasters()
        let document: Document
        do {
            document = try reader.read(path: path, clock: clock, rasters: rasters)
        } catch {
            let total = Self.ms(since: start)
            return .failure(
                failed(
                    path: path, error: error,
                    timings: Record.Timings(read: total, ocr: clock.milliseconds, total: total)))
        }
        let reread =
            rasters.count > 0 ? RegionReader(pool: values, rasters: rasters, deadline: deadline, clock: clock) : nil
        return .success(FullRead(document: document, rasters: rasters, reread: reread, ms: Self.ms(since: start)))
    }

    /// The records of a document already read (the timings count from `start`).
    public func records(
        for document: Document, readMs: Double = 0, ocrMs: Double = 0,
        start: UInt64 = DispatchTime.now().uptimeNanoseconds
    ) -> [Record] {
        let clock = OCRClock()
        return records(for: document, readMs: readMs, clock: clock, reread: nil, start: start, ocrBefore: ocrMs)
    }

    /// Extraction, with values re-read by `reread` when given; OCR time so far is on `clock`
    /// (plus `ocrBefore`), and re-reads add to it.
    /// With `extract`, the extractions are what it returns (a learned template's reading)
    /// instead of the router's.
    func records(
        for document: Document, readMs: Double, clock: OCRClock, reread: RegionReader?,
        start: UInt64, ocrBefore: Double = 0, extract: (() -> [Router.Extraction])? = nil
    ) -> [Record] {
        let extractStart = DispatchTime.now().uptimeNanoseconds
        let extractions = extract?() ?? router.extract(document, reread: reread)
        let extractMs = Self.ms(since: extractStart)
        let ocrMs = ocrBefore + clock.milliseconds
        let total = Self.ms(since: start)
        return extractions.map { e in
            let base = Record.Source(
                path: document.source.path, sha256: document.source.sha256, format: document.source.format,
                pages: document.pages.count, bytes: document.source.bytes, kind: document.kind,
                sheet: e.sheet, row: e.row)
            var source = base
            if document.pages.contains(where: { $0.origin == .ocr }) {
                source.preprocessing = document.pages.map(\.preprocessing)
            }
            var record = Record(
                source: source, pipeline: spec.name, template: e.template, status: status(of: e.fields),
                fields: e.fields, route: e.route,
                timingsMs: Record.Timings(read: readMs, ocr: ocrMs, extract: extractMs, total: total),
                errors: e.errors, warnings: document.warnings + e.warnings,
                versions: versions(ocr: document.pages.contains { $0.origin == .ocr }, llm: e.llmModel))
            var unsure: [String: String] = [:]
            for f in spec.fields {
                guard let v = e.fields[f.name] else { continue }
                if v.valid, v.confidence < spec.reviewBelow {
                    unsure[f.name] = v.doubt ?? "low confidence"
                } else if Self.isUnread(v) {
                    unsure[f.name] = "printed but not read: " + (v.reason ?? "invalid")
                }
            }
            for t in spec.tableFields {
                guard let v = e.fields[t.name], v.valid, v.confidence < spec.reviewBelow else { continue }
                unsure[t.name] = v.doubt ?? "low confidence"
            }
            record.review = unsure.isEmpty ? nil : unsure
            return record
        }
    }

    func failed(path: String, error: DocRouteError, timings: Record.Timings) -> Record {
        Record.failed(path: path, pipeline: spec.name, error: Record.ErrorInfo(error), timings: timings)
    }

    /// `partial` when a required field is missing or invalid (or, without required fields, when
    /// no field is valid); else `needs_review` when any valid value, required or not, is less
    /// sure than `review.below` (0.9 unless the pipeline says otherwise), or when an optional
    /// field was found printed but its reading was refused (`isUnread`): `ok` means every value
    /// given is sure and none seen was lost, so a user may take `ok` records without looking.
    func status(of fields: [String: Record.Field]) -> Record.Status {
        let required = spec.fields.filter(\.required)
        if required.isEmpty {
            guard fields.values.contains(where: \.valid) else { return .partial }
        } else if required.contains(where: { fields[$0.name]?.valid != true }) {
            return .partial
        }
        if spec.tableFields.contains(where: { $0.required && fields[$0.name]?.valid != true }) { return .partial }
        if fields.values.contains(where: { $0.valid && $0.confidence < spec.reviewBelow }) { return .needsReview }
        if fields.values.contains(where: Self.isUnread) { return .needsReview }
        return .ok
    }

    /// A field found where it is printed (a label, a template or a pattern gave a reading) whose
    /// every reading was refused (`IOR`, not a country code): the document holds a value the
    /// record lacks. A field with no reading at all may simply not be printed.
    static func isUnread(_ field: Record.Field) -> Bool {
        !field.valid && !(field.raw ?? "").isEmpty
    }

    func versions(ocr: Bool, llm: String? = nil) -> Record.VersionInfo {
        Record.VersionInfo(docroute: Versions.docroute, tesseract: ocr ? Versions.tesseract : nil, llmModel: llm)
    }

    static func ms(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
    }
}
