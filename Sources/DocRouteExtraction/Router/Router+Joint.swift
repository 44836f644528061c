import DocRouteModel
import Foundation

extension Router {
    /// The fields of a page are chosen together, not one by one: after the strategies filled
    /// them field by field, one printed value serves one field, and totals that must add up
    /// (`sum: {plus: [...]}`) take the readings that do.
    func assignJointly(layout: TextLayout, state: inout FillState) {
        keepValuesDistinct(state: &state)
        chooseSums(layout: layout, state: &state)
    }

    /// Two fields filled from the same printed words: the surer keeps them (the first in the
    /// pipeline among equals), the other takes its next reading printed elsewhere, or none.
    func keepValuesDistinct(state: inout FillState) {
        let order = spec.fields.enumerated().compactMap { i, f -> (Int, String, Double)? in
            guard let v = state.filled[f.name], v.box != nil, v.page != nil else { return nil }
            return (i, f.name, v.confidence)
        }.sorted { $0.2 != $1.2 ? $0.2 > $1.2 : $0.0 < $1.0 }
        var taken: [(name: String, page: Int, box: Box)] = []
        func owner(_ f: Record.Field) -> String? {
            guard let page = f.page, let box = f.box else { return nil }
            return taken.first { $0.page == page && Self.same(box, $0.box) }?.name
        }
        for (_, name, _) in order {
            guard let field = state.filled[name] else { continue }
            if let other = owner(field) {
                if let next = state.others[name, default: []].first(where: { owner($0) == nil }) {
                    state.filled[name] = next
                } else {
                    state.forgetValue(name, reason: "its only reading is \(other)'s value")
                    continue
                }
            }
            if let f = state.filled[name], let page = f.page, let box = f.box { taken.append((name, page, box)) }
        }
    }

    /// Boxes of the same printed words: most of the smaller one lies in the other.
    static func same(_ a: Box, _ b: Box) -> Bool {
        a.sharedShare(with: b) >= 0.5
    }

    /// Whether `box` on 1-based `page` is where one of `places` (see `FillState.valuePlaces`) is
    /// printed.
    static func isTaken(_ box: Box, page: Int, in places: [(page: Int, box: Box)]) -> Bool {
        places.contains { $0.page == page && same(box, $0.box) }
    }

    /// Readings of a field the sum check may take: the chosen one first.
    static let sumOptions = 4

    /// For each field with `sum: {plus: [...]}` and no line-item column: the readings of the
    /// total and its parts that add up, the earliest-ranked such set, replace the ones chosen
    /// one by one (`checks.sum = agrees`). When one part is missing and the others are read,
    /// the missing one is the difference, taken only where it is printed on the page (copied,
    /// never made up; `found = by_sum`). When all are read and no readings add up, the total
    /// is kept, marked `disagrees` and half as sure.
    func chooseSums(layout: TextLayout, state: inout FillState) {
        for field in spec.fields {
            guard let sum = field.sum, sum.column.isEmpty, !sum.plus.isEmpty else { continue }
            let names = [field.name] + sum.plus
            let options: [[Record.Field]] = names.map { name in
                guard let chosen = state.filled[name] else { return [] }
                var list = [chosen]
                for o in state.others[name] ?? []
                where list.count < Self.sumOptions && !list.contains(where: { $0.value == o.value }) {
                    list.append(o)
                }
                return list
            }
            if options.allSatisfy({ !$0.isEmpty }) {
                if let pick = Self.addingUp(options, rounding: Self.roundings(layout)) {
                    for (k, name) in names.enumerated() {
                        var f = options[k][pick[k]]
                        f.checks["sum"] = .agrees
                        f.confidence = max(f.confidence, Self.zoneConfidence)
                        f.tried = state.filled[name]?.tried ?? []
                        state.filled[name] = f
                    }
                } else if var total = state.filled[field.name] {
                    total.checks["sum"] = .disagrees
                    total.confidence *= Self.disagreementFactor
                    state.filled[field.name] = total
                    state.warnings.append(
                        "\(field.name): printed \(Self.number(total) ?? 0) is not \(sum.plus.joined(separator: " + "))")
                }
                continue
            }
            // One part missing: the difference, where it is printed.
            let missing = names.indices.filter { options[$0].isEmpty }
            guard missing.count == 1, let m = missing.first, let validator = validators[names[m]] else { continue }
            let known = names.indices.filter { $0 != m }.compactMap { Self.number(options[$0][0]) }
            guard known.count == names.count - 1 else { continue }
            let value: Decimal = m == 0 ? known.reduce(0, +) : known[0] - known.dropFirst().reduce(0, +)
            guard value >= 0, let near = options[0].first ?? options[1].first,
                var printed = Self.printed(
                    value, in: layout, validator: validator, near: near, taken: state.valuePlaces)
            else { continue }
            printed.checks["sum"] = .filled
            printed.tried = state.tried[names[m]] ?? []
            state.filled[names[m]] = printed
            state.failures[names[m]] = nil
        }
    }

