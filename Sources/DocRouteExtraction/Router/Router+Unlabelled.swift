import DocRouteModel

extension Router {
    /// Fills fields with `position: title` that no label filled: the letterhead's name (see
    /// `letterheadName`: a name with evidence, else the column segment printed largest in the
    /// top third of the first page). A guess, so its confidence is modest (0.6).
    func fillTitle(_ document: Document, layout: TextLayout, state: inout FillState) {
        let wanted = spec.fields.filter { $0.position == .title && state.filled[$0.name] == nil }
        guard !wanted.isEmpty, let name = letterheadName(document, layout: layout, state: state) else { return }
        // Validated (and re-read by the values model) as any strategy's candidates are.
        let candidate = Candidate(name.run, quality: 0.6).at(name.found)
        fill(
            &state, with: Dictionary(uniqueKeysWithValues: wanted.map { ($0.name, [candidate]) }), strategy: .direct,
            only: wanted)
    }
}

extension Router {
    /// A title: the line it is on (index into `layout.lines`) and its words.
    struct Title {
        var line: Int
        var run: WordRun
    }

    /// The segment printed largest (median word height) in the top third of the first page, a
    /// fifth larger than the page's median word at least,
    /// the topmost and then leftmost among equals (within 10 %), without label words at its end
    /// (`… Invoice`), that neither is nor starts with a label of the pipeline, is not one of its
    /// `headings`, holds no colon (a key and its value) and holds four letters or two words.
    static func title(
        _ document: Document, layout: TextLayout, labels: LabelMatcher, keep: Set<String> = [],
        headings: LabelMatcher? = nil
    ) -> Title? {
        guard let first = document.pages.first, first.height > 0 else { return nil }
        // A title stands out: printed larger than most of the page's words.
        let body = first.words.compactMap { $0.box?.height }.sorted()
        let bodyHeight = body.isEmpty ? 0 : body[body.count / 2]
        var best: (title: Title, height: Double)? = nil
        for (i, line) in layout.lines.enumerated() where line.page == first.index {
            guard let box = line.box, box.y0 < first.height / 3 else { continue }
            for segment in line.segments {
                let run = WordRun(words: Array(line.words[segment]), page: line.page)
                let heights = run.words.compactMap { $0.box?.height }.sorted()
                guard !heights.isEmpty, case let height = heights[heights.count / 2], height > 0 else { continue }
                guard let words = Self.unlabelled(run.words, labels: labels, keep: keep) else { continue }
                // A heading of the pipeline (`Factuuradres`) is no name either.
                if let headings, headings.matchWhole(run.text)?.quality == 1 { continue }
                let named = WordRun(words: words, page: run.page)
                let text = named.text
                guard text.filter(\.isLetter).count >= 4 || (words.count > 1 && text.contains(where: \.isLetter))
                else { continue }
                // A key and its value (`Doc No. : CS00013065`), labelled or not, is no name.
                let after = segment.upperBound < line.words.count ? line.words[segment.upperBound].text : ""
                if words.contains(where: { $0.text.hasSuffix(":") || $0.text.hasPrefix(":") }) || after.hasPrefix(":") {
                    continue
                }
                // Nor is a note in brackets (`(Selayang Mall)`, `(Co. Reg: 860671-D)`).
                if words.first?.text.hasPrefix("(") == true && words.last?.text.hasSuffix(")") == true { continue }
                guard height >= 1.2 * bodyHeight else { continue }
                if best == nil || height > best!.height * 1.1 { best = (Title(line: i, run: named), height) }
            }
        }
        return best?.title
    }

    /// `words` without label words at their end, when what is left may be a name: not empty,
    /// not a label, not a labelled value. A document title after the name (`Amazon Web
    /// Services Invoice`) is not part of it; a segment that is little else (`TAX INVOICE`) is no
    /// name, nor is a labelled value (`Invoice INV/2023/03/0008`, `Balance Due: $127.50`), nor
    /// a copy's mark (`Kopie`, `DUPLICATE`; see `copyWords`).
    /// A label of one of `keep` (the name's own field: `Sanyu Stationery Shop`) stays.
    static func unlabelled(_ words: [TextSpan], labels: LabelMatcher, keep: Set<String> = []) -> [TextSpan]? {
        var words = words
        while let last = words.last, let m = labels.matchWhole(last.text), m.quality == 1, !keep.contains(m.field) {
            words.removeLast()
        }
        // A registration number in brackets after a name (`ACME SDN BHD (123456-X)`) is no part
        // of it; other brackets are (`Gardenia Bakeries (KL) Sdn Bhd`).
        var i = 1
        while i < words.count {
            guard words[i].text.hasPrefix("(") else {
                i += 1
                continue
            }
            var end = i
            while end < words.count - 1, !words[end].text.hasSuffix(")") { end += 1 }
            if words[i...end].contains(where: { $0.text.contains(where: \.isNumber) }) {
                words = Array(words[..<i])
                break
            }
            i = end + 1
        }
        guard !words.isEmpty, labels.matchWhole(words.map(\.text).joined(separator: " ")) == nil,
            !labels.matches(in: words, isStart: { $0 == 0 }).contains(where: { $0.start == 0 }),
            !words.allSatisfy({ Self.copyWords.contains(TextNormalizer.matchKey($0.text)) })
        else { return nil }
        return words
    }

