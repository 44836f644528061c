import DocRouteModel

extension LabelMatcher {
    /// A label printed on a page: its field, 0-based page, its words' box (page units), and
    /// how well it matched (1: exactly).
    package struct Printed: Sendable, Hashable {
        package var field: String
        package var page: Int
        package var box: Box
        package var quality: Double
    }

    /// Every label of the pipeline printed in `document` with word boxes, in reading order
    /// (found as the strategies find them, line by line).
    package func printed(in document: Document) -> [Printed] {
        TextLayout(document).lines.flatMap { line in
            matches(in: line.words, isStart: line.isSegmentStart).compactMap { m -> Printed? in
                let boxes = line.words[m.start..<m.end].compactMap(\.box)
                guard boxes.count == m.end - m.start, let first = boxes.first else { return nil }
                return Printed(
                    field: m.field, page: line.page, box: boxes.dropFirst().reduce(first) { $0.union($1) },
                    quality: m.quality)
            }
        }
    }
}
