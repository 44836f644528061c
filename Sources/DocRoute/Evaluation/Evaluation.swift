import DocRouteModel
import Foundation

/// Field-level precision, recall and F1 of a pipeline against labelled documents, by kind of
/// document, by field and by strategy, with latency per kind. `docroute eval` prints it; CI
/// gates on it.
///
/// A predicted field counts when it is valid; it is correct when its value equals the truth
/// after normalisation (whitespace collapsed; numbers compared as numbers; identifiers without
/// spaces, case or a leading `#`). A wrong value is
/// both a false positive and a false negative. Truth fields the pipeline does not define are
/// not scored (a truth file can serve several pipelines); `ignoredFields` lists them.
public struct Evaluation: Sendable, Encodable {
    /// One expected record: a file (relative to the evaluated folder), a register row, and values.
    /// A value that is a list or an object (line items, several parties) is not scored yet: it
    /// is left out of `fields` and its name kept in `unscored`.
    public struct Truth: Sendable, Decodable {
        public var file: String
        public var row: Int?
        public var fields: [String: FieldValue]
        public var unscored: [String] = []

        enum CodingKeys: String, CodingKey { case file, row, fields }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            file = try c.decode(String.self, forKey: .file)
            row = try c.decodeIfPresent(Int.self, forKey: .row)
            let values = try c.decode([String: Value].self, forKey: .fields)
            fields = values.compactMapValues(\.value)
            unscored = values.filter { $0.value.value == nil }.map(\.key).sorted()
        }