    /// Whether `text` is a copy's mark, with the document's own label words after it at most
    /// (`Kopie factuur`, `DUPLICATE INVOICE`).
    static func isCopyMark(_ text: String, labels: LabelMatcher) -> Bool {
        var words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        while let last = words.last, labels.matchWhole(last)?.quality == 1 { words.removeLast() }
        return !words.isEmpty && words.allSatisfy { copyWords.contains(TextNormalizer.matchKey($0)) }
    }

    /// Words that say which copy or state a document is in (`Kopie factuur`, `DUPLICATE
    /// INVOICE`, `Draft`), in the shipped pipelines' languages: a segment of nothing else is no
    /// name.
    static let copyWords: Set<String> = [
        "copy", "duplicate", "original", "reprint", "draft", "proforma", "kopie", "duplikat", "entwurf", "copie",
        "duplicata", "brouillon", "origineel", "concept", "copia", "duplicado", "borrador", "originale", "bozza",
        "kopia",
    ]

    /// Fills fields with `position: below_title` that no label filled, under the letterhead's
    /// name (`letterheadName`; else the title): an `address` takes the address block under it
    /// (`addressBlock`; `found: address_block` when it holds a postcode); a `text` field the
    /// line right under it, within a line's height, its segment under the name, unless that
    /// line holds a label or a date. Confidence 0.5.
    func fillBelowTitle(_ document: Document, layout: TextLayout, state: inout FillState) {
        let wanted = spec.fields.filter { $0.position == .belowTitle && state.filled[$0.name] == nil }
        guard !wanted.isEmpty, let (line, nameBox) = nameLine(document, layout: layout, state: state) else { return }
        let page = document.pages.first { $0.index == layout.lines[line].page }
        for field in wanted {
            state.tried[field.name, default: []].append(.direct)
            let taken: [WordRun]
            var found = "below_title"
            if field.type == .address {
                guard let block = addressBlock(under: line, nameBox: nameBox, layout: layout, page: page) else {
                    continue
                }
                taken = block
                // A block holding a postcode is an address by more than its place.
                if block.contains(where: { Self.holdsPostcode($0.words) }) { found = "address_block" }
            } else {
                guard let next = lineUnder(line, nameBox: nameBox, layout: layout) else { continue }
                taken = [next]
            }
            let text = taken.map(\.text).joined(separator: "\n")
            guard let validator = validators[field.name], case .success(let v) = validator.validate(text) else {
                continue
            }
            let all = WordRun(words: taken.flatMap(\.words), page: taken[0].page)
            state.filled[field.name] = Record.Field(
                value: v.value, raw: v.raw, confidence: 0.5 * all.confidence, strategy: .direct,
                page: all.page + 1, box: all.box, valid: true, tried: [])
            state.filled[field.name]?.found = found
            state.failures[field.name] = nil
        }
    }

    /// The line (index into `layout.lines`) and box of the letterhead's name, else of the title.
    func nameLine(_ document: Document, layout: TextLayout, state: FillState) -> (Int, Box)? {
        // The name a title field took stands where it stands.
        var others = state
        for field in spec.fields where field.position == .title { others.filled[field.name] = nil }
        guard let name = letterheadName(document, layout: layout, state: others), let box = name.run.box,
            let first = name.run.words.first
        else { return nil }
        guard
            let line = layout.lines.firstIndex(where: { l in
                l.page == name.run.page && l.words.contains { $0.order == first.order && $0.box == first.box }
            })
        else { return nil }
        return (line, box)
    }

    /// The segment right under `box` on the line after `line`, within a line's height, unless
    /// that line holds a label or a date.
    func lineUnder(_ line: Int, nameBox: Box, layout: TextLayout) -> WordRun? {
        guard line + 1 < layout.lines.count else { return nil }
        let next = layout.lines[line + 1]
        guard next.page == layout.lines[line].page, let box = next.box,
            box.y0 - nameBox.y1 <= max(next.height, 1) * 1.2,
            let under = next.words.firstIndex(where: { w in
                w.box.map { $0.x1 > nameBox.x0 && $0.x0 < nameBox.x1 } ?? false
            })
        else { return nil }
        let start = next.segmentStarts.last { $0 <= under } ?? 0
        let words = Array(next.words[start..<next.segmentEnd(containing: start)])
        let dates = FieldValidator(field: FieldSpec(name: "date", type: .date), dateOrder: spec.dateOrder)
        guard labels.matches(in: next.words, isStart: next.isSegmentStart).isEmpty,
            !Self.holdsValue(words, validator: dates)
        else { return nil }
        return WordRun(words: words, page: next.page)
    }

