import DocRouteExtraction
import DocRouteModel

extension FormReader {
    /// Each field's region read from a text layer: the words whose centres stand in it once
    /// the document is mapped onto the template (`alignment`, from their fingerprints), in
    /// reading order, copied as printed.
    package static func candidates(
        _ document: Document, template: LearnedForm, alignment: LayoutFingerprint.Alignment
    ) -> CandidateSet {
        let toDocument = (x: alignment.x.inverse, y: alignment.y.inverse)
        var out: CandidateSet = [:]
        for (name, region) in template.regions where region.page < document.pages.count {
            let page = document.pages[region.page]
            let area = Box(
                x0: toDocument.x(region.area.x0) * page.width, y0: toDocument.y(region.area.y0) * page.height,
                x1: toDocument.x(region.area.x1) * page.width, y1: toDocument.y(region.area.y1) * page.height)
            let words = page.words.filter { w in w.box.map { area.holdsCentre(of: $0) } ?? false }
            guard let first = words.first?.box else { continue }
            var text = ""
            for (i, w) in words.enumerated() {
                if i > 0 { text += w.line == words[i - 1].line ? " " : "\n" }
                text += w.text
            }
            let box = words.compactMap(\.box).reduce(first) { $0.union($1) }
            out[name] = [
                Candidate(
                    text: text, page: region.page, box: box, confidence: 1, ocr: false, quality: 1,
                    lines: Set(words.map(\.line)).count)
            ]
        }
        return out
    }
}
