import DocRouteModel

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
        /// Characters of the label matched (its key's length; 0 for a symbol): how specific it is.
        public var length: Int = 0
    }

    struct Label: Sendable {
        var field: String
        var key: String
        var scalars: [Unicode.Scalar]
        var tokenCount: Int
        var tolerance: Int
        /// The field takes free text, which anything after the label validates as.
        var freeText = false
    }

    let labels: [Label]
    /// For each key length a text may have, the indices (in order) of the labels it can match:
    /// those whose length is within their tolerance of it. Longer texts match none.
    let near: [[Int]]
    let maxTokens: Int
    /// Labels of symbols only (`#`, `№`), by their text: they match a word that is exactly
    /// the symbol (a trailing colon allowed) where a segment starts.
    let symbols: [String: String]
    /// Fields with a `position`: printed unlabelled as often as not.
    let placed: Set<String>
    /// Fields that take an amount: a label of one followed by `No`/`ID` names a number of
    /// record instead (`GST ID No: 000504664064`).
    let amounts: Set<String>

    public init(fields: [FieldSpec]) {
        placed = Set(fields.filter { $0.position != nil }.map(\.name))
        amounts = Set(fields.filter { [.money, .number, .integer].contains($0.type) }.map(\.name))
        var labels: [Label] = []
        var symbols: [String: String] = [:]
        for f in fields {
            for l in f.labels {
                let tokens = l.split(whereSeparator: { $0.isWhitespace }).map { TextNormalizer.matchKey(String($0)) }
                    .filter { !$0.isEmpty }
                guard !tokens.isEmpty else {
                    let symbol = l.trimmingCharacters(in: .whitespaces)
                    if !symbol.isEmpty, symbols[symbol] == nil { symbols[symbol] = f.name }
                    continue
                }
                let key = tokens.joined()
                let scalars = Array(key.unicodeScalars)
                labels.append(
                    Label(
                        field: f.name, key: key, scalars: scalars, tokenCount: tokens.count,
                        tolerance: TextNormalizer.tolerance(forLength: scalars.count),
                        freeText: f.type == .text || f.type == .address))
            }
        }
        self.labels = labels
        self.symbols = symbols
        let longest = labels.map { $0.scalars.count + $0.tolerance }.max() ?? 0
        near = (0...longest).map { length in
            labels.indices.filter { abs(labels[$0].scalars.count - length) <= labels[$0].tolerance }
        }
        maxTokens = labels.map(\.tokenCount).max() ?? 0
    }

    /// The best field whose label `text` is, as a whole (a table cell, a segment).
    /// A parenthesised note ("Date of birth (DD.MM.YYYY)") and a trailing colon are ignored.
    public func matchWhole(_ text: String) -> (field: String, quality: Double)? {
        var t = text
        while let open = t.firstIndex(of: "("), let close = t[open...].firstIndex(of: ")") {
            t.removeSubrange(open...close)
        }
        let key = Array(TextNormalizer.matchKey(t).unicodeScalars)
        guard !key.isEmpty, key.count <= 60 else { return nil }
        var best: (String, Double)? = nil
        for l in nearby(key.count) {
            let d = TextNormalizer.distance(l.scalars, key, limit: l.tolerance)
            guard d <= l.tolerance else { continue }
            let q = 1 - Double(d) / Double(max(l.scalars.count, key.count))
            if best == nil || q > best!.1 { best = (l.field, q) }
        }
        return best
    }

    /// The labels a text of `length` key characters can match, in the pipeline's order.
    func nearby(_ length: Int) -> some Sequence<Label> {
        (length < near.count ? near[length] : []).lazy.map { labels[$0] }
    }

    /// A tax rate or count printed before a label: digits with `%`, `.` or `,` (`20%`, `7,7 %`).
    static func isRate(_ word: String) -> Bool {
        word.contains(where: \.isNumber) && word.allSatisfy { $0.isNumber || "%.,".contains($0) } || word == "%"
    }

    /// Words that say a label counts things (`Qty`, `Items`, `Stück`), in the languages of
    /// the shipped pipelines.
    static let countWords: Set<String> = [
        "qty", "qnty", "quantity", "quantities", "items", "item", "pcs", "pieces", "units", "count", "lines",
        "menge", "anzahl", "stk", "stuck", "artikel", "positionen", "qte", "quantite", "articles", "aantal",
        "stuks", "cantidad", "unidades", "articulos", "quantita", "pezzi", "articoli",
    ]

    /// Words that say a label numbers a record (`No`, `ID`, `Reg`), in the languages of the
    /// shipped pipelines.
    static let recordWords: Set<String> = [
        "id", "no", "nr", "nbr", "number", "num", "reg", "registration", "regno", "nummer", "numero", "ident",
        "identification", "identifier", "idnr", "idno",
    ]

    /// Words that join a label to what it includes or leaves out (`incl.`, `excl.`, `of`,
    /// `inkl.`, `hors`), in the languages of the shipped pipelines.
    static let qualifiers: Set<String> = [
        "incl", "inclusive", "including", "excl", "exclusive", "excluding", "of", "with", "without", "before",
        "after", "plus", "inkl", "inklusive", "exkl", "exklusive", "zzgl", "mit", "ohne", "hors", "avec", "sans",
        "avant", "apres", "exclusief", "inclusief", "met", "zonder", "con", "sin", "incluido", "incluida",
        "compreso", "compresa", "escluso", "esclusa",
    ]

    /// Every label occurrence in `words`, without overlaps (longer and better matches win).
    /// A label counts where it starts a segment (`isStart`), ends with a colon, is an exact
    /// match of five or more characters, or is exact and follows nothing but rates and labels
    /// in its segment — but not, mid-line, between two lower-case words (running prose).
    func matches(in words: [TextSpan], isStart: (Int) -> Bool) -> [Match] {
        let keys = words.map { Array(TextNormalizer.matchKey($0.text).unicodeScalars) }
        var found: [Match] = [], midLine: [Match] = []
        let capitals = !words.contains { $0.text.contains(where: \.isLowercase) }
        if !symbols.isEmpty {
            for (i, w) in words.enumerated() where isStart(i) && i + 1 < words.count {
                let text = w.text.hasSuffix(":") ? String(w.text.dropLast()) : w.text
                if let field = symbols[text] {
                    found.append(Match(field: field, start: i, end: i + 1, quality: 0.9, colon: false, length: 0))
                }
            }
        }
        guard maxTokens > 0 else { return found }
        for i in keys.indices where !keys[i].isEmpty {
            var joined: [Unicode.Scalar] = []
            // The label's words, or one more or fewer where OCR merged or split a word.
            for n in 1...(maxTokens + 1) where i + n <= keys.count {
                // Across a column gap, words that are a label already are not read as the start of
                // a longer one: `Date | Échéance` is two labels, not a fuzzy `Date d'échéance`.
                // (A gap left by a dropped speck, `Date [of] birth`, may still be crossed.)
                if n > 1 && isStart(i + n - 1)
                    && (found + midLine).contains(where: { $0.start == i && $0.end == i + n - 1 && $0.quality == 1 })
                {
                    break
                }
                joined += keys[i + n - 1]
                let colon = words[i + n - 1].text.hasSuffix(":")
                guard joined.count < near.count else { break }
                for l in nearby(joined.count) where abs(l.tokenCount - n) <= 1 {
                    let d = TextNormalizer.distance(l.scalars, joined, limit: l.tolerance)
                    guard d <= l.tolerance else { continue }
                    // A misread label swallows no word that counts (`Total Qty` is no `Total TTC`).
                    if d > 0,
                        (i..<(i + n)).contains(where: { k in
                            Self.countWords.contains(TextNormalizer.matchKey(words[k].text).filter(\.isLetter))
                        })
                    {
                        continue
                    }
                    let q = 1 - Double(d) / Double(Swift.max(l.scalars.count, joined.count))
                    // Mid-line, only an exact label of some length counts ("Given names Nationality"
                    // read as one column by OCR), or an exact one after rates and labels only (below).
                    let match = Match(
                        field: l.field, start: i, end: i + n, quality: q, colon: colon, length: l.scalars.count)
                    if isStart(i) || colon { found.append(match); continue }
                    // Inside running prose — lower-case words on both sides, no colon — a label's
                    // words are the sentence's (`pay the total amount due by 3 March`).
                    if i > 0, i + n < words.count, words[i - 1].text.first?.isLowercase == true,
                        words[i + n].text.first?.isLowercase == true
                    {
                        continue
                    }
                    // A free-text field's label needs more where all is in capitals: there
                    // prose looks like anything else (`PLEASE SEEK STORE MANAGER`).
                    if d == 0 && l.scalars.count >= 5 && !(l.freeText && capitals) {
                        found.append(match)
                    } else if d == 0 {
                        midLine.append(match)
                    }
                }
            }
        }
        // An exact label after nothing but rates and other labels in its segment counts too
        // (`20% VAT`, `20% VAT Net`), label by label from the segment's start.
        func onlyRatesAndLabels(before start: Int) -> Bool {
            var j = start
            while j > 0, !isStart(j) {
                let w = j - 1
                if let covering = found.first(where: { $0.start <= w && w < $0.end }) {
                    j = covering.start
                } else if Self.isRate(words[w].text) {
                    j = w
                } else {
                    return false
                }
            }
            return true
        }
        var added = true
        while added {
            added = false
            if let k = midLine.firstIndex(where: { onlyRatesAndLabels(before: $0.start) }) {
                found.append(midLine.remove(at: k))
                added = true
            }
        }
        // Most label matched first (its length times the match quality, so an exact "TVA" beats
        // a fuzzy "N° TVA" over the same word, and "Date of birth" beats "Date"), then best
        // quality; keep those that do not overlap a kept one.
        found.sort { a, b in
            let x = Double(a.length) * a.quality, y = Double(b.length) * b.quality
            if abs(x - y) > 1e-9 { return x > y }
            return a.quality != b.quality ? a.quality > b.quality : a.start < b.start
        }
        var taken = [Bool](repeating: false, count: words.count)
        var kept: [Match] = []
        for m in found {
            // A label several fields share ("Company Name" under two headings) is a match for
            // each of them: the same words, as long and as good.
            if let i = kept.firstIndex(where: { $0.start == m.start && $0.end == m.end }) {
                if kept[i].field != m.field, kept[i].length == m.length, kept[i].quality == m.quality,
                    !kept.contains(where: { $0.start == m.start && $0.field == m.field })
                {
                    kept.append(m)
                }
                continue
            }
            guard !(m.start..<m.end).contains(where: { taken[$0] }) else { continue }
            for k in m.start..<m.end { taken[k] = true }
            kept.append(m)
        }
        // A label followed by a word that counts (`Total Qty: 4`, `Total items 3`) labels a
        // count, not what the label names, unless that word is a label too; an amount's label
        // followed by one that numbers (`GST ID No:`, `VAT No.`) labels a number of record.
        let starts = Set(kept.map(\.start))
        kept.removeAll { m in
            guard !m.colon, m.end < words.count, !starts.contains(m.end) else { return false }
            let next = TextNormalizer.matchKey(words[m.end].text).filter(\.isLetter)
            return Self.countWords.contains(next) || (amounts.contains(m.field) && Self.recordWords.contains(next))
        }
        // A label, qualifying words, another field's label (`Total incl. of GST`, `Total
        // excl. VAT`): one label, the first's; the second names what it includes.
        kept.sort { $0.start < $1.start }
        var merged: [Match] = []
        for m in kept {
            if var last = merged.last, last.field != m.field, !last.colon, m.start > last.end,
                m.start - last.end <= 2,
                (last.end..<m.start).allSatisfy({
                    Self.qualifiers.contains(TextNormalizer.matchKey(words[$0].text).filter(\.isLetter))
                })
            {
                last.end = m.end
                last.colon = m.colon
                merged[merged.count - 1] = last
                continue
            }
            merged.append(m)
        }
        return merged
    }
}
