import DocRouteModel
import Foundation

/// The **direct** strategy without an LLM: each field's `pattern` searched over the whole
/// text, line by line; for `mrz` fields, runs of 2–3 lines shaped like a machine-readable zone.
/// Fields with neither are left to other strategies.
struct DirectStrategy: ExtractionStrategy {
    let name = StrategyName.direct
    /// A pattern hit is weaker evidence than a label or a template.
    static let quality = 0.7

    func candidates(for fields: [FieldSpec], in context: ExtractionContext) -> CandidateSet {
        var out: CandidateSet = [:]
        let lines = context.layout.lines
        // A printed label is never a value ("RESIDENCE" is not a document number).
        let labels = context.labels
        for field in fields {
            if let pattern = field.pattern {
                for line in lines {
                    // The line's text with each word's character range, to map hits back to words.
                    var text = ""
                    var ranges: [Range<Int>] = []
                    for w in line.words {
                        if !text.isEmpty { text += " " }
                        let start = text.utf16.count
                        text += w.text
                        ranges.append(start..<text.utf16.count)
                    }
                    let ns = NSRange(location: 0, length: text.utf16.count)
                    for hit in pattern.searching.matches(in: text, range: ns) {
                        let r = hit.range.location..<(hit.range.location + hit.range.length)
                        let words = line.words.indices.filter { ranges[$0].overlaps(r) }.map { line.words[$0] }
                        guard !words.isEmpty, let swiftRange = Range(hit.range, in: text),
                            labels.matchWhole(String(text[swiftRange])) == nil
                        else { continue }
                        let run = WordRun(words: words, page: line.page)
                        out[field.name, default: []].append(
                            Candidate(
                                text: String(text[swiftRange]), page: line.page,
                                box: run.box, confidence: Self.quality * run.confidence,
                                ocr: words.contains { $0.confidence != nil },
                                quality: Self.quality))
                    }
                }
            } else if field.type == .mrz {
                out[field.name, default: []] += mrzCandidates(lines)
            }
        }
        return out
    }

    /// Lines made only of A–Z, 0–9 and `<` (spaces dropped), 28 characters or more, in runs
    /// of two or three.
    func mrzCandidates(_ lines: [TextLayout.Line]) -> [Candidate] {
        func shaped(_ line: TextLayout.Line) -> String? {
            let s = line.words.map(\.text).joined()
            guard s.count >= 28, s.count <= 46, s.contains("<"),
                s.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "<") })
            else { return nil }
            return s
        }
        var out: [Candidate] = []
        var i = 0
        while i < lines.count {
            var run: [Int] = []
            while i < lines.count, shaped(lines[i]) != nil, run.count < 3 { run.append(i); i += 1 }
            if run.count >= 2 {
                let words = run.flatMap { lines[$0].words }
                let w = WordRun(words: words, page: lines[run[0]].page)
                out.append(
                    Candidate(
                        text: run.compactMap { shaped(lines[$0]) }.joined(separator: "\n"), page: w.page,
                        box: w.box, confidence: Self.quality * w.confidence, ocr: true,
                        quality: Self.quality, lines: run.count))
            }
            if run.isEmpty { i += 1 }
        }
        return out
    }
}
