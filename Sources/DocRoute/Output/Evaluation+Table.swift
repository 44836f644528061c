import Foundation

extension Evaluation {
    /// A plain-text report: scores by kind, field and strategy, latency, then mismatches.
    public func table(mismatchLimit: Int = 30) -> String {
        var out = "pipeline \(pipeline): \(documents) documents, \(records) records\n\n"
        func row(_ name: String, _ s: Score) -> String {
            String(format: "  %-18@ %6.4f %6.4f %6.4f %6d %5d %5d\n", name as NSString, s.precision, s.recall, s.f1,
                   s.truePositives, s.falsePositives, s.falseNegatives)
        }
        let header = String(format: "  %-18@ %6@ %6@ %6@ %6@ %5@ %5@\n", "" as NSString, "prec" as NSString, "recall" as NSString,
                            "F1" as NSString, "tp" as NSString, "fp" as NSString, "fn" as NSString)
        out += "by kind\n" + header
        for (k, s) in byKind.sorted(by: { $0.key < $1.key }) { out += row(k, s) }
        out += row("all", overall)
        out += "\nby field\n" + header
        for (k, s) in byField.sorted(by: { $0.key < $1.key }) { out += row(k, s) }
        out += "\nby strategy (values it gave)\n" + header
        for (k, s) in byStrategy.sorted(by: { $0.key < $1.key }) { out += row(k, s) }
        out += "\nwhere values were found, by field (values right / given)\n"
        for (field, places) in byPlace.sorted(by: { $0.key < $1.key }) {
            let parts = places.sorted { $0.value.truePositives + $0.value.falsePositives > $1.value.truePositives + $1.value.falsePositives }
                .map { "\($0.key) \($0.value.truePositives)/\($0.value.truePositives + $0.value.falsePositives)" }
            out += "  \(field): " + parts.joined(separator: ", ") + "\n"
        }
        out += "\nlatency (ms)\n" + String(format: "  %-18@ %6@ %9@ %9@ %9@ %9@\n", "" as NSString, "docs" as NSString,
                                            "median" as NSString, "p95" as NSString, "per page" as NSString, "llm/doc" as NSString)
        for (k, l) in latency.sorted(by: { $0.key < $1.key }) + (ocrLatency.map { [("all OCR", $0)] } ?? []) {
            out += String(format: "  %-18@ %6d %9.1f %9.1f %9.1f %9.2f\n", k as NSString, l.documents, l.medianMs, l.p95Ms,
                          l.medianMsPerPage, l.llmCallsPerDocument)
        }
        out += "\n" + reliabilityTable()
        if !ignoredFields.isEmpty { out += "\ntruth fields not scored (not in the pipeline, or left out by --fields): \(ignoredFields.joined(separator: ", "))\n" }
        if !failedFiles.isEmpty { out += "\nfailed: \(failedFiles.joined(separator: ", "))\n" }
        if !mismatches.isEmpty {
            out += "\nmismatches (\(mismatches.count))\n"
            for m in mismatches.prefix(mismatchLimit) {
                let place = m.row.map { "\(m.file)#\($0)" } ?? m.file
                out += "  \(place) \(m.field): expected \(m.expected.map { "\"\($0)\"" } ?? "nothing"), got \(m.predicted.map { "\"\($0)\"" } ?? "nothing")"
                out += (m.strategy.map { " [\($0.rawValue)]" } ?? "") + (m.reason.map { " (\($0))" } ?? "")
                out += m.valid ? String(format: " conf %.3f", m.confidence) + "\n" : "\n"
            }
            if mismatches.count > mismatchLimit { out += "  … \(mismatches.count - mismatchLimit) more (--json lists all)\n" }
        }
        return out
    }

    /// Valid values by confidence bin: how many, how many right; then the share right among
    /// those at least `sure`, and the wrong ones there.
    public func reliabilityTable() -> String {
        var out = "confidence reliability (valid values)\n" + String(format: "  %-18@ %6@ %9@ %9@\n", "confidence" as NSString,
                                                                 "fields" as NSString, "correct" as NSString, "accuracy" as NSString)
        for b in reliability where b.fields > 0 {
            out += String(format: "  %-18@ %6d %9d %9.4f\n", String(format: "%.2f–%.2f", b.lower, b.upper) as NSString,
                          b.fields, b.correct, b.accuracy)
        }
        out += String(format: "  ≥ %.2f: %.4f right; %d wrong\n", Self.sure, sureAccuracy, sureButWrong.count)
        for m in sureButWrong {
            out += "    \(m.row.map { "\(m.file)#\($0)" } ?? m.file) \(m.field): \(m.predicted ?? "") (\(String(format: "%.3f", m.confidence)))\n"
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
