import DocRouteExtraction
import DocRouteModel

extension FormLearner {
    /// How a form places its values about their labels, learned from the values it was given:
    /// under the label or beside it, at what offset (page units), one line of how tall a print.
    struct Placement: Equatable {
        enum Side { case below, right }
        var side: Side
        /// Below: the value's start less the label's start. Right: the value's start less the
        /// label's end.
        var dx: Double
        /// Below: the value's top less the label's bottom. Right: the value's middle less the
        /// label's.
        var dy: Double
        /// One line of the values' print.
        var height: Double
        /// Where the values placed so start (page units), by their labels: a value under a
        /// label starts where the values of its column do (labels start where their numbers
        /// and asterisks end; values do not).
        var starts: [Start] = []

        struct Start: Equatable {
            var page: Int
            var label: Box
            var x: Double
        }
    }

    /// A value the learner placed: its page, print box (page units) and lines.
    struct Placed {
        var name: String
        var page: Int
        var box: Box
        var lines: Int
    }

    /// Where `value` stands about the nearest of its field's labels on its page: under it
    /// (starting within the label's width, at most two and a half label heights down) or
    /// beside it (on its line, to its right); nil when no label of the field is there.
    static func placement(of value: Placed, labels: [LabelMatcher.Printed]) -> Placement? {
        let v = value.box, line = v.height / Double(max(1, value.lines))
        var best: (Placement, Double)? = nil
        for l in labels where l.field == value.name && l.page == value.page {
            let b = l.box, h = b.height
            let middle = (v.y0 + v.y1) / 2 - (b.y0 + b.y1) / 2
            if value.lines == 1, abs(middle) <= 0.5 * h, v.x0 >= b.x1 - 0.3 * h, v.x0 - b.x1 <= 15 * h {
                let d = v.x0 - b.x1
                if best == nil || d < best!.1 {
                    best = (Placement(side: .right, dx: d, dy: middle, height: line), d)
                }
            } else if v.y0 >= b.y1 - 0.3 * h, v.y0 - b.y1 <= 2.5 * h, v.x0 >= b.x0 - 2 * h, v.x0 <= b.x1 {
                let d = v.y0 - b.y1
                if best == nil || d < best!.1 {
                    best = (
                        Placement(
                            side: .below, dx: v.x0 - b.x0, dy: d, height: line,
                            starts: [Placement.Start(page: value.page, label: b, x: v.x0)]), d
                    )
                }
            }
        }
        return best?.0
    }

    /// The placement most of `values` follow: the side of two of them at least and of two
    /// thirds of those placed, with the median offsets and height of that side's values.
    static func placement(of values: [Placed], labels: [LabelMatcher.Printed]) -> Placement? {
        let seen = values.compactMap { placement(of: $0, labels: labels) }
        for side in [Placement.Side.below, .right] {
            let alike = seen.filter { $0.side == side }
            guard alike.count >= 2, 3 * alike.count >= 2 * seen.count else { continue }
            func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
            return Placement(
                side: side, dx: median(alike.map(\.dx)), dy: median(alike.map(\.dy)),
                height: median(alike.map(\.height)), starts: alike.flatMap(\.starts))
        }
        return nil
    }

    /// Where `field`'s value would stand, placed by `placement` about its label, when the
    /// document shows none of it (left empty, or printed but not read as it): one line from
    /// there to the first print after a gap wider than a value's word gap (what is closer is
    /// the unread value itself), or past the frame's edge. Nil unless one printing of the label
    /// matches best among those where the value's start is free of other values and labels.
    static func placed(
        _ field: String, by placement: Placement, labels: [LabelMatcher.Printed], pages: [Page], frames: [Box],
        taken: [(page: Int, box: Box)]
    ) -> (page: Int, room: Box)? {
        let h = placement.height
        let found = labels.filter { $0.field == field }.compactMap { l -> (page: Int, start: Box, quality: Double)? in
            let b = l.box
            let x0: Double, y0: Double
            switch placement.side {
            case .below:
                // The start of the nearest value placed under a label of the same column.
                let column = placement.starts.filter {
                    $0.page == l.page && min($0.label.x1, b.x1) > max($0.label.x0, b.x0)
                }
                let nearest = column.min { abs($0.label.y0 - b.y0) < abs($1.label.y0 - b.y0) }
                (x0, y0) = (nearest?.x ?? b.x0 + placement.dx, b.y1 + placement.dy)
            case .right: (x0, y0) = (b.x1 + placement.dx, (b.y0 + b.y1) / 2 + placement.dy - h / 2)
            }
            let start = Box(x0: x0, y0: y0, x1: x0 + 2 * h, y1: y0 + h)
            let other =
                taken.contains { $0.page == l.page && Self.overlaps($0.box, start) }
                || labels.contains { $0.page == l.page && $0 != l && Self.overlaps($0.box, start) }
            return other ? nil : (l.page, start, l.quality)
        }
        // The label printed best, when one is (`Type of Applicant 2:` over the `… 3:` that
        // also matches it, one edit off).
        let best = found.filter { $0.quality == found.map(\.quality).max() }
        guard best.count == 1, let (page, start, _) = best.first, page < pages.count else { return nil }
        let band = pages[page].words.compactMap(\.box).filter { b in
            b.x1 > start.x0 && min(b.y1, start.y1) - max(b.y0, start.y0) > 0.3 * min(b.height, h)
        }.sorted { $0.x0 < $1.x0 }
        var end = start.x0, stop: Double? = nil
        for b in band {
            if b.x0 - end > FormReader.wordGap * h {
                stop = b.x0 - 0.4 * h
                break
            }
            end = max(end, b.x1)
        }
        let frame = frames[page]
        return (
            page,
            Box(
                x0: start.x0 - 0.5 * h, y0: start.y0 - 0.2 * h, x1: stop ?? max(end, frame.x1) + 0.2 * frame.width,
                y1: start.y1 + 0.15 * h)
        )
    }

    /// Whether two boxes share some area.
    static func overlaps(_ a: Box, _ b: Box) -> Bool {
        min(a.x1, b.x1) > max(a.x0, b.x0) && min(a.y1, b.y1) > max(a.y0, b.y0)
    }
}
