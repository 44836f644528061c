import DocRouteModel
import Foundation

extension Evaluation.Score {
    /// A score as a line of the plain-text reports: name, precision, recall, F1, counts.
    static func row(_ name: String, _ s: Evaluation.Score) -> String {
        String(
            format: "  %-18@ %6.4f %6.4f %6.4f %6d %5d %5d\n", name as NSString, s.precision, s.recall, s.f1,
            s.truePositives, s.falsePositives, s.falseNegatives)
    }

    /// The heading line of `row`'s columns.
    static let header = String(
        format: "  %-18@ %6@ %6@ %6@ %6@ %5@ %5@\n", "" as NSString, "prec" as NSString, "recall" as NSString,
        "F1" as NSString, "tp" as NSString, "fp" as NSString, "fn" as NSString)
}

extension Evaluation {
    /// A plain-text report: scores by kind, field and strategy, latency, then mismatches.
    public func table(mismatchLimit: Int = 30) -> String {
        var out = "pipeline \(pipeline): \(documents) documents, \(records) records\n\n"
        let row = Score.row, header = Score.header
        out += "by kind\n" + header
        for (k, s) in byKind.sorted(by: { $0.key < $1.key }) { out += row(k, s) }
        out += row("all", overall)
        out += "\nby field\n" + header
        for (k, s) in byField.sorted(by: { $0.key < $1.key }) { out += row(k, s) }
        out += "\nby strategy (values it gave)\n" + header
        for (k, s) in byStrategy.sorted(by: { $0.key < $1.key }) { out += row(k, s) }
        out += "\nwhere values were found, by field (values right / given)\n"
        for (field, places) in byPlace.sorted(by: { $0.key < $1.key }) {
            let parts = places.sorted {
                $0.value.truePositives + $0.value.falsePositives > $1.value.truePositives + $1.value.falsePositives
            }
            .map { "\($0.key) \($0.value.truePositives)/\($0.value.truePositives + $0.value.falsePositives)" }
            out += "  \(field): " + parts.joined(separator: ", ") + "\n"
        }
        out +=
            "\nlatency (ms)\n"
            + String(
                format: "  %-18@ %6@ %9@ %9@ %9@ %9@ %11@ %9@\n", "" as NSString, "docs" as NSString,
                "median" as NSString, "p95" as NSString, "per page" as NSString, "llm/doc" as NSString,
                "prompt/doc" as NSString, "llm s/doc" as NSString)
        for (k, l) in latency.sorted(by: { $0.key < $1.key }) + (ocrLatency.map { [("all OCR", $0)] } ?? []) {
            out += String(
                format: "  %-18@ %6d %9.1f %9.1f %9.1f %9.2f %11.1f %9.2f\n", k as NSString, l.documents, l.medianMs,
                l.p95Ms, l.medianMsPerPage, l.llmCallsPerDocument, l.llmPromptTokensPerDocument,
                l.llmSecondsPerDocument)
        }
        out += "\n" + reliabilityTable()
        out += "\n" + confidenceTable()
        for (name, score) in lineItems.sorted(by: { $0.key < $1.key }) { out += score.table(field: name) }
        if !forms.isEmpty {
            let counts = Dictionary(grouping: forms, by: \.outcome).mapValues(\.count)
            out +=
                "\nlearned forms: read \(counts["read"] ?? 0), fell back \(counts["fell_back"] ?? 0), learned \(counts["learned"] ?? 0), none \(documents - forms.count)\n"
            for f in forms where f.outcome != "read" {
                out += "  \(f.file): \(f.form) \(f.outcome)" + (f.reason.map { " (\($0))" } ?? "") + "\n"
            }
        }
        if !ignoredFields.isEmpty {
            out +=
                "\ntruth fields not scored (not in the pipeline, or left out by --fields): \(ignoredFields.joined(separator: ", "))\n"
        }
        if !failedFiles.isEmpty { out += "\nfailed: \(failedFiles.joined(separator: ", "))\n" }
        if !mismatches.isEmpty {
            out += "\nmismatches (\(mismatches.count))\n"
            for m in mismatches.prefix(mismatchLimit) {
                let place = m.row.map { "\(m.file)#\($0)" } ?? m.file
                out +=
                    "  \(place) \(m.field): expected \(m.expected.map { "\"\($0)\"" } ?? "nothing"), got \(m.predicted.map { "\"\($0)\"" } ?? "nothing")"
                out += (m.strategy.map { " [\($0.rawValue)]" } ?? "") + (m.reason.map { " (\($0))" } ?? "")
                out += m.valid ? String(format: " conf %.3f", m.confidence) + "\n" : "\n"
            }
            if mismatches.count > mismatchLimit {
                out += "  … \(mismatches.count - mismatchLimit) more (--json lists all)\n"
            }
        }
        return out
    }

    /// Valid values by confidence bin: how many, how many right; then the share right among
    /// those at least `sure`, and the wrong ones there.
    public func reliabilityTable() -> String {
        var out =
            "confidence reliability (valid values)\n"
            + String(
                format: "  %-18@ %6@ %9@ %9@\n", "confidence" as NSString,
                "fields" as NSString, "correct" as NSString, "accuracy" as NSString)
        for b in reliability where b.fields > 0 {
            out += String(
                format: "  %-18@ %6d %9d %9.4f\n", String(format: "%.2f–%.2f", b.lower, b.upper) as NSString,
                b.fields, b.correct, b.accuracy)
        }
        out += String(format: "  ≥ %.2f: %.4f right; %d wrong\n", Self.sure, sureAccuracy, sureButWrong.count)
        for m in sureButWrong {
            out +=
                "    \(m.row.map { "\(m.file)#\($0)" } ?? m.file) \(m.field): \(m.predicted ?? "") (\(String(format: "%.3f", m.confidence)))\n"
        }
        return out
    }

    /// Per kind and overall: values at confidence ≥ `sure` and the share of them right, the
    /// share of right values that are that sure, and records `ok` with the share fully right;
    /// then each kind's reliability bins (right / values).
    public func confidenceTable() -> String {
        func right(_ text: String, _ width: Int) -> String {
            String(repeating: " ", count: max(0, width - text.count)) + text
        }
        func left(_ text: String, _ width: Int) -> String {
            text + String(repeating: " ", count: max(0, width - text.count))
        }
        var out =
            "confidence and status by kind\n  " + left("", 10)
            + [("values", 7), ("≥ 0.90", 7), ("right", 8), ("coverage", 9), ("ok", 6), ("ok right", 8)].map {
                " " + right($0.0, $0.1)
            }.joined() + "\n"
        let kinds = Set(outcomes.map(\.kind)).union(okRecords.keys).sorted()
        for (name, kind) in kinds.map({ ($0, Optional($0)) }) + [("all", nil)] {
            let c = confidence(kind: kind)
            let okRight = c.ok.records == 0 ? "-" : String(format: "%.4f", c.ok.accuracy)
            out +=
                "  " + left(name, 10) + " " + right("\(c.values)", 7) + " " + right("\(c.sure)", 7)
                + String(format: " %8.4f %9.4f ", c.sureAccuracy, c.sureCoverage) + right("\(c.ok.records)", 6) + " "
                + right(okRight, 8) + "\n"
        }
        out +=
            "  (right: share of the values at ≥ 0.90 that are right; coverage: share of the right values at ≥ 0.90;\n"
        out += "   ok right: share of records with status ok whose every scored value is right)\n"
        out += "  reliability by kind (right/values per confidence bin: "
        out +=
            zip(Self.reliabilityEdges, Self.reliabilityEdges.dropFirst()).map { String(format: "%.2f", $0.0) }.joined(
                separator: " ") + ")\n"
        for (name, kind) in kinds.map({ ($0, Optional($0)) }) + [("all", nil)] {
            let bins = confidence(kind: kind).reliability.map { $0.fields == 0 ? "-" : "\($0.correct)/\($0.fields)" }
            out += "  " + left(name, 10) + " " + bins.joined(separator: " ") + "\n"
        }
        return out
    }

    /// The evaluation as indented JSON.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
