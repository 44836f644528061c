import Foundation

/// One document type, ready to run: reads a file into a `Document`, routes its fields through
/// the strategies and returns its records. Never throws: a file that cannot be read gives one
/// `failed` record with a typed error.
public struct Pipeline: Sendable {
    public let spec: PipelineSpec
    public let reader: DocumentReader
    let router: Router

    public init(spec: PipelineSpec, reader: DocumentReader = DocumentReader()) {
        self.spec = spec
        self.reader = reader
        router = Router(spec: spec)
    }

    /// The records of the file at `path`: one, or one per row of a register table.
    public func process(path: String) -> [Record] {
        let start = DispatchTime.now().uptimeNanoseconds
        let clock = OCRClock()
        let document: Document
        do {
            document = try reader.read(path: path, clock: clock)
        } catch {
            let total = Self.ms(since: start)
            return [failed(path: path, error: error, timings: Record.Timings(read: total, ocr: clock.milliseconds, total: total))]
        }
        let readMs = Self.ms(since: start)
        return records(for: document, readMs: readMs, ocrMs: clock.milliseconds, start: start)
    }

    /// The records of a document already read (the timings count from `start`).
    public func records(for document: Document, readMs: Double = 0, ocrMs: Double = 0,
                        start: UInt64 = DispatchTime.now().uptimeNanoseconds) -> [Record] {
        let extractStart = DispatchTime.now().uptimeNanoseconds
        let extractions = router.extract(document)
        let extractMs = Self.ms(since: extractStart)
        let total = Self.ms(since: start)
        return extractions.map { e in
            let source = Record.Source(path: document.source.path, sha256: document.source.sha256, format: document.source.format,
                                       pages: document.pages.count, bytes: document.source.bytes, sheet: e.sheet, row: e.row)
            return Record(source: source, pipeline: spec.name, template: e.template, status: status(of: e.fields),
                          fields: e.fields, route: e.route,
                          timingsMs: Record.Timings(read: readMs, ocr: ocrMs, extract: extractMs, total: total),
                          warnings: document.warnings, versions: versions(ocr: document.pages.contains { $0.origin == .ocr }))
        }
    }

    func failed(path: String, error: DocRouteError, timings: Record.Timings) -> Record {
        Record(source: Record.Source(path: path), pipeline: spec.name, status: .failed, fields: [:],
               route: Record.Route(order: [], strategies: [], reason: "not read"), timingsMs: timings,
               errors: [Record.ErrorInfo(error)], versions: versions(ocr: false))
    }

    /// `ok` when every required field is valid; `needs_review` when one of them is below the
    /// pipeline's confidence threshold; `partial` when one is missing or invalid, or when a
    /// pipeline without required fields found no valid field at all.
    func status(of fields: [String: Record.Field]) -> Record.Status {
        let required = spec.fields.filter(\.required)
        if required.isEmpty {
            return fields.values.contains(where: \.valid) ? .ok : .partial
        }
        if required.contains(where: { fields[$0.name]?.valid != true }) { return .partial }
        if required.contains(where: { (fields[$0.name]?.confidence ?? 0) < spec.reviewBelow }) { return .needsReview }
        return .ok
    }

    func versions(ocr: Bool) -> Record.VersionInfo {
        Record.VersionInfo(docroute: Versions.docroute, tesseract: ocr ? Versions.tesseract : nil, llmModel: nil)
    }

    static func ms(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
    }
}
