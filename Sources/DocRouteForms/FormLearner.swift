import DocRouteExtraction
import DocRouteModel
import DocRouteReaders
import Foundation

/// Makes a `LearnedForm` from a document and the fields extracted from it (or its truth):
/// each field's value gives a region (from where the value starts to the next printed thing
/// on its line), the other words give the fingerprint, and for OCR'd pages a few fixed words
/// spread over the page become the anchors that locate later copies.
package struct FormLearner: Sendable {
    let spec: PipelineSpec

    package init(spec: PipelineSpec) {
        self.spec = spec
    }

    /// Why a document cannot make a template.
    package enum Refusal: Error, CustomStringConvertible {
        case noGeometry
        case mixedPages
        case noFrame(page: Int)
        case missing([String])
        case tooFewAnchors

        package var description: String {
            switch self {
            case .noGeometry: "its pages have no geometry (DOCX, XLSX)"
            case .mixedPages: "some pages have a text layer and others were OCR'd"
            case .noFrame(let page): "page \(page + 1): nothing printed was found on its image"
            case .missing(let fields):
                "required fields without a value where it is printed: \(fields.joined(separator: ", "))"
            case .tooFewAnchors: "too few fixed words to locate a copy by"
            }
        }
    }

    /// At most this many lines of anchors are read to locate a copy.
    static let anchorLines = 4

    /// The template of `document`, whose fields `fields` are (valid ones with a page and box
    /// give regions); `rasters` holds the images of its OCR'd pages (their frames).
    package func template(from document: Document, fields: [String: Record.Field], rasters: PageRasters?) -> Result<
        LearnedForm, Refusal
    > {
        let (document, fields, rasters) = Self.upright(document, fields: fields, rasters: rasters)
        let pages = document.pages
        guard !pages.isEmpty, pages.allSatisfy({ $0.unit != .none && $0.width > 0 && $0.height > 0 }) else {
            return .failure(.noGeometry)
        }
        let origin = pages[0].origin
        guard origin == .ocr || origin == .textLayer, pages.allSatisfy({ $0.origin == origin }) else {
            return .failure(.mixedPages)
        }
        // Each page's frame, in page units.
        var frames: [Box] = []
        for page in pages {
            if origin == .textLayer {
                frames.append(Box(x0: 0, y0: 0, x1: page.width, y1: page.height))
            } else {
                guard let raster = rasters?.page(page.index), let f = ImageProperties.frame(of: raster.pix) else {
                    return .failure(.noFrame(page: page.index))
                }
                frames.append(raster.units(f))
            }
        }
        func area(_ box: Box, page: Int) -> LearnedForm.Area {
            let f = frames[page]
            return LearnedForm.Area(
                x0: (box.x0 - f.x0) / f.width, y0: (box.y0 - f.y0) / f.height,
                x1: (box.x1 - f.x0) / f.width, y1: (box.y1 - f.y0) / f.height)
        }
        let values: [(name: String, page: Int, box: Box)] = fields.compactMap { name, f in
            guard f.valid, let p = f.page, let b = f.box, p >= 1, p <= pages.count else { return nil }
            return (name, p - 1, b)
        }
        let missing = spec.fields.filter { f in f.required && !values.contains { $0.name == f.name } }.map(\.name)
        guard missing.isEmpty else { return .failure(.missing(missing)) }
        var regions: [String: LearnedForm.Region] = [:]
        var prints: [Placed] = []
        for v in values {
            let page = pages[v.page]
            let lines = max(
                1, Set(page.words.filter { w in w.box.map { v.box.holdsCentre(of: $0) } ?? false }.map(\.line)).count)
            var box = v.box, height = 0.0, lineHeight = box.height / Double(lines)
            if origin == .ocr, let raster = rasters?.page(v.page) {
                // The print itself, as a copy's will be found: a word's box from a line read can
                // stretch over what stood beside it.
                let around = raster.pixels(
                    Box(x0: box.x0, y0: box.y0 - 0.2 * box.height, x1: box.x1, y1: box.y1 + 0.2 * box.height))
                if let ink = FormReader.ink(
                    in: around, of: raster.pix, valueHeight: raster.pixels(box).height / Double(lines) / 1.4)
                {
                    // The ink's run is the value's first line (see `FormReader.ink`).
                    box = raster.units(ink)
                    lineHeight = box.height
                }
                height = lineHeight / frames[v.page].height
            }
            let room = Self.room(of: box, on: page, frame: frames[v.page])
            regions[v.name] = LearnedForm.Region(
                page: v.page, area: area(room, page: v.page), lines: lines, height: height)
            regions[v.name]?.furniture = Self.furniture(
                in: room, page: v.page, height: lineHeight, rasters)
            prints.append(Placed(name: v.name, page: v.page, box: box, lines: lines))
        }
        // The fields the document shows no value of: where the form puts them, by their labels.
        let unfilled = spec.fields.filter { regions[$0.name] == nil && !$0.labels.isEmpty && $0.position == nil }
        let labels = unfilled.isEmpty ? [] : LabelMatcher(fields: spec.fields).printed(in: document)
        if !unfilled.isEmpty, let placement = Self.placement(of: prints, labels: labels) {
            for f in unfilled {
                guard
                    let (page, room) = Self.placed(
                        f.name, by: placement, labels: labels, pages: pages, frames: frames,
                        taken: prints.map { ($0.page, $0.box) })
                else { continue }
                var region = LearnedForm.Region(
                    page: page, area: area(room, page: page), lines: 1,
                    height: origin == .ocr ? placement.height / frames[page].height : 0)
                region.byLabel = true
                region.furniture = Self.furniture(in: room, page: page, height: placement.height, rasters)
                regions[f.name] = region
            }
        }
        var anchors: [LearnedForm.Anchor] = []
        var anchorInk: [LearnedForm.InkLine] = []
        let zone = MRZZone.locate(in: document)
        if origin == .ocr {
            // A zone's words change from copy to copy like values.
            let changing = values.map { ($0.page, $0.box) } + (zone.flatMap { z in z.box.map { [(z.page, $0)] } } ?? [])
            let picked = Self.anchors(pages: pages, values: changing)
            anchors = picked.map { page, w in
                LearnedForm.Anchor(
                    key: TextNormalizer.matchKey(w.text), text: w.text, page: page, line: w.line,
                    area: area(w.box!, page: page))
            }
            guard Set(anchors.map(\.line)).count >= 2 || anchors.count >= 3 else { return .failure(.tooFewAnchors) }
            // Each anchor line's printed run on the first page, as a copy's is found (copies
            // read by template are one-page images).
            if let raster = rasters?.page(0) {
                for (line, words) in Dictionary(grouping: picked.filter { $0.0 == 0 }, by: { $0.1.line }).sorted(by: {
                    $0.key < $1.key
                }) {
                    let boxes = words.map { raster.pixels($0.1.box!) }
                    let union = boxes.dropFirst().reduce(boxes[0]) { $0.union($1) }
                    let h = boxes.map(\.height).max() ?? union.height
                    // The slack a copy's search has: a run is measured alike on both.
                    let slackX = 0.03 * raster.pixels(frames[0]).width + h
                    guard
                        let run = FormReader.inkRun(
                            in: raster.pix, expected: union, slackX: slackX, slackY: 0.8 * h)
                    else { continue }
                    anchorInk.append(LearnedForm.InkLine(line: line, area: area(raster.units(run), page: 0)))
                }
            }
        }
        let fingerprint = LayoutFingerprint(document, excluding: values.map { ($0.page, $0.box) })
        var template = LearnedForm(
            id: "", pipeline: spec.name, origin: origin, fingerprint: fingerprint,
            frameAspects: frames.map { $0.width / max($0.height, 1e-9) },
            anchors: anchors, regions: regions)
        if !anchorInk.isEmpty { template.anchorInk = anchorInk }
        if origin == .ocr, let zone, let box = zone.box {
            let line = box.height / Double(zone.lines)
            template.zone = LearnedForm.Region(
                page: zone.page,
                area: area(
                    Box(
                        x0: box.x0 - line, y0: box.y0 - 0.3 * line,
                        x1: box.x1 + line, y1: box.y1 + 0.3 * line), page: zone.page),
                lines: zone.lines, height: line / frames[zone.page].height)
        }
        return .success(template)
    }

    /// True when the learning copy's image shows furniture lighter than the value in `room`
    /// (page units; one line of the value `height` tall); nil otherwise.
    static func furniture(in room: Box, page: Int, height: Double, _ rasters: PageRasters?) -> Bool? {
        guard let raster = rasters?.page(page),
            FormReader.furniture(
                in: raster.pixels(room), of: raster.pix, valueHeight: height * raster.pixelsPerUnit) != nil
        else { return nil }
        return true
    }

    /// The room a value may take on later copies: from just after the printed thing before it
    /// on its line (or a little before its start, when nothing is) to just before the next
    /// one (or a fifth of the frame past its edge: the value may be what made the edge); its own
    /// lines' height, a little more.
    static func room(of box: Box, on page: Page, frame: Box) -> Box {
        let band = page.words.compactMap(\.box).filter { b in
            !box.holdsCentre(of: b) && min(b.y1, box.y1) - max(b.y0, box.y0) > 0.3 * min(b.height, box.height)
        }
        let lines = max(1, Set(page.words.filter { $0.box.map { box.holdsCentre(of: $0) } ?? false }.map(\.line)).count)
        let line = box.height / Double(lines)
        let gap = 0.4 * line
        let before = band.filter { $0.x1 <= box.x0 + gap }.map(\.x1).max()
        let after = band.filter { $0.x0 >= box.x1 - gap }.map(\.x0).min()
        // Above the capitals, room for accents (a name without them was learned, one with
        // them comes); below, for descenders.
        return Box(
            x0: before.map { max($0 + gap, box.x0 - 4 * line) } ?? box.x0 - 0.5 * line,
            y0: box.y0 - 0.2 * Double(lines) * line,
            x1: after.map { $0 - gap } ?? max(box.x1, frame.x1) + 0.2 * frame.width,
            y1: box.y1 + 0.15 * Double(lines) * line)
    }

    /// Fixed words fit to locate a copy: read surely, three letters or more and letters only
    /// (numbers, dates and machine-readable zones change from copy to copy), outside every
    /// value; a line's words far apart are split into one line per column. Those of up to
    /// `anchorLines` lines spread down and across the page: the fullest line of the top third,
    /// the lowest, the one standing furthest right, and the fullest of the middle third.
    static func anchors(pages: [Page], values: [(page: Int, box: Box)]) -> [(Int, TextSpan)] {
        var out: [(Int, TextSpan)] = []
        for page in pages {
            let fit = page.words.filter { w in
                guard let b = w.box, (w.confidence ?? 1) >= 0.8 else { return false }
                let letters = w.text.filter(\.isLetter)
                return letters.count >= 3 && w.text.allSatisfy { $0.isLetter || ":.,'’-".contains($0) }
                    && !values.contains {
                        $0.page == page.index && ($0.box.holdsCentre(of: b) || b.holdsCentre(of: $0.box))
                    }
            }
            // A line's words far apart (two columns' labels) are read apart: a short crop each.
            var split: [TextSpan] = []
            for (_, words) in Dictionary(grouping: fit, by: \.line) {
                let sorted = words.sorted { $0.box!.x0 < $1.box!.x0 }
                var part = 0
                for (i, w) in sorted.enumerated() {
                    if i > 0, w.box!.x0 - sorted[i - 1].box!.x1 > 3 * w.box!.height { part += 1 }
                    var c = w
                    c.line = w.line * 100 + part
                    split.append(c)
                }
            }
            let lines = Dictionary(grouping: split, by: \.line).values
                .map { words in
                    (words: words, y: words.map { ($0.box!.y0 + $0.box!.y1) / 2 }.reduce(0, +) / Double(words.count))
                }
                .sorted { $0.y < $1.y }
            guard !lines.isEmpty else { continue }
            // The fullest line of the top third, the lowest line, and the fullest of the middle
            // third: spread down the page, so that the map fitted to them holds all over it.
            var chosen: [[TextSpan]] = []
            let third = max(1, lines.count / 3)
            // And the line standing furthest right: a map fitted to one half of the page is
            // extrapolated badly to the other.
            let right = lines.max { a, b in
                a.words.map { $0.box!.x0 + $0.box!.x1 }.reduce(0, +) / Double(a.words.count)
                    < b.words.map { $0.box!.x0 + $0.box!.x1 }.reduce(0, +) / Double(b.words.count)
            }
            for pick in [
                lines.prefix(third).max { $0.words.count < $1.words.count }, lines.last, right,
                lines.dropFirst(third).dropLast(third).max { $0.words.count < $1.words.count },
            ] {
                guard let pick, !chosen.contains(where: { $0.first?.line == pick.words.first?.line }) else { continue }
                chosen.append(pick.words)
            }
            for words in chosen.prefix(anchorLines) { out += words.map { (page.index, $0) } }
        }
        return out
    }
}
