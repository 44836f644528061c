import DocRouteExtraction
import DocRouteForms
import DocRouteModel
import DocRouteReaders
import Foundation

extension Pipeline {
    /// `process(path:)` with learned forms: a one-page image is first located against the
    /// pipeline's forms and, when one fits, read only in its regions; a PDF text layer is
    /// matched by fingerprint and read from the words in its regions. The form's reading is
    /// kept as `kept` says; otherwise — or when no form fits — the document takes the full
    /// path, and the record says why. A document the full path extracts well (`ok`) whose
    /// layout no usable form has is learned.
    func process(path: String, forms store: FormStore, start: UInt64) -> [Record] {
        let clock = OCRClock()
        var warnings: [String] = []
        var known: [LearnedForm] = []
        do {
            known = try store.latest(pipeline: spec.name)
        } catch {
            warnings.append("learned templates not read: \(error)")
        }
        let usable = known.filter { !$0.stale }
        // What happened on the form path, for the record and the form's counts.
        var fellBack: Record.FormUse? = nil
        // A form's reading not kept: evidence for the fields the full path leaves empty.
        var reading: CandidateSet? = nil
        var probed: [String: Double] = [:]
        if usable.contains(where: { $0.origin == .ocr }) {
            switch readImage(
                path: path, forms: usable.filter { $0.origin == .ocr }, store: store, clock: clock, start: start)
            {
            case .read(let records): return records
            case .fellBack(let use, let candidates): (fellBack, reading) = (use, candidates)
            case .notLocated(let scores): probed = scores
            case .notAnImage: break
            }
        }
        let full: FullRead
        switch read(path: path, clock: clock, start: start) {
        case .failure(let record): return [record]
        case .success(let r): full = r
        }
        let document = full.document
        var fingerprint: LayoutFingerprint? = nil
        if fellBack == nil, !document.pages.isEmpty, document.pages.allSatisfy({ $0.origin == .textLayer }) {
            let fp = LayoutFingerprint(document)
            fingerprint = fp
            switch readTextLayer(full, fingerprint: fp, forms: usable, store: store, clock: clock, start: start) {
            case .read(let records): return records
            case .fellBack(let use, let candidates): (fellBack, reading) = (use, candidates)
            case .notLocated, .notAnImage: break
            }
        }
        var records = records(for: document, readMs: full.ms, clock: clock, reread: full.reread, start: start) {
            router.extract(document, reread: full.reread, templateReading: reading)
        }
        guard records.count == 1 else { return records }
        records[0].warnings += warnings
        let fp = fingerprint ?? LayoutFingerprint(document)
        let (same, stale) = noteUse(
            &records[0], origin: document.pages.first?.origin, known: known, fingerprint: fp, fellBack: fellBack,
            probed: probed, store: store)
        guard records[0].status == .ok, same == nil || stale else { return records }
        learn(&records[0], from: full, fingerprint: fp, into: store)
        return records
    }

    /// Reads a text layer by the usable form whose fingerprint aligns best with `fingerprint`,
    /// from the words in its regions, when one is of the same layout; kept as an image's
    /// reading is (`kept`).
    func readTextLayer(
        _ full: FullRead, fingerprint fp: LayoutFingerprint, forms usable: [LearnedForm], store: FormStore,
        clock: OCRClock, start: UInt64
    ) -> FormOutcome {
        let document = full.document
        let best = usable.filter { $0.origin == .textLayer }.map { ($0, $0.fingerprint.align(fp)) }.max {
            $0.1.score < $1.1.score
        }
        guard let (form, alignment) = best, alignment.score >= LayoutFingerprint.sameLayout else {
            return .notLocated([:])
        }
        let candidates = FormReader.candidates(document, template: form, alignment: alignment, running: running)
        let reason =
            "learned template \(form.id) v\(form.version) matches \(String(format: "%.2f", alignment.score)): words in its regions"
        var records = records(for: document, readMs: full.ms, clock: clock, reread: nil, start: start) {
            [router.extract(form: FormReading(candidates: candidates, document: document, reason: reason), reread: nil)]
        }
        if records.count == 1, kept(records[0], candidates: candidates) {
            _ = try? store.recordUse(form.id, version: form.version, fellBack: false)
            records[0].learnedForm = Record.FormUse(
                id: form.id, version: form.version, score: alignment.score, outcome: .read)
            return .read(records)
        }
        let use = Record.FormUse(
            id: form.id, version: form.version, score: alignment.score, outcome: .fellBack,
            reason: unsure(records.first))
        return .fellBack(use, candidates)
    }

