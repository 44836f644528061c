import DocRouteModel

/// How well one template's fixed text aligns with a document, and the words standing where
/// its placeholders stand.
struct TemplateMatch: Sendable {
    var id: String
    /// 0...1: the share of the template's literal words found, in order, weighted by quality.
    var score: Double
    /// Per field, the words aligned with its placeholder (best line first).
    var values: [String: [Candidate]]
}

/// Aligns templates with a document's lines. Two levels of alignment: each template line
/// against each document line (literal words fuzzy-matched, placeholders absorbing any words),
/// then template lines against document lines in order, so that OCR noise in the fixed text
/// and extra or missing lines cost score but do not break the match.
struct TemplateAligner: Sendable {
    /// Document lines considered (the first ones: templates describe the top of a layout).
    static let maxLines = 300
    /// A template line must match a document line at least this well to anchor it.
    static let minLineScore = 0.5

    let templates: [(id: String, text: TemplateText, formats: [DocumentFormat])]

    /// Parses the templates once, for every document of a pipeline.
    init(_ specs: [TemplateSpec]) {
        templates = specs.map { ($0.id, TemplateText($0.text), $0.formats) }
    }

    /// The match of every template that applies to `format`, best first.
    func align(_ layout: TextLayout, format: DocumentFormat) -> [TemplateMatch] {
        let applicable = templates.filter { $0.formats.isEmpty || $0.formats.contains(format) }
        guard !applicable.isEmpty else { return [] }
        let lines = Array(layout.lines.prefix(Self.maxLines))
        let keys = lines.map { $0.words.map { TextNormalizer.matchKey($0.text) } }
        return applicable.map { align($0.id, $0.text, lines: lines, keys: keys) }
            .sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
    }

    func align(_ id: String, _ template: TemplateText, lines: [TextLayout.Line], keys: [[String]]) -> TemplateMatch {
        let m = template.lines.count, n = lines.count
        let totalLiterals = template.lines.reduce(0) { $0 + $1.literalCount }
        guard m > 0, n > 0, totalLiterals > 0 else { return TemplateMatch(id: id, score: 0, values: [:]) }
        // Line-against-line alignments, computed lazily.
        var cache: [Int: LineAlignment] = [:]
        func pair(_ t: Int, _ d: Int) -> LineAlignment {
            if let a = cache[t * n + d] { return a }
            let a = LineAlignment(template.lines[t], line: lines[d], keys: keys[d])
            cache[t * n + d] = a
            return a
        }
        func gain(_ t: Int, _ d: Int) -> Double? {
            let line = template.lines[t]
            if line.literalCount == 0 { return lines[d].words.isEmpty ? nil : 0.25 }
            let a = pair(t, d)
            return a.score >= Self.minLineScore ? a.score * Double(line.literalCount) : nil
        }
        // best[t][d]: best total for the first t template lines and the first d document lines.
        var best = [[Double]](repeating: [Double](repeating: 0, count: n + 1), count: m + 1)
        // 1 skip t, 2 skip d, 3 pair
        var step = [[UInt8]](repeating: [UInt8](repeating: 0, count: n + 1), count: m + 1)
        for t in 0...m {
            for d in 0...n {
                if t == 0 && d == 0 { continue }
                var v = -1.0, s: UInt8 = 0
                if t > 0, best[t - 1][d] > v { v = best[t - 1][d]; s = 1 }
                if d > 0, best[t][d - 1] > v { v = best[t][d - 1]; s = 2 }
                if t > 0, d > 0, let g = gain(t - 1, d - 1), best[t - 1][d - 1] + g > v {
                    v = best[t - 1][d - 1] + g; s = 3
                }
                best[t][d] = v; step[t][d] = s
            }
        }
        // Walk back the chosen pairs.
        var pairs: [(Int, Int)] = []
        var t = m, d = n
        while t > 0 || d > 0 {
            switch step[t][d] {
            case 3: pairs.append((t - 1, d - 1)); t -= 1; d -= 1
            case 1: t -= 1
            default: d -= 1
            }
        }
        pairs.reverse()
        var literalScore = 0.0
        for (t, d) in pairs where template.lines[t].literalCount > 0 {
            literalScore += pair(t, d).score * Double(template.lines[t].literalCount)
        }
        let score = literalScore / Double(totalLiterals)
        var values: [String: [Candidate]] = [:]
        for (t, d) in pairs {
            let a = pair(t, d)
            let quality = (template.lines[t].literalCount > 0 ? a.score : score) * (0.5 + 0.5 * score)
            for (field, range) in a.slots where !range.isEmpty {
                let run = WordRun(words: Array(lines[d].words[range]), page: lines[d].page)
                values[field, default: []].append(Candidate(run, quality: quality))
            }
        }
        return TemplateMatch(id: id, score: score, values: values)
    }
}