        /// A truth value, or nil for a list or an object.
        struct Value: Decodable {
            var value: FieldValue?
            init(from decoder: Decoder) throws { value = try? FieldValue(from: decoder) }
        }
    }

    /// Counts and the scores derived from them.
    public struct Score: Sendable, Encodable, Hashable {
        public var truePositives = 0
        public var falsePositives = 0
        public var falseNegatives = 0

        public var precision: Double {
            truePositives + falsePositives == 0 ? 1 : Double(truePositives) / Double(truePositives + falsePositives)
        }
        public var recall: Double {
            truePositives + falseNegatives == 0 ? 1 : Double(truePositives) / Double(truePositives + falseNegatives)
        }
        public var f1: Double {
            let p = precision, r = recall
            return p + r == 0 ? 0 : 2 * p * r / (p + r)
        }

        enum CodingKeys: String, CodingKey { case tp, fp, fn, precision, recall, f1 }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(truePositives, forKey: .tp)
            try c.encode(falsePositives, forKey: .fp)
            try c.encode(falseNegatives, forKey: .fn)
            try c.encode(precision.rounded(toPlaces: 4), forKey: .precision)
            try c.encode(recall.rounded(toPlaces: 4), forKey: .recall)
            try c.encode(f1.rounded(toPlaces: 4), forKey: .f1)
        }
    }

    /// Latency of the documents of one kind, in milliseconds.
    public struct Latency: Sendable, Encodable, Hashable {
        public var documents: Int
        public var medianMs: Double
        public var p95Ms: Double
        /// Per page (images and scans: per OCR'd page).
        public var medianMsPerPage: Double
        /// LLM HTTP requests per document (retries included; cached answers cost none).
        public var llmCallsPerDocument: Double
        /// Prompt tokens sent to the LLM per document, and seconds waited for it (cached
        /// answers cost none).
        public var llmPromptTokensPerDocument = 0.0
        public var llmSecondsPerDocument = 0.0

        enum CodingKeys: String, CodingKey {
            case documents, medianMs = "median_ms", p95Ms = "p95_ms", medianMsPerPage = "median_ms_per_page",
                llmCallsPerDocument = "llm_calls_per_document",
                llmPromptTokensPerDocument = "llm_prompt_tokens_per_document",
                llmSecondsPerDocument = "llm_seconds_per_document"
        }
    }

    /// What the LLM cost a kind of documents: requests, prompt tokens sent, seconds waited.
    struct LLMUse {
        var calls = 0
        var prompt = 0
        var seconds = 0.0
        static func + (a: LLMUse, b: LLMUse) -> LLMUse {
            LLMUse(calls: a.calls + b.calls, prompt: a.prompt + b.prompt, seconds: a.seconds + b.seconds)
        }
    }

    /// A field whose prediction differs from the truth.
    public struct Mismatch: Sendable, Encodable, Hashable {
        public var file: String
        public var row: Int?
        public var field: String
        public var expected: String?
        public var predicted: String?
        public var strategy: StrategyName?
        public var reason: String?
        /// The predicted field's confidence (0 when nothing valid was predicted).
        public var confidence: Double = 0
        /// A valid value was predicted (and is wrong); false: nothing, or an invalid reading.
        public var valid = false
        /// The confidence the strategies and checks gave it, before calibration.
        public var evidenceRaw: Double?

        enum CodingKeys: String, CodingKey {
            case file, row, field, expected, predicted, strategy, reason, confidence, valid
        }
    }

    /// Of the valid values whose confidence falls in [lower, upper): how many, how many right.
    public struct ReliabilityBin: Sendable, Encodable, Hashable {
        public var lower: Double
        public var upper: Double
        public var fields = 0
        public var correct = 0
        public var accuracy: Double { fields == 0 ? 0 : Double(correct) / Double(fields) }

        enum CodingKeys: String, CodingKey { case lower, upper, fields, correct, accuracy }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(lower, forKey: .lower)
            try c.encode(upper, forKey: .upper)
            try c.encode(fields, forKey: .fields)
            try c.encode(correct, forKey: .correct)
            try c.encode(accuracy.rounded(toPlaces: 4), forKey: .accuracy)
        }
    }

    /// Bin edges of the reliability table.
    static let reliabilityEdges = [0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0001]
    /// A value at least this sure should be right (issue 6: ≥ 99 % of them).
    public static let sure = 0.9

    public var pipeline: String
    public var documents: Int
    public var records: Int
    public var overall = Score()
    public var byKind: [String: Score] = [:]
    public var byField: [String: Score] = [:]
    /// Predicted values per strategy: true positives and false positives (recall is not a
    /// property of a strategy).
    public var byStrategy: [String: Score] = [:]
    /// Predicted values per field and where they were found (`Record.Field.found`, else the
    /// strategy's name): which candidate kind won, and how often it was right.
    public var byPlace: [String: [String: Score]] = [:]
    public var latency: [String: Latency] = [:]
    /// Latency of every document read by OCR (images and scans) taken together.
    public var ocrLatency: Latency?
    public var mismatches: [Mismatch] = []
    /// Files named in the truth whose records were missing, or failed.
    public var failedFiles: [String] = []
    /// Truth fields that are not fields of the pipeline.
    public var ignoredFields: [String] = []
    /// Table fields scored against truth lists, by field name.
    public var lineItems: [String: LineItemScore] = [:]
    /// Valid values by confidence: whether confidence predicts correctness.
    public var reliability: [ReliabilityBin] { Self.bins(outcomes) }
    /// Wrong valid values with confidence ≥ `sure`: what calibration must drive to zero.
    public var sureButWrong: [Mismatch] { mismatches.filter { $0.valid && $0.confidence >= Self.sure } }
    /// Every valid value's confidence, whether it was right, and its document's kind.
    public var outcomes: [Outcome] = []
    /// Records whose status is `ok`, per kind, and how many of them had every value right.
    public var okRecords: [String: OKRecords] = [:]
    /// Every scored record with its valid values as the confidence model sees them
    /// (`eval --outcomes`, the data `fit-confidence` fits on).
    public var scored: [ScoredRecord] = []
    /// What learned forms did with each document (`--forms`): the form's id, and whether it
    /// read the document, fell back (why) or was learned from it; none when no form was used.
    public var forms: [FormOutcome] = []

    /// One document's form outcome.
    public struct FormOutcome: Sendable, Encodable, Hashable {
        public var file: String
        public var form: String
        public var outcome: String
        public var reason: String?
    }

    /// One valid value as scored: its confidence (`raw`), whether it was right, its kind, and
    /// the confidence its strategies and checks gave it before calibration (`evidenceRaw`).
    public struct Outcome: Sendable, Hashable {
        public var raw: Double
        public var correct: Bool
        public var kind: String
        public var evidenceRaw: Double

        public init(raw: Double, correct: Bool, kind: String, evidenceRaw: Double? = nil) {
            self.raw = raw; self.correct = correct; self.kind = kind; self.evidenceRaw = evidenceRaw ?? raw
        }
    }

    /// A record as scored: whether its status is `ok` or `needs_review` for its values' sake
    /// only (`complete`: its required fields valid, no field printed but unread), whether every
    /// scored field was right, and each valid value with its field's type and whether it was
    /// right (nil: not scored).
    public struct ScoredRecord: Sendable, Codable {
        public var set: String?
        public var file: String
        public var row: Int?
        public var kind: String
        public var pipeline: String
        public var complete: Bool
        public var right: Bool
        public var values: [Value]

        /// A valid value, its field's type (`restricted`: a pattern or check digits refuse
        /// most text) and whether it was right.
        public struct Value: Sendable, Codable {
            public var name: String
            public var type: String
            public var restricted: Bool
            public var correct: Bool?
            public var field: Record.Field

            /// The field's type (text for a name this version does not know).
            public var fieldType: FieldType { FieldType(rawValue: type) ?? .text }
        }

        /// Reads a file written by `eval --outcomes` (one record per line).
        public static func load(path: String) throws -> [ScoredRecord] {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let decoder = JSONDecoder()
            var out: [ScoredRecord] = []
            for (n, line) in text.split(whereSeparator: \.isNewline).enumerated() {
                do { out.append(try decoder.decode(ScoredRecord.self, from: Data(line.utf8))) } catch {
                    throw DocRouteError.corrupt("\(path):\(n + 1): not a scored record (\(error))")
                }
            }
            return out
        }
    }

    /// Records with status `ok` and how many of them were right in every scored field (no
    /// value wrong, missing or given where the truth has none).
    public struct OKRecords: Sendable, Encodable, Hashable {
        public var records = 0
        public var right = 0
        /// 1 when there are none.
        public var accuracy: Double { records == 0 ? 1 : Double(right) / Double(records) }
    }

    /// Among valid values with confidence ≥ `sure`, the share that is right (1 when none).
    public var sureAccuracy: Double { Self.sureAccuracy(outcomes) }

    static func sureAccuracy(_ outcomes: [Outcome]) -> Double {
        let sure = outcomes.filter { $0.raw >= Self.sure }
        return sure.isEmpty ? 1 : Double(sure.filter(\.correct).count) / Double(sure.count)
    }

    /// Among right values, the share with confidence ≥ `sure` (a tool that sends everything to
    /// review is useless too); 0 when none is right.
    static func sureCoverage(_ outcomes: [Outcome]) -> Double {
        let right = outcomes.filter(\.correct)
        return right.isEmpty ? 0 : Double(right.filter { $0.raw >= Self.sure }.count) / Double(right.count)
    }

    /// The confidence figures of one kind of document, or of all (`kind` nil).
    public func confidence(kind: String?) -> Confidence {
        let list = kind.map { k in outcomes.filter { $0.kind == k } } ?? outcomes
        let ok =
            kind.map { okRecords[$0] ?? OKRecords() }
            ?? okRecords.values.reduce(into: OKRecords()) {
                $0.records += $1.records; $0.right += $1.right
            }
        return Confidence(
            values: list.count, sure: list.filter { $0.raw >= Self.sure }.count, sureAccuracy: Self.sureAccuracy(list),
            sureCoverage: Self.sureCoverage(list), ok: ok, reliability: Self.bins(list))
    }

    /// How far confidence and status can be trusted on one kind of document.
    public struct Confidence: Sendable, Encodable, Hashable {
        /// Valid values, and those at confidence ≥ `sure`.
        public var values: Int
        public var sure: Int
        /// Share of the sure values that are right.
        public var sureAccuracy: Double
        /// Share of the right values that are sure.
        public var sureCoverage: Double
        public var ok: OKRecords
        public var reliability: [ReliabilityBin]

        enum CodingKeys: String, CodingKey {
            case values, sure, sureAccuracy = "sure_accuracy", sureCoverage = "sure_coverage", okRecords = "ok_records",
                okRight = "ok_right", okAccuracy = "ok_accuracy", reliability
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(values, forKey: .values)
            try c.encode(sure, forKey: .sure)
            try c.encode(sureAccuracy.rounded(toPlaces: 4), forKey: .sureAccuracy)
            try c.encode(sureCoverage.rounded(toPlaces: 4), forKey: .sureCoverage)
            try c.encode(ok.records, forKey: .okRecords)
            try c.encode(ok.right, forKey: .okRight)
            try c.encode(ok.accuracy.rounded(toPlaces: 4), forKey: .okAccuracy)
            try c.encode(reliability.filter { $0.fields > 0 }, forKey: .reliability)
        }
    }

    enum CodingKeys: String, CodingKey {
        case pipeline, documents, records, overall, byKind = "by_kind", byField = "by_field", byStrategy =
            "by_strategy",
            byPlace = "by_place", latency, ocrLatency = "ocr_latency", mismatches, failedFiles = "failed_files",
            ignoredFields = "ignored_fields", reliability,
            sureButWrong = "sure_but_wrong", sureAccuracy = "sure_accuracy", confidence, lineItems = "line_items", forms
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(pipeline, forKey: .pipeline)
        try c.encode(documents, forKey: .documents)
        try c.encode(records, forKey: .records)
        try c.encode(overall, forKey: .overall)
        try c.encode(byKind, forKey: .byKind)
        try c.encode(byField, forKey: .byField)
        try c.encode(byStrategy, forKey: .byStrategy)
        try c.encode(byPlace, forKey: .byPlace)
        try c.encode(latency, forKey: .latency)
        try c.encodeIfPresent(ocrLatency, forKey: .ocrLatency)
        try c.encode(mismatches, forKey: .mismatches)
        try c.encode(failedFiles, forKey: .failedFiles)
        try c.encode(ignoredFields, forKey: .ignoredFields)
        try c.encode(reliability, forKey: .reliability)
        try c.encode(sureButWrong, forKey: .sureButWrong)
        try c.encode(sureAccuracy.rounded(toPlaces: 4), forKey: .sureAccuracy)
        var byKind = Dictionary(
            uniqueKeysWithValues: Set(outcomes.map(\.kind)).union(okRecords.keys).map { ($0, confidence(kind: $0)) })
        byKind["all"] = confidence(kind: nil)
        try c.encode(byKind, forKey: .confidence)
        if !lineItems.isEmpty { try c.encode(lineItems, forKey: .lineItems) }
        if !forms.isEmpty { try c.encode(forms, forKey: .forms) }
    }

    /// The reliability table and confident mistakes as they would be were every valid value's
    /// confidence mapped by `calibration` (to judge a calibration on the data it was fitted to,
    /// or on other data, without running the documents again).
    public func recalibrated(by calibration: ConfidenceCalibration) -> Evaluation {
        var e = self
        e.outcomes = outcomes.map {
            Outcome(
                raw: calibration.apply($0.evidenceRaw), correct: $0.correct, kind: $0.kind, evidenceRaw: $0.evidenceRaw)
        }
        e.mismatches = mismatches.map { m in
            var c = m
            if m.valid { c.confidence = calibration.apply(m.evidenceRaw ?? m.confidence) }
            return c
        }
        return e
    }

    static func bins(_ outcomes: [Outcome]) -> [ReliabilityBin] {
        var bins = zip(reliabilityEdges, reliabilityEdges.dropFirst()).map {
            ReliabilityBin(lower: $0, upper: min($1, 1))
        }
        for o in outcomes {
            guard let i = bins.indices.last(where: { o.raw >= reliabilityEdges[$0] }) else { continue }
            bins[i].fields += 1
            if o.correct { bins[i].correct += 1 }
        }
        return bins
    }

    /// Reads `truth.jsonl` (one `Truth` per line).
    public static func loadTruth(path: String) throws -> [Truth] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let decoder = JSONDecoder()
        var out: [Truth] = []
        for (n, line) in text.split(whereSeparator: \.isNewline).enumerated()
        where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            do {
                out.append(try decoder.decode(Truth.self, from: Data(line.utf8)))
            } catch {
                throw DocRouteError.corrupt("\(path):\(n + 1): not a truth record (\(error))")
            }
        }
        return out
    }

    /// Runs `runner` over the files the truth names (relative to `directory`) and scores the records.
    /// With `fields`, only those fields are scored (the others are reported as ignored).
    /// With `partialTruth`, a field a truth line does not name is not scored for that record
    /// (truth that lists only some of what is printed); else it is expected empty.
    public static func run(
        directory: String, truth: [Truth], runner: BatchRunner, fields: Set<String>? = nil,
        partialTruth: Bool = false, truthNames: [String: String] = [:]
    ) -> Evaluation {
        let files = Array(Set(truth.map(\.file))).sorted()
        let paths = files.map { (directory as NSString).appendingPathComponent($0) }
        let results = runner.run(paths)
        return score(
            files: files, results: results, truth: truth, pipeline: runner.pipeline.spec, fields: fields,
            partialTruth: partialTruth, truthNames: truthNames)
    }

    /// Scores `results[i]` (the records of `files[i]`) against `truth`.
    static func score(
        files: [String], results: [[Record]], truth: [Truth], pipeline: PipelineSpec,
        fields: Set<String>? = nil, partialTruth: Bool = false, truthNames: [String: String] = [:]
    ) -> Evaluation {
        var e = Evaluation(pipeline: pipeline.name, documents: files.count, records: 0)
        let types = Dictionary(uniqueKeysWithValues: pipeline.fields.map { ($0.name, $0.type) })
        var recordsByKey: [String: Record] = [:]
        var kindOf: [String: String] = [:]
        var times: [String: [(Double, Int)]] = [:]
        var calls: [String: LLMUse] = [:]
        for (file, records) in zip(files, results) {
            if let use = records.first?.learnedForm {
                e.forms.append(
                    FormOutcome(
                        file: file, form: "\(use.id) v\(use.version)", outcome: use.outcome.rawValue, reason: use.reason
                    ))
            }
            for r in records {
                recordsByKey[key(file, r.source.row)] = r
                e.records += 1
            }
            let first = records.first
            let kind = first.map { Self.kind(of: $0)?.rawValue ?? "failed" } ?? "unknown"
            kindOf[file] = kind
            if let first { times[kind, default: []].append((first.timingsMs.total, max(first.source.pages ?? 1, 1))) }
            for r in records {
                calls[kind, default: LLMUse()].calls += r.route.llmCalls
                calls[kind, default: LLMUse()].seconds += r.route.llmSeconds
                if r.route.llmCalls > 0 { calls[kind, default: LLMUse()].prompt += r.route.llmTokens?.prompt ?? 0 }
            }
            if first == nil || first?.status == .failed { e.failedFiles.append(file) }
        }
        let defined = Set(pipeline.fields.map(\.name)).intersection(fields ?? Set(pipeline.fields.map(\.name)))
        e.ignoredFields = Set(truth.flatMap(\.fields.keys)).subtracting(defined).union(truth.flatMap(\.unscored))
            .filter { key in !pipeline.tableFields.contains { LineItemScore.names(key, field: $0, names: truthNames) } }
            .sorted()
        for table in pipeline.tableFields {
            var score = LineItemScore()
            for t in truth {
                let rows = LineItemScore.truthRows(t, field: table, names: truthNames)
                guard !rows.isEmpty else { continue }
                let predicted: [[String: FieldValue]]
                if case .rows(let r)? = recordsByKey[key(t.file, t.row)]?.fields[table.name]?.value {
                    predicted = r
                } else {
                    predicted = []
                }
                score.add(file: t.file, truth: rows, predicted: predicted, field: table)
            }
            if score.cells.truePositives + score.cells.falseNegatives > 0 { e.lineItems[table.name] = score }
        }
        for t in truth {
            let record = recordsByKey[key(t.file, t.row)]
            let kind = kindOf[t.file] ?? "unknown"
            let predictedNames = partialTruth ? [] : record?.fields.filter { $0.value.valid }.map(\.key) ?? []
            let names = Set(t.fields.keys).union(predictedNames).intersection(defined)
            var allRight = true
            var correct: [String: Bool] = [:]
            defer {
                if record?.status == .ok {
                    e.okRecords[kind, default: OKRecords()].records += 1
                    if allRight { e.okRecords[kind, default: OKRecords()].right += 1 }
                }
                if let record, record.status != .failed {
                    let values = pipeline.fields.compactMap { f -> ScoredRecord.Value? in
                        guard let v = record.fields[f.name], v.valid else { return nil }
                        return ScoredRecord.Value(
                            name: f.name, type: f.type.rawValue, restricted: f.pattern != nil || f.check != nil,
                            correct: correct[f.name], field: v)
                    }
                    e.scored.append(
                        ScoredRecord(
                            file: t.file, row: t.row, kind: kind, pipeline: pipeline.name,
                            complete: Self.isComplete(record), right: allRight, values: values))
                }
            }
            for name in names.sorted() {
                let expected = t.fields[name]
                let predictedField = record?.fields[name]
                let predicted = predictedField?.valid == true ? predictedField?.value : nil
                var s = Score()
                switch (expected, predicted) {
                case (let x?, let y?):
                    if FieldValue.same(x, y, type: types[name] ?? .text) {
                        s.truePositives = 1
                    } else {
                        s.falsePositives = 1; s.falseNegatives = 1
                    }
                case (_?, nil): s.falseNegatives = 1
                case (nil, _?): s.falsePositives = 1
                case (nil, nil): continue
                }
                if s.truePositives == 0 { allRight = false }
                e.overall.add(s)
                e.byKind[kind, default: Score()].add(s)
                e.byField[name, default: Score()].add(s)
                if predicted != nil, let strategy = predictedField?.strategy {
                    var p = s
                    p.falseNegatives = 0
                    e.byStrategy[strategy.rawValue, default: Score()].add(p)
                    e.byPlace[name, default: [:]][predictedField?.found ?? strategy.rawValue, default: Score()].add(p)
                }
                if predicted != nil, let f = predictedField {
                    e.outcomes.append(
                        Outcome(
                            raw: f.confidence, correct: s.truePositives == 1, kind: kind, evidenceRaw: f.evidence?.raw))
                    correct[name] = s.truePositives == 1
                }
                if s.truePositives == 0 {
                    let m = Mismatch(
                        file: t.file, row: t.row, field: name, expected: expected?.description,
                        predicted: predicted?.description ?? predictedField?.raw,
                        strategy: predictedField?.strategy, reason: predictedField?.reason,
                        confidence: predicted != nil ? predictedField?.confidence ?? 0 : 0, valid: predicted != nil,
                        evidenceRaw: predictedField?.evidence?.raw)
                    e.mismatches.append(m)
                }
            }
        }
        func latency(_ list: [(Double, Int)], calls: LLMUse) -> Latency {
            let totals = list.map(\.0).sorted()
            let perPage = list.map { $0.0 / Double($0.1) }.sorted()
            let n = Double(max(list.count, 1))
            var l = Latency(
                documents: list.count, medianMs: Statistics.median(totals).rounded(toPlaces: 3),
                p95Ms: Statistics.percentile(totals, 0.95).rounded(toPlaces: 3),
                medianMsPerPage: Statistics.median(perPage).rounded(toPlaces: 3),
                llmCallsPerDocument: (Double(calls.calls) / n).rounded(toPlaces: 3))
            l.llmPromptTokensPerDocument = (Double(calls.prompt) / n).rounded(toPlaces: 1)
            l.llmSecondsPerDocument = (calls.seconds / n).rounded(toPlaces: 3)
            return l
        }
        for (kind, list) in times { e.latency[kind] = latency(list, calls: calls[kind] ?? LLMUse()) }
        let ocrKinds = DocumentKind.allCases.filter(\.isOCR).map(\.rawValue)
        let ocr = ocrKinds.flatMap { times[$0] ?? [] }
        if !ocr.isEmpty {
            e.ocrLatency = latency(ocr, calls: ocrKinds.reduce(LLMUse()) { $0 + (calls[$1] ?? LLMUse()) })
        }
        return e
    }

    /// The record's kind (see `Record.Source.kind`); for records written before it existed,
    /// a PDF with a Tesseract version counts as scanned.
    static func kind(of record: Record) -> DocumentKind? {
        if let kind = record.source.kind { return kind }
        guard let format = record.source.format else { return nil }
        if format == .pdf && record.versions.tesseract != nil { return .scanned }
        return DocumentKind(rawValue: format.rawValue)
    }

    /// Its status is `ok` or `needs_review` whatever its values' confidence: its required
    /// fields are valid and no field was printed but unread (`Pipeline.isUnread`).
    static func isComplete(_ record: Record) -> Bool {
        record.status != .partial && record.status != .failed
            && !record.fields.values.contains(where: Pipeline.isUnread)
    }

    static func key(_ file: String, _ row: Int?) -> String { row.map { "\(file)#\($0)" } ?? file }

}

extension Evaluation.Score {
    mutating func add(_ o: Evaluation.Score) {
        truePositives += o.truePositives; falsePositives += o.falsePositives; falseNegatives += o.falseNegatives
    }
}