    /// Counts a fall-back against the form that fell back, or against the known form of this
    /// layout (pages of `origin`) whose anchors were not found in place, and says so in `record`. Returns that
    /// form of the same layout, if any, and whether it is now stale.
    func noteUse(
        _ record: inout Record, origin: Page.Origin?, known: [LearnedForm], fingerprint fp: LayoutFingerprint,
        fellBack: Record.FormUse?,
        probed: [String: Double], store: FormStore
    ) -> (same: LearnedForm?, stale: Bool) {
        let same = known.filter { $0.origin == origin }
            .map { ($0, $0.fingerprint.match(fp)) }.filter { $0.1 >= LayoutFingerprint.sameLayout }.max { $0.1 < $1.1 }?
            .0
        var stale = same?.stale ?? false
        if let use = fellBack {
            stale = (try? store.recordUse(use.id, version: use.version, fellBack: true)) ?? stale
            record.learnedForm = use
        } else if let same, let score = probed[same.id] {
            // Its layout, but its anchors were not found where they should be.
            stale = (try? store.recordUse(same.id, version: same.version, fellBack: true)) ?? stale
            record.learnedForm = Record.FormUse(
                id: same.id, version: same.version, score: score, outcome: .fellBack,
                reason: "its anchors were not found in place")
        }
        return (same, stale)
    }

    /// Learns the layout of a document the full path read well into `store`: a new form, or the
    /// next version of a stale one of the same layout; `record` says which.
    func learn(_ record: inout Record, from full: FullRead, fingerprint fp: LayoutFingerprint, into store: FormStore) {
        switch FormLearner(spec: spec).template(from: full.document, fields: record.fields, rasters: full.rasters) {
        case .success(let form):
            do {
                let origin = form.origin
                if let saved = try store.learn(
                    form,
                    sameLayout: { $0.origin == origin && $0.fingerprint.match(fp) >= LayoutFingerprint.sameLayout })
                {
                    var use = Record.FormUse(id: saved.id, version: saved.version, outcome: .learned)
                    if let before = record.learnedForm {
                        use.reason = "v\(before.version) fell back too often: \(before.reason ?? "")"
                    }
                    record.learnedForm = use
                }
            } catch {
                record.warnings.append("template not learned: \(error)")
            }
        case .failure:
            break  // Not every document makes a form (DOCX, a value found only in the zone).
        }
    }

    /// What happened on the form path (an image located, or a text layer matched).
    enum FormOutcome {
        case read([Record])
        /// Not kept: why, and what its regions read.
        case fellBack(Record.FormUse, CandidateSet)
        case notLocated([String: Double])
        case notAnImage
    }