    /// Whether a run of up to four of `words` is a valid value for `validator`.
    static func holdsValue(_ words: [TextSpan], validator: FieldValidator) -> Bool {
        for i in words.indices {
            for k in (i + 1)...min(words.count, i + 4) {
                if case .success = validator.validate(words[i..<k].map(\.text).joined(separator: " ")) { return true }
            }
        }
        return false
    }

    /// Whether a word is digits (with `+`, `-`, brackets) that a value next to it would be a
    /// piece of, as in a phone number.
    static func isNumberPiece(_ text: String) -> Bool {
        text.contains(where: \.isNumber) && text.allSatisfy { $0.isNumber || "+-()".contains($0) }
    }

    /// Words a `position: first` field takes at most (`Wednesday, 2 July 2015`).
    static let firstValueWords = 5

    /// Fills fields with `position: first` that no label filled: on the first page, top to
    /// bottom, the first run of up to five words within a segment that validates and is not
    /// printed where another field's value is (the longest run at the earliest word). Found
    /// by type alone, so its confidence is modest (0.5).
    func fillFirst(layout: TextLayout, state: inout FillState) {
        let wanted = spec.fields.filter { $0.position == .first && state.filled[$0.name] == nil }
        guard !wanted.isEmpty, let page = layout.lines.first?.page else { return }
        for field in wanted {
            state.tried[field.name, default: []].append(.direct)
            guard let validator = validators[field.name] else { continue }
            search: for line in layout.lines where line.page == page {
                for start in line.words.indices {
                    let end = min(line.segmentEnd(containing: start), start + Self.firstValueWords)
                    // A piece of a longer number is none (`6 03 2026` in `Tel: +6 03 2026 6386`).
                    if start > (line.segmentStarts.last { $0 <= start } ?? 0),
                        Self.isNumberPiece(line.words[start - 1].text)
                    {
                        continue
                    }
                    for stop in stride(from: end, to: start, by: -1) {
                        if stop < line.segmentEnd(containing: start), Self.isNumberPiece(line.words[stop].text) {
                            continue
                        }
                        let run = WordRun(words: Array(line.words[start..<stop]), page: page)
                        guard case .success(let v) = validator.validate(run.text) else { continue }
                        // Where another value is printed, unless that value's words are others
                        // (a date under a tall letterhead).
                        if let box = run.box,
                            state.filled.values.contains(where: { f in
                                f.page == page + 1 && f.box.map { Self.same(box, $0) } == true
                                    && (f.raw ?? "").contains(run.text)
                            })
                        {
                            continue
                        }
                        state.filled[field.name] = Record.Field(
                            value: v.value, raw: v.raw, currency: v.currency,
                            confidence: 0.5 * run.confidence, strategy: .direct,
                            page: page + 1, box: run.box, valid: true, tried: [])
                        state.filled[field.name]?.found = "first_on_page"
                        state.failures[field.name] = nil
                        break search
                    }
                }
            }
        }
    }
}

extension Router {
    /// Fills fields with `after: [...]` headings that no label filled: under the first such
    /// heading printed at the start of a column, the words below it in its column (as a label's
    /// value below it is found), continued over the lines under them for an address. Found by
    /// a heading rather than a label, so less sure (0.6).
    func fillAfter(_ context: ExtractionContext, state: inout FillState) {
        let wanted = spec.fields.filter { !$0.after.isEmpty && state.filled[$0.name] == nil }
        guard !wanted.isEmpty else { return }
        let lines = context.layout.lines
        let matches = context.matches
        let table = TableStrategy()
        // Another field's value is not this one's too.
        let taken = state.valuePlaces
        for field in wanted {
            let headings = LabelMatcher(fields: [FieldSpec(name: field.name, labels: field.after)])
            var found: [Candidate] = []
            for (li, line) in lines.enumerated() {
                // A heading has no value on its line to bear it out: matched closely (90 %).
                for m in headings.matches(in: line.words, isStart: line.isSegmentStart)
                where line.isSegmentStart(m.start) && m.quality >= 0.9 {
                    guard
                        let below = table.valueBelow(label: m, index: 0, lineIndex: li, lines: lines, matches: matches)?
                            .run,
                        let box = below.box, !Self.isTaken(box, page: line.page + 1, in: taken)
                    else { continue }
                    var candidate = Candidate(below, quality: 0.6 * m.quality)
                    if field.type == .address, let more = table.continued(below, lines: lines, matches: matches) {
                        candidate = more.candidate(quality: 0.6 * m.quality)
                    }
                    found.append(candidate.at("after_heading"))
                }
            }
            // Validated (and re-read by the values model) as any strategy's candidates are.
            fill(&state, with: [field.name: found], strategy: .table, only: [field])
        }
    }
}