/// One template line aligned with one document line by dynamic programming over words:
/// a literal matches a word (cost: relative edit distance) or is missing (cost 1); a word
/// outside any placeholder costs 1 (punctuation-only words cost nothing); a placeholder
/// absorbs any run of words (an empty placeholder costs 1).
struct LineAlignment {
    var score: Double
    var slots: [(String, Range<Int>)]

    init(_ template: TemplateText.Line, line: TextLayout.Line, keys: [String]) {
        let parts = template.parts, p = parts.count, n = keys.count
        let inf = Double.infinity
        var cost = [[Double]](repeating: [Double](repeating: inf, count: n + 1), count: p + 1)
        var back = [[(Int, Int)]](repeating: [(Int, Int)](repeating: (-1, -1), count: n + 1), count: p + 1)
        cost[0][0] = 0
        func relax(_ i: Int, _ j: Int, _ v: Double, from: (Int, Int)) {
            if v < cost[i][j] { cost[i][j] = v; back[i][j] = from }
        }
        for i in 0...p {
            for j in 0...n where cost[i][j] < inf {
                let c = cost[i][j]
                if j < n { relax(i, j + 1, c + (keys[j].isEmpty ? 0 : 1), from: (i, j)) }
                guard i < p else { continue }
                switch parts[i] {
                case .literal(let k):
                    if j < n { relax(i + 1, j + 1, c + Self.substitution(k, keys[j]), from: (i, j)) }
                    relax(i + 1, j, c + 1, from: (i, j))
                case .slot:
                    // Two placeholders side by side should split where a column gap is.
                    var boundary = 0.0
                    if i > 0, case .slot = parts[i - 1], j > 0, j < n, !line.isSegmentStart(j) { boundary = 0.3 }
                    relax(i + 1, j, c + 1 + boundary, from: (i, j))
                    if j < n { for j2 in (j + 1)...n { relax(i + 1, j2, c + boundary, from: (i, j)) } }
                }
            }
        }
        // Walk back: slot transitions give the words of each placeholder.
        var slots: [(String, Range<Int>)] = []
        var i = p, j = n
        while i > 0 || j > 0 {
            let (pi, pj) = back[i][j]
            if pi < 0 { break }
            if pi == i - 1, case .slot(let field) = parts[pi] { slots.append((field, pj..<j)) }
            i = pi; j = pj
        }
        self.slots = slots.reversed()
        let literals = template.literalCount
        score = literals == 0 ? 0 : max(0, 1 - cost[p][n] / Double(literals))
    }

    /// 0 for equal words, the relative edit distance up to one half, 1 beyond.
    static func substitution(_ a: String, _ b: String) -> Double {
        if a == b { return 0 }
        if b.isEmpty { return 1 }
        let longest = max(a.count, b.count)
        let d = TextNormalizer.distance(a, b, limit: longest / 2)
        let rel = Double(d) / Double(longest)
        return rel <= 0.5 ? rel : 1
    }
}

/// The **replacement** strategy: the text standing where a template's placeholder stands is
/// the value, from the best-matching template first.
struct ReplacementStrategy: ExtractionStrategy {
    let name = StrategyName.replacement
    /// Templates matching below this score are not used.
    static let minScore = 0.5
    let matches: [TemplateMatch]

    func candidates(for fields: [FieldSpec], in context: ExtractionContext) -> CandidateSet {
        var out: CandidateSet = [:]
        let wanted = Set(fields.map(\.name))
        for m in matches where m.score >= Self.minScore {
            for (field, list) in m.values where wanted.contains(field) { out[field, default: []] += list }
        }
        return out
    }
}
