extension Router {
    /// Fills fields with `position: title` that no label filled: the first segment of the
    /// line printed largest in the top third of the first page (the topmost among equals),
    /// unless it is a label, a number or a date. A guess from layout alone, so its confidence
    /// is modest (0.6).
    func fillTitle(_ document: Document, layout: TextLayout, state: inout FillState) {
        let wanted = spec.fields.filter { $0.position == .title && state.filled[$0.name] == nil }
        guard !wanted.isEmpty, let index = Self.titleLine(document, layout: layout, labels: labels) else { return }
        let line = layout.lines[index]
        let run = WordRun(words: Array(line.words[..<line.segmentEnd(containing: 0)]), page: line.page)
        for field in wanted {
            state.tried[field.name, default: []].append(.direct)
            guard let validator = validators[field.name], case .success(let v) = validator.validate(run.text) else { continue }
            state.filled[field.name] = Record.Field(value: v.value, raw: v.raw, confidence: 0.6 * run.confidence, strategy: .direct,
                                                    page: line.page + 1, box: run.box, valid: true, tried: [])
            state.filled[field.name]?.found = "title"
            state.failures[field.name] = nil
        }
    }
}

extension Router {
    /// The index (into `layout.lines`) of the line printed largest in the top third of the
    /// first page (the topmost among equals) whose first segment holds letters and is no label.
    static func titleLine(_ document: Document, layout: TextLayout, labels: LabelMatcher) -> Int? {
        guard let first = document.pages.first, first.height > 0 else { return nil }
        var best: (index: Int, height: Double)? = nil
        for (i, line) in layout.lines.enumerated() where line.page == first.index {
            guard let box = line.box, box.y0 < first.height / 3, line.height > 0 else { continue }
            let text = line.words[..<line.segmentEnd(containing: 0)].map(\.text).joined(separator: " ")
            guard text.contains(where: \.isLetter), labels.matchWhole(text) == nil, text.count >= 2 else { continue }
            if best == nil || line.height > best!.height * 1.1 { best = (i, line.height) }
        }
        return best?.index
    }

    /// Lines a `below_title` value spans at most.
    static let belowTitleLines = 3

    /// Fills fields with `position: below_title` that no label filled: the lines right under
    /// the title (see `fillTitle`), each within a line's height of the one above and
    /// overlapping the title across, up to three, stopping at a line that holds a label or a
    /// date. A `text` field takes the first line; an `address` all of them. Confidence 0.5.
    func fillBelowTitle(_ document: Document, layout: TextLayout, state: inout FillState) {
        let wanted = spec.fields.filter { $0.position == .belowTitle && state.filled[$0.name] == nil }
        guard !wanted.isEmpty, let t = Self.titleLine(document, layout: layout, labels: labels),
              let titleBox = layout.lines[t].box else { return }
        let dates = FieldValidator(field: FieldSpec(name: "date", type: .date), dateOrder: spec.dateOrder)
        var runs: [WordRun] = []
        var bottom = titleBox.y1
        var j = t + 1
        while j < layout.lines.count, runs.count < Self.belowTitleLines {
            let line = layout.lines[j]
            guard line.page == layout.lines[t].page, let box = line.box, box.y0 - bottom <= max(line.height, 1) * 1.2,
                  box.x0 < titleBox.x1, box.x1 > titleBox.x0 else { break }
            let words = Array(line.words[..<line.segmentEnd(containing: 0)])
            let run = WordRun(words: words, page: line.page)
            guard labels.matches(in: line.words, isStart: line.isSegmentStart).isEmpty,
                  !(0..<words.count).contains(where: { i in (i + 1...min(words.count, i + 4)).contains { k in
                      if case .success = dates.validate(words[i..<k].map(\.text).joined(separator: " ")) { return true }
                      return false } }) else { break }
            runs.append(run)
            bottom = box.y1
            j += 1
        }
        guard !runs.isEmpty else { return }
        for field in wanted {
            state.tried[field.name, default: []].append(.direct)
            let taken = field.type == .address ? runs : [runs[0]]
            let text = taken.map(\.text).joined(separator: "\n")
            guard let validator = validators[field.name], case .success(let v) = validator.validate(text) else { continue }
            let all = WordRun(words: taken.flatMap(\.words), page: taken[0].page)
            state.filled[field.name] = Record.Field(value: v.value, raw: v.raw, confidence: 0.5 * all.confidence, strategy: .direct,
                                                    page: all.page + 1, box: all.box, valid: true, tried: [])
            state.filled[field.name]?.found = "below_title"
            state.failures[field.name] = nil
        }
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
        let taken = state.filled.values.compactMap { f in f.page == page + 1 ? f.box : nil }
        for field in wanted {
            state.tried[field.name, default: []].append(.direct)
            guard let validator = validators[field.name] else { continue }
            search: for line in layout.lines where line.page == page {
                for start in line.words.indices {
                    let end = min(line.segmentEnd(containing: start), start + Self.firstValueWords)
                    for stop in stride(from: end, to: start, by: -1) {
                        let run = WordRun(words: Array(line.words[start..<stop]), page: page)
                        guard case .success(let v) = validator.validate(run.text) else { continue }
                        if let box = run.box, taken.contains(where: { Self.same(box, $0) }) { continue }
                        state.filled[field.name] = Record.Field(value: v.value, raw: v.raw, currency: v.currency,
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
