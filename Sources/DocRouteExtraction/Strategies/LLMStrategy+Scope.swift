import DocRouteModel

extension LLMStrategy {
    /// What one call shows the model: the spans that could hold the asked fields' values, and
    /// the fields left out because nothing printed could hold them (with the reason).
    struct Scope: Sendable {
        var spans: [Span]
        var asked: [FieldSpec]
        var skipped: [String: String]
    }

    /// Characters of document text per prompt token, as budgeted (no tokenizer at hand: short
    /// words, digits and punctuation make invoices denser than prose's four).
    static let charsPerToken = 3

    /// Spans shown at most around one label or heading: the ones right of it on its line and
    /// the ones under it.
    static let neighbours = 3

    /// The smallest text that can hold `fields`' values, within `tokens` prompt tokens of
    /// document text, shared between the fields. Per field, in this order:
    /// - the spans holding one of its labels or `after` headings, each with the spans right of
    ///   it on its line and under it (within two lines, overlapping it across);
    /// - for `position: title`/`below_title`/`first`, the spans in the top third of page 1 (the
    ///   letterhead, where an unlabelled issuer stands);
    /// - for a required field none of that found, a field with neither labels nor a position
    ///   (its description is all there is), or any field on a document whose wording is
    ///   unfamiliar (see `isFamiliar`), every span in reading order.
    /// On a familiar document, a field that is not required, has no position and none of whose
    /// labels is printed is not asked: the document most likely does not show it (an invoice
    /// without an IBAN), and the model would have only guesses to give. Spans keep their
    /// reading order.
    static func scope(
        _ fields: [FieldSpec], spans: [Span], context: ExtractionContext, tokens: Int
    ) -> Scope {
        var lists: [(FieldSpec, [Int])] = []
        var skipped: [String: String] = [:]
        let familiar = isFamiliar(context)
        for field in fields {
            var list: [Int] = []
            for label in labelled(field, spans: spans, context: context) {
                for i in [label] + around(label, spans: spans) where !list.contains(i) { list.append(i) }
            }
            if field.position != nil {
                for i in top(spans: spans, document: context.document) where !list.contains(i) { list.append(i) }
            }
            // Found by its description alone (no label, heading or place), or required: the
            // whole document, in reading order.
            let described = field.labels.isEmpty && field.after.isEmpty && field.position == nil
            if list.isEmpty && (field.required || described || !familiar) { list = Array(spans.indices) }
            if list.isEmpty {
                skipped[field.name] = "llm: not asked (none of its labels is printed)"
            } else {
                lists.append((field, list))
            }
        }
        guard !lists.isEmpty else { return Scope(spans: [], asked: [], skipped: skipped) }
        // Round robin over the fields, each taking its next span while the budget lasts (its
        // first one always), so that fields sharing spans leave room for the others.
        let budget = max(tokens, 1) * charsPerToken
        var chosen = Set<Int>(), used = 0
        var next = Array(repeating: 0, count: lists.count)
        var took = Array(repeating: false, count: lists.count)
        var moved = true
        while moved {
            moved = false
            for k in lists.indices {
                let list = lists[k].1
                while next[k] < list.count, chosen.contains(list[next[k]]) { next[k] += 1 }
                guard next[k] < list.count else { continue }
                let cost = spans[list[next[k]]].text.count + 6
                guard !took[k] || used + cost <= budget else {
                    next[k] = list.count
                    continue
                }
                chosen.insert(list[next[k]])
                used += cost
                took[k] = true
                next[k] += 1
                moved = true
            }
        }
        return Scope(spans: chosen.sorted().map { spans[$0] }, asked: lists.map(\.0), skipped: skipped)
    }

    /// Whether the document words its fields as the pipeline does: labels of at least half the
    /// pipeline's labelled fields are printed (those with a `position` left out when others
    /// remain: a receipt's shop is rarely labelled). On an unfamiliar one (a card layout
    /// labelled in other words) a field's label missing says nothing of its value.
    static func isFamiliar(_ context: ExtractionContext) -> Bool {
        let all = Set(context.labels.labels.map(\.field))
        let unplaced = all.subtracting(context.labels.placed)
        let labelled = unplaced.isEmpty ? all : unplaced
        guard !labelled.isEmpty else { return true }
        let printed = Set(context.matches.flatMap { $0.map(\.field) })
        return printed.intersection(labelled).count * 2 >= labelled.count
    }

    /// Spans holding a label of `field` (or one of its `after` headings), in reading order.
    static func labelled(_ field: FieldSpec, spans: [Span], context: ExtractionContext) -> [Int] {
        let own = LabelMatcher(fields: [FieldSpec(name: field.name, labels: field.labels + field.after)])
        var out: [Int] = []
        for (i, span) in spans.enumerated() {
            if let li = span.line {
                let line = context.layout.lines[li]
                let hit =
                    context.matches[li].contains { $0.field == field.name && span.contains($0.start) }
                    || (!field.after.isEmpty
                        && own.matches(in: line.words, isStart: line.isSegmentStart).contains {
                            $0.quality >= 0.9 && span.contains($0.start)
                        })
                if hit { out.append(i) }
            } else if own.matchWhole(span.text) != nil || context.labels.matchWhole(span.text)?.field == field.name {
                out.append(i)
            }
        }
        return out
    }

    /// Up to `neighbours` spans right of span `i` on its line, then up to `neighbours` under it:
    /// starting within two of its lines' height below it and overlapping it across. A table
    /// cell's neighbour is the next cell.
    static func around(_ i: Int, spans: [Span]) -> [Int] {
        let span = spans[i]
        guard let line = span.line, let box = span.box else {
            return i + 1 < spans.count && spans[i + 1].line == nil ? [i + 1] : []
        }
        var right: [Int] = [], below: [Int] = []
        let height = max(box.height, 1)
        for j in spans.indices where j != i && spans[j].page == span.page {
            guard let b = spans[j].box else { continue }
            if spans[j].line == line, b.x0 >= box.x0, right.count < neighbours {
                right.append(j)
            } else if b.y0 >= box.y1 - height * 0.3, b.y0 <= box.y1 + height * 2.5,
                min(b.x1, box.x1) - max(b.x0, box.x0) > 0, below.count < neighbours
            {
                below.append(j)
            }
        }
        return right + below
    }

    /// Spans on the first page whose top is in its top third (the first 15 spans where the
    /// document has no boxes).
    static func top(spans: [Span], document: Document) -> [Int] {
        guard let first = document.pages.first, first.height > 0 else { return Array(spans.indices.prefix(15)) }
        let boxed = spans.indices.filter { spans[$0].page == first.index && spans[$0].box != nil }
        guard !boxed.isEmpty else { return Array(spans.indices.prefix(15)) }
        return boxed.filter { spans[$0].box!.y0 < first.height / 3 }
    }
}

extension LLMStrategy.Span {
    /// Whether word `k` of its layout line is in this span.
    func contains(_ k: Int) -> Bool {
        k >= start && k < start + max(words.count, 1)
    }
}
