import ArgumentParser
import DocRoute
import DocRouteModel
import Foundation

/// `docroute eval DIR --pipeline … --truth truth.jsonl`: field-level precision, recall and F1
/// against labelled documents, with thresholds that make it a regression gate.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract:
            "Score a pipeline against labelled documents (precision, recall, F1 by kind, field and strategy; latency)."
    )

    @Argument(help: "Folder holding the labelled documents.")
    var directory: String

    @OptionGroup var options: PipelineOptions

    @Option(
        help: "Truth records, one JSON object per line: {\"file\", \"row\"?, \"fields\"} (default: DIR/truth.jsonl).")
    var truth: String?

    @Flag(help: "Print the evaluation as JSON instead of a table.")
    var json = false

    @Option(
        name: .customLong("min-f1"), parsing: .upToNextOption,
        help:
            "Fail (exit 1) when F1 of a kind is below a threshold: KIND=VALUE, e.g. docx=1 png=0.98 all=0.99. The gate also fails when a document the truth names failed or gave no record."
    )
    var minF1: [String] = []

    @Option(
        name: .customLong("min-sure-accuracy"), parsing: .upToNextOption,
        help:
            "Fail (exit 1) when, among a kind's values at confidence ≥ 0.9, the share right is below a threshold: KIND=VALUE as for --min-f1."
    )
    var minSureAccuracy: [String] = []

    @Option(
        name: .customLong("min-ok-accuracy"), parsing: .upToNextOption,
        help:
            "Fail (exit 1) when, among a kind's records with status ok, the share right in every scored field is below a threshold: KIND=VALUE as for --min-f1."
    )
    var minOKAccuracy: [String] = []

    @Option(
        parsing: .upToNextOption,
        help: "Score only these fields (names in the pipeline); the others are listed as not scored.")
    var fields: [String] = []

    @Flag(
        name: .customLong("partial-truth"),
        help:
            "The truth names only some of each document's fields: a field a truth line does not name is not scored for that document (default: it is expected empty)."
    )
    var partialTruth = false

    @Option(
        help:
            "Write each scored record's valid values with their evidence and whether they were right, one JSON object per line, for fit-confidence."
    )
    var outcomes: String?

    @Option(
        name: .customLong("truth-names"), parsing: .upToNextOption,
        help:
            "Rename the truth's fields and table columns to the pipeline's: TRUTH=PIPELINE, e.g. lines=line_items name=description."
    )
    var truthNames: [String] = []

    @Option(
        name: .customLong("min-cell-f1"),
        help: "Fail (exit 1) when the cell F1 of a table field's rows is below this (line items; see --truth-names).")
    var minCellF1: Double?

    @Option(help: "The name of this labelled set in --outcomes (default: the folder's name).")
    var set: String?

    @Flag(
        help:
            "Fit the pipeline's confidence calibration to these documents (run without the current one) and print it as YAML for the pipeline's confidence.calibration, with the reliability it gives."
    )
    var calibrate = false

    func validate() throws {
        try options.check()
        for (flag, list) in [
            ("--min-f1", minF1), ("--min-sure-accuracy", minSureAccuracy), ("--min-ok-accuracy", minOKAccuracy),
        ] {
            for t in list {
                let parts = t.split(separator: "=")
                guard parts.count == 2, let v = Double(parts[1]), (0...1).contains(v) else {
                    throw ValidationError("\(flag) takes KIND=VALUE with VALUE in 0...1, not \(t)")
                }
            }
        }
    }

    func run() throws {
        let pipeline = try options.processor(
            jobsDefault: ProcessInfo.processInfo.activeProcessorCount, withoutCalibration: calibrate)
        let truthPath = truth ?? (directory as NSString).appendingPathComponent("truth.jsonl")
        let entries: [Evaluation.Truth]
        do { entries = try Evaluation.loadTruth(path: truthPath) } catch {
            throw ValidationError("\(truthPath): \(error)")
        }
        let runner = BatchRunner(pipeline: pipeline, jobs: options.jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        let defined = Set(pipeline.spec.fields.map(\.name))
        if let unknown = fields.first(where: { !defined.contains($0) }) {
            throw ValidationError("--fields: \(unknown) is not a field of pipeline \(pipeline.spec.name)")
        }
        var names: [String: String] = [:]
        for pair in truthNames {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--truth-names: expected TRUTH=PIPELINE, got \(pair)")
            }
            names[parts[0]] = parts[1]
        }
        let evaluation = Evaluation.run(
            directory: directory, truth: entries, runner: runner,
            fields: fields.isEmpty ? nil : Set(fields), partialTruth: partialTruth, truthNames: names)
        print(json ? evaluation.json() : evaluation.table())
        if let outcomes {
            let name =
                set ?? (directory as NSString).standardizingPath.split(separator: "/").last.map(String.init)
                ?? directory
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var text = ""
            for var r in evaluation.scored {
                r.set = name
                text += String(decoding: try encoder.encode(r), as: UTF8.self) + "\n"
            }
            try text.write(toFile: outcomes, atomically: true, encoding: .utf8)
        }
        if calibrate {
            let fitted = ConfidenceCalibration.fit(evaluation.outcomes.map { ($0.evidenceRaw, $0.correct) })
            let after = evaluation.recalibrated(by: fitted)
            print("\n# fitted on \(evaluation.outcomes.count) valid values of \(directory)")
            print(
                "confidence:\n  calibration: ["
                    + fitted.points.map { String(format: "[%.3f, %.3f]", $0.raw, $0.calibrated) }
                    .joined(separator: ", ") + "]")
            print("\nwith this calibration: " + after.reliabilityTable())
        }
        var failures: [String] = []
        // A failed document has no kind, so no floor would see it: a gate fails on it outright.
        if !minF1.isEmpty && !evaluation.failedFiles.isEmpty {
            failures.append(
                "\(evaluation.failedFiles.count) document(s) failed or gave no record: "
                    + evaluation.failedFiles.prefix(10).joined(separator: ", "))
        }
        for t in minF1 {
            let parts = t.split(separator: "=").map(String.init)
            let score = parts[0] == "all" ? evaluation.overall : evaluation.byKind[parts[0]]
            guard let score else { failures.append("\(parts[0]): no documents of this kind"); continue }
            if score.f1 < Double(parts[1])! {
                failures.append(String(format: "%@: F1 %.4f < %@", parts[0], score.f1, parts[1]))
            }
        }
        if let minCellF1 {
            if evaluation.lineItems.isEmpty { failures.append("--min-cell-f1: no table field was scored") }
            for (name, score) in evaluation.lineItems.sorted(by: { $0.key < $1.key }) where score.cells.f1 < minCellF1 {
                failures.append(String(format: "%@: cell F1 %.4f < %.2f", name, score.cells.f1, minCellF1))
            }
        }
        for (t, ok) in minSureAccuracy.map({ ($0, false) }) + minOKAccuracy.map({ ($0, true) }) {
            let parts = t.split(separator: "=").map(String.init)
            let kind = parts[0] == "all" ? nil : parts[0]
            guard kind == nil || evaluation.byKind[parts[0]] != nil else {
                failures.append("\(parts[0]): no documents of this kind"); continue
            }
            let c = evaluation.confidence(kind: kind)
            let (value, what) =
                ok ? (c.ok.accuracy, "ok records fully right") : (c.sureAccuracy, "values at ≥ 0.9 right")
            if value < Double(parts[1])! {
                failures.append(String(format: "%@: %@ %.4f < %@", parts[0], what, value, parts[1]))
            }
        }
        if !failures.isEmpty {
            FileHandle.standardError.write(
                Data(("eval: below threshold: " + failures.joined(separator: "; ") + "\n").utf8))
            throw ExitCode(1)
        }
    }
}