    /// Locates a one-page image against `templates` and reads the regions of the first that
    /// fits; the reading is kept when `kept` says so.
    func readImage(path: String, forms: [LearnedForm], store: FormStore, clock: OCRClock, start: UInt64)
        -> FormOutcome
    {
        let deadline = Deadline(seconds: reader.limits.maxSeconds)
        let decoded: DecodedImage
        do {
            guard let d = try reader.image(path: path) else { return .notAnImage }
            decoded = d
        } catch {
            return .notAnImage  // the full path reports it
        }
        let preprocessor = ImagePreprocessor(allowed: reader.preprocess ? Set(ImagePreprocessor.Step.allCases) : [])
        guard let image = FormReader.image(decoded.pix, dpi: decoded.dpi, preprocessor: preprocessor) else {
            return .notLocated([:])
        }
        let templateReader = FormReader(pool: reader.ocr, deadline: deadline, clock: clock)
        // Most used first: in a stream, the layout seen most is likeliest.
        let ordered = forms.sorted { $0.uses != $1.uses ? $0.uses > $1.uses : $0.id < $1.id }
        let located: FormReader.Located
        let rasters = PageRasters()
        let cleared = PageRasters()
        let readings: FormReader.Readings
        let number = spec.fields.first(where: { $0.mrz == .documentNumber })?.name
        do {
            let (found, scores) = try templateReader.locate(image, among: ordered)
            guard let found else { return .notLocated(scores) }
            located = found
            rasters.keep(image.pix, index: 0, dpi: image.dpi, pixelsPerUnit: image.scale)
            let boxed = FormReader.dropBoxes(located, image: image)
            if !boxed.isEmpty { cleared.keep(image.pix, index: 0, dpi: image.dpi, pixelsPerUnit: image.scale) }
            FormReader.dropFurniture(located, image: image)
            // A TD1 zone's number line is read with the regions (beside them, on the page
            // model's engine): its check digit makes a printed number sure that OCR alone
            // seldom is (a random number has no words to lean on), in a sixth of the zone's time.
            readings = try templateReader.read(
                located, image: image, rasters: rasters, values: values,
                byValues: router.readByValuesModel, running: running,
                numberLine: number.map { located.template.regions[$0] != nil } ?? false, boxed: boxed,
                cleared: cleared)
        } catch {
            return .notLocated([:])
        }
        let candidates = readings.candidates
        let t = located.template
        let reread = RegionReader(pool: values, rasters: rasters, deadline: deadline, clock: clock)
        let reason =
            "learned template \(t.id) v\(t.version) located (\(String(format: "%.2f", located.score)) of its anchors in place): value regions read"
        func extracted(_ document: Document) -> [Record] {
            let form = FormReading(
                candidates: candidates, document: document, numberLine: readings.numberLine, reason: reason)
            return records(for: document, readMs: Self.ms(since: start), clock: clock, reread: reread, start: start) {
                [router.extract(form: form, reread: reread)]
            }
        }
        let document = FormReader.document(located, image: image, decoded: decoded, readings: readings)
        var result = extracted(document)
        let zoneReader = RegionReader(pool: reader.ocr, rasters: rasters, deadline: deadline, clock: clock)
        // Values the zone may settle (`settledByZone`): the zone, read now, may fill, prove or
        // correct them. It is read as the page model reads it (with the zone's alphabet, at its
        // size): the values model, enlarged, takes twice as long and knows no more of OCR-B.
        if let first = result.first, first.status != .ok, t.zone != nil, !settledByZone(first).isEmpty,
            case let zone =
                (try? FormReader.zone(
                    located, image: image, reader: zoneReader, firstLine: document.pages[0].words.count))
                ?? [],
            !zone.isEmpty
        {
            // The zone's lines as it read them, after the anchors and values.
            var withZone = document
            withZone.pages[0].words += zone
            result = extracted(withZone)
        }
        if result.count == 1, kept(result[0], candidates: candidates) {
            _ = try? store.recordUse(t.id, version: t.version, fellBack: false)
            result[0].learnedForm = Record.FormUse(
                id: t.id, version: t.version, score: located.score, outcome: .read)
            return .read(result)
        }
        return .fellBack(
            Record.FormUse(
                id: t.id, version: t.version, score: located.score, outcome: .fellBack,
                reason: unsure(result.first)), candidates)
    }

    /// The fields of `record` reading the machine-readable zone may settle: those it holds
    /// (`mrz`) with no valid value (the zone fills them), or not sure and protected by a check
    /// digit (it proves or corrects them). A doubtful name, sex or nationality is not among
    /// them: the zone would be one more reading of it, not a proof, at the cost of all the
    /// regions' reading again (on 41 cards of the identity streams, 3 more go to review without
    /// it; on the stream of seed 7100 the median card is read in 142 ms instead of 246, the
    /// same values right).
    func settledByZone(_ record: Record) -> [String] {
        spec.fields.filter { f in
            guard let part = f.mrz else { return false }
            return record.fields[f.name]?.valid != true || (MRZ.isChecked(part) && record.review?[f.name] != nil)
        }.map(\.name)
    }