    /// The small amounts (non-zero, at most `TableStrategy.maxRounding`, sign dropped) printed in `layout`:
    /// the cash roundings a receipt may print between its parts and its total.
    static func roundings(_ layout: TextLayout) -> Set<Decimal> {
        let numbers = NumberNormalizer()
        var out: Set<Decimal> = []
        for line in layout.lines {
            for w in line.words where w.text.contains(".") || w.text.contains(",") {
                guard case .success(let (n, _)) = numbers.normalize(w.text, allowCurrency: true) else { continue }
                let a = n < 0 ? -n : n
                if a > 0 && a <= TableStrategy.maxRounding { out.insert(a) }
            }
        }
        return out
    }

    /// Indices into `options` (total first, then its parts) of readings where the total is the
    /// sum of the parts (or differs from it by one of `rounding`, a cash rounding printed on
    /// the page), the set whose indices add to the least (an exact sum first among equals);
    /// nil when none adds up.
    static func addingUp(_ options: [[Record.Field]], rounding: Set<Decimal> = []) -> [Int]? {
        var best: (pick: [Int], rank: Int)? = nil
        var pick = [Int](repeating: 0, count: options.count)
        func walk(_ k: Int) {
            if k == options.count {
                let values = zip(options, pick).compactMap { number($0[$1]) }
                guard values.count == options.count else { return }
                let d = values[0] - values.dropFirst().reduce(0, +)
                guard d == 0 || rounding.contains(d < 0 ? -d : d) else { return }
                // Exact sums before rounded ones among equals.
                let rank = pick.reduce(0, +) * 2 + (d == 0 ? 0 : 1)
                if best == nil || rank < best!.rank { best = (pick, rank) }
                return
            }
            for i in options[k].indices { pick[k] = i; walk(k + 1) }
        }
        walk(0)
        return best?.pick
    }

    static func number(_ f: Record.Field) -> Decimal? {
        if case .number(let v)? = f.value { return v }
        return nil
    }

    /// Where `value` is printed as a valid reading of the field, not where a `taken` value is
    /// (page 1-based): a segment of a line, or its last one or two words (`Subtotal $ 4.11`),
    /// the one closest to `near` on its page first.
    static func printed(
        _ value: Decimal, in layout: TextLayout, validator: FieldValidator, near: Record.Field,
        taken: [(page: Int, box: Box)]
    ) -> Record.Field? {
        var best: (field: Record.Field, distance: Double)? = nil
        for line in layout.lines {
            for segment in line.segments {
                let words = Array(line.words[segment])
                for run in [words, Array(words.suffix(2)), Array(words.suffix(1))] where !run.isEmpty {
                    let r = WordRun(words: run, page: line.page)
                    guard case .success(let v) = validator.validate(r.text), case .number(let n) = v.value, n == value
                    else { continue }
                    // Another field's value is not this one's too.
                    if let b = r.box, isTaken(b, page: line.page + 1, in: taken) { break }
                    let distance: Double
                    if let b = r.box, let nb = near.box, near.page == line.page + 1 {
                        distance = hypot((b.x0 + b.x1 - nb.x0 - nb.x1) / 2, (b.y0 + b.y1 - nb.y0 - nb.y1) / 2)
                    } else {
                        distance = .infinity
                    }
                    if best == nil || distance < best!.distance {
                        var f = Record.Field(
                            value: v.value, raw: v.raw, currency: v.currency, confidence: computedTotal * r.confidence,
                            strategy: .sum, page: line.page + 1, box: r.box, valid: true, tried: [])
                        f.found = "by_sum"
                        best = (f, distance)
                    }
                    break
                }
            }
        }
        return best?.field
    }
}

extension FillState {
    /// Where the values filled so far are printed (1-based pages): places another field may
    /// not take its value from.
    var valuePlaces: [(page: Int, box: Box)] {
        filled.values.compactMap { f in f.box.flatMap { b in f.page.map { ($0, b) } } }
    }

    /// Drops field `name`'s value, keeping why.
    mutating func forgetValue(_ name: String, reason: String) {
        filled[name] = nil
        others[name] = nil
        notes[name] = reason
    }
}
