import DocRouteExtraction
import DocRouteModel
import DocRouteReaders

extension FormReader {
    /// The document of what the form path read on a located image: one page (in the image's
    /// pixels before enlargement) holding the form's fixed text where it was found and each
    /// field's first reading, one line each (the zone's lines, when it is read, follow them).
    /// The router's cross-checks look at it; nothing else on the page was read.
    package static func document(_ located: Located, image: Image, decoded: DecodedImage, readings: Readings)
        -> Document
    {
        var words = located.anchors.map { a in
            var w = a
            w.box = a.box?.scaled(by: 1 / image.scale)
            return w
        }
        for (_, list) in readings.candidates.sorted(by: { $0.key < $1.key }) {
            guard let c = list.first else { continue }
            words.append(
                TextSpan(text: c.text, box: c.box, confidence: c.confidence, line: words.count, block: 0, order: 0))
        }
        for i in words.indices { words[i].order = i }
        var page = Page(
            index: 0, width: image.width / image.scale, height: image.height / image.scale, unit: .px, origin: .ocr,
            dpi: Double(image.dpi), words: words)
        page.preprocessing = image.steps
        return Document(source: decoded.source, pages: [page], tables: [], warnings: decoded.warning.map { [$0] } ?? [])
    }
}