    /// The fields whose values may wrap on to more lines than a form's region learned: free
    /// text and addresses.
    var running: Set<String> { Set(spec.fields.filter { [.text, .address].contains($0.type) }.map(\.name)) }

    /// Whether a form's reading is kept: when sure, or when every required field is valid and
    /// its region held a reading (unsure values go to review as the full path's would; an
    /// empty region is drift).
    func kept(_ record: Record, candidates: CandidateSet) -> Bool {
        let regionsRead = spec.fields.filter(\.required).allSatisfy { candidates[$0.name]?.isEmpty == false }
        return record.status == .ok || (regionsRead && complete(record))
    }

    /// Whether every required field of `record` is valid (some may be unsure: the record
    /// says so, and goes to review as the full path's would).
    func complete(_ record: Record) -> Bool { invalid(record).isEmpty }

    /// The required fields of `record` that are not valid.
    func invalid(_ record: Record) -> [String] {
        spec.fields.filter { $0.required && record.fields[$0.name]?.valid != true }.map(\.name)
    }

    /// Why a template's reading was not kept: its required fields that are not valid, or not sure.
    func unsure(_ record: Record?) -> String {
        guard let record else { return "no record" }
        let invalid = invalid(record)
        let doubtful = (record.review?.keys).map { Array($0) }?.sorted() ?? []
        var parts: [String] = []
        if !invalid.isEmpty { parts.append("not valid: " + invalid.joined(separator: ", ")) }
        if !doubtful.isEmpty { parts.append("unsure: " + doubtful.joined(separator: ", ")) }
        return parts.isEmpty ? "status \(record.status.rawValue)" : parts.joined(separator: "; ")
    }
}

extension Pipeline {
    /// Why `learnTemplate` learned nothing.
    public struct NotLearned: Error, CustomStringConvertible {
        public var description: String
    }

    /// Learns the layout of the file at `path` from its labelled values `truth` (a value the
    /// pipeline read differently is looked for among the printed words) into `store`: as a
    /// new template, or as the next version of the template of the same layout. Returns it.
    public func learnTemplate(path: String, truth: [String: FieldValue], into store: FormStore) throws
        -> LearnedForm
    {
        try learning(path: path, truth: truth, into: store).form
    }

    /// `learnTemplate`, also saying why each labelled value left out of the template was not
    /// found among the printed words (by field name).
    public func learning(path: String, truth: [String: FieldValue], into store: FormStore) throws -> (
        form: LearnedForm, notFound: [String: String]
    ) {
        let clock = OCRClock()
        let start = DispatchTime.now().uptimeNanoseconds
        let full: FullRead
        switch read(path: path, clock: clock, start: start) {
        case .failure(let record): throw NotLearned(description: record.errors.first?.message ?? "not read")
        case .success(let r): full = r
        }
        let extracted = router.extract(full.document, reread: full.reread).first?.fields ?? [:]
        let (fields, notFound) = router.labelling(extracted, truth: truth, in: full.document)
        let template: LearnedForm
        switch FormLearner(spec: spec).template(from: full.document, fields: fields, rasters: full.rasters) {
        case .success(let t): template = t
        case .failure(.missing(let names)):
            let why = names.map { "\($0) (\(notFound[$0] ?? "not in the labelled values"))" }
            throw NotLearned(
                description: "\(path): required fields without a value where it is printed: "
                    + why.joined(separator: "; "))
        case .failure(let refusal): throw NotLearned(description: "\(path): \(refusal)")
        }
        let fp = LayoutFingerprint(full.document)
        let origin = template.origin
        guard
            let saved = try store.learn(
                template, replacing: true,
                sameLayout: {
                    $0.origin == origin && $0.fingerprint.match(fp) >= LayoutFingerprint.sameLayout
                })
        else { throw NotLearned(description: "\(path): not stored") }
        return (saved, notFound)
    }
}
