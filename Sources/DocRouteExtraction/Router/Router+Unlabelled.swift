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

    /// The segment printed largest (median word height) in the top third of the first page,
    /// the topmost and then leftmost among equals (within 10 %), without label words at its end
    /// (`… Invoice`), that neither is nor starts with a label of the pipeline and holds four
    /// letters or two words.
    static func title(_ document: Document, layout: TextLayout, labels: LabelMatcher) -> Title? {
        guard let first = document.pages.first, first.height > 0 else { return nil }
        var best: (title: Title, height: Double)? = nil
        for (i, line) in layout.lines.enumerated() where line.page == first.index {
            guard let box = line.box, box.y0 < first.height / 3 else { continue }
            for segment in line.segments {
                let run = WordRun(words: Array(line.words[segment]), page: line.page)
                let heights = run.words.compactMap { $0.box?.height }.sorted()
                guard !heights.isEmpty, case let height = heights[heights.count / 2], height > 0 else { continue }
                guard let words = Self.unlabelled(run.words, labels: labels) else { continue }
                let named = WordRun(words: words, page: run.page)
                let text = named.text
                guard text.filter(\.isLetter).count >= 4 || (words.count > 1 && text.contains(where: \.isLetter))
                else { continue }
                if best == nil || height > best!.height * 1.1 { best = (Title(line: i, run: named), height) }
            }
        }
        return best?.title
    }

    /// `words` without label words at their end, when what is left may be a name: not empty,
    /// not a label, not a labelled value. A document title after the name (`Amazon Web
    /// Services Invoice`) is not part of it; a segment that is little else (`TAX INVOICE`) is no
    /// name, nor is a labelled value (`Invoice INV/2023/03/0008`, `Balance Due: $127.50`).
    static func unlabelled(_ words: [TextSpan], labels: LabelMatcher) -> [TextSpan]? {
        var words = words
        while let last = words.last, labels.matchWhole(last.text)?.1 == 1 { words.removeLast() }
        guard !words.isEmpty, labels.matchWhole(words.map(\.text).joined(separator: " ")) == nil,
            !labels.matches(in: words, isStart: { $0 == 0 }).contains(where: { $0.start == 0 })
        else { return nil }
        return words
    }

    /// Lines a `below_title` value spans at most.
    static let belowTitleLines = 3

    /// Fills fields with `position: below_title` that no label filled: the lines right under
    /// the title (see `fillTitle`), each within a line's height of the one above, their
    /// segment that overlaps the title across, up to three, stopping at a line that holds a
    /// label or a date. A `text` field takes the first line; an `address` all of them. Confidence 0.5.
    func fillBelowTitle(_ document: Document, layout: TextLayout, state: inout FillState) {
        let wanted = spec.fields.filter { $0.position == .belowTitle && state.filled[$0.name] == nil }
        guard !wanted.isEmpty, let title = Self.title(document, layout: layout, labels: labels),
            let titleBox = title.run.box
        else { return }
        let t = title.line
        let dates = FieldValidator(field: FieldSpec(name: "date", type: .date), dateOrder: spec.dateOrder)
        var runs: [WordRun] = []
        var bottom = titleBox.y1
        var j = t + 1
        while j < layout.lines.count, runs.count < Self.belowTitleLines {
            let line = layout.lines[j]
            // The line's segment under the title (a letterhead beside the document's title).
            guard line.page == title.run.page, let box = line.box, box.y0 - bottom <= max(line.height, 1) * 1.2,
                let under = line.words.firstIndex(where: { w in
                    w.box.map { $0.x1 > titleBox.x0 && $0.x0 < titleBox.x1 } ?? false
                })
            else { break }
            let start = line.segmentStarts.last { $0 <= under } ?? 0
            let words = Array(line.words[start..<line.segmentEnd(containing: start)])
            let run = WordRun(words: words, page: line.page)
            guard labels.matches(in: line.words, isStart: line.isSegmentStart).isEmpty,
                !Self.holdsValue(words, validator: dates)
            else { break }
            runs.append(run)
            bottom = box.y1
            j += 1
        }
        guard !runs.isEmpty else { return }
        for field in wanted {
            state.tried[field.name, default: []].append(.direct)
            let taken = field.type == .address ? runs : [runs[0]]
            let text = taken.map(\.text).joined(separator: "\n")
            guard let validator = validators[field.name], case .success(let v) = validator.validate(text) else {
                continue
            }
            let all = WordRun(words: taken.flatMap(\.words), page: taken[0].page)
            state.filled[field.name] = Record.Field(
                value: v.value, raw: v.raw, confidence: 0.5 * all.confidence, strategy: .direct,
                page: all.page + 1, box: all.box, valid: true, tried: [])
            state.filled[field.name]?.found = "below_title"
            state.failures[field.name] = nil
        }
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

    /// Words a `position: first` field takes at most (`Wednesday, 2 July 2015`).
    static let firstValueWords = 5

    /// Fills fields with `position: first` that no label filled: on the first page, top to
    /// bottom, the first run of up to five words within a segment that validates and is not
    /// printed where another field's value is (the longest run at the earliest word). Found
    /// by type alone, so its confidence is modest (0.5).
    func fillFirst(layout: TextLayout, state: inout FillState) {
        let wanted = spec.fields.filter { $0.position == .first && state.filled[$0.name] == nil }
        guard !wanted.isEmpty, let page = layout.lines.first?.page else { return }
        let taken = state.valuePlaces
        for field in wanted {
            state.tried[field.name, default: []].append(.direct)
            guard let validator = validators[field.name] else { continue }
            search: for line in layout.lines where line.page == page {
                for start in line.words.indices {
                    let end = min(line.segmentEnd(containing: start), start + Self.firstValueWords)
                    for stop in stride(from: end, to: start, by: -1) {
                        let run = WordRun(words: Array(line.words[start..<stop]), page: page)
                        guard case .success(let v) = validator.validate(run.text) else { continue }
                        if let box = run.box, Self.isTaken(box, page: page + 1, in: taken) { continue }
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
