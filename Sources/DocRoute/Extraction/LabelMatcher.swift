/// Finds the fields' labels in printed text, forgiving case, accents, punctuation, spacing
/// and a few OCR errors ("Dale of birth", "Sumame", "Dateof birth:").
public struct LabelMatcher: Sendable {
    /// Where a label stands in a run of words.
    public struct Match: Sendable, Hashable {
        public var field: String
        /// Word range of the label.
        public var start: Int
        public var end: Int
        /// 1 for an exact match, lower for each edit.
        public var quality: Double
        /// The label's last word ends with ":".
        public var colon: Bool
    }

    struct Label: Sendable {
        var field: String
        var key: String
        var tokenCount: Int
    }

    let labels: [Label]

    public init(fields: [FieldSpec]) {
        var labels: [Label] = []
        for f in fields {
            for l in f.labels {
                let tokens = l.split(whereSeparator: { $0.isWhitespace }).map { TextNormalizer.key(String($0)) }.filter { !$0.isEmpty }
                guard !tokens.isEmpty else { continue }
                labels.append(Label(field: f.name, key: tokens.joined(), tokenCount: tokens.count))
            }
        }
        self.labels = labels
    }

    /// The best field whose label `text` is, as a whole (a table cell, a segment).
    /// A parenthesised note ("Date of birth (DD.MM.YYYY)") and a trailing colon are ignored.
    public func matchWhole(_ text: String) -> (field: String, quality: Double)? {
        var t = text
        while let open = t.firstIndex(of: "("), let close = t[open...].firstIndex(of: ")") {
            t.removeSubrange(open...close)
        }
        let key = TextNormalizer.key(t)
        guard !key.isEmpty, key.count <= 60 else { return nil }
        var best: (String, Double)? = nil
        for l in labels {
            let tol = TextNormalizer.tolerance(forLength: l.key.count)
            let d = TextNormalizer.distance(l.key, key, limit: tol)
            guard d <= tol else { continue }
            let q = 1 - Double(d) / Double(max(l.key.count, key.count))
            if best == nil || q > best!.1 { best = (l.field, q) }
        }
        return best
    }

    /// Every label occurrence in `words`, without overlaps (longer and better matches win).
    /// A label counts where it starts a segment (`isStart`), ends with a colon, or is an exact
    /// match of five or more characters.
    func matches(in words: [TextSpan], isStart: (Int) -> Bool) -> [Match] {
        let keys = words.map { TextNormalizer.key($0.text) }
        var found: [(Match, Int)] = []
        for i in keys.indices where !keys[i].isEmpty {
            for l in labels {
                // The label's words, or one more or fewer where OCR merged or split a word.
                for n in Swift.max(1, l.tokenCount - 1)...(l.tokenCount + 1) where i + n <= keys.count {
                    let joined = keys[i..<(i + n)].joined()
                    let tol = TextNormalizer.tolerance(forLength: l.key.count)
                    guard abs(joined.count - l.key.count) <= tol else { continue }
                    let d = TextNormalizer.distance(l.key, joined, limit: tol)
                    guard d <= tol else { continue }
                    let colon = words[i + n - 1].text.hasSuffix(":")
                    let q = 1 - Double(d) / Double(Swift.max(l.key.count, joined.count))
                    // Mid-line, only an exact label of some length counts ("Given names Nationality"
                    // read as one column by OCR).
                    guard isStart(i) || colon || (d == 0 && l.key.count >= 5) else { continue }
                    found.append((Match(field: l.field, start: i, end: i + n, quality: q, colon: colon), l.key.count))
                }
            }
        }
        // Longest label first, then best quality; keep those that do not overlap a kept one.
        found.sort { a, b in
            a.1 != b.1 ? a.1 > b.1 : (a.0.quality != b.0.quality ? a.0.quality > b.0.quality : a.0.start < b.0.start)
        }
        var taken = [Bool](repeating: false, count: words.count)
        var kept: [Match] = []
        for (m, _) in found where !(m.start..<m.end).contains(where: { taken[$0] }) {
            for k in m.start..<m.end { taken[k] = true }
            kept.append(m)
        }
        return kept.sorted { $0.start < $1.start }
    }
}
