import CLeptonica
import DocRouteExtraction
import DocRouteModel
import DocRouteReaders
import Foundation
import Synchronization

import struct DocRouteModel.Box

/// Reads a copy of a learned layout from its image by looking only where the template says:
/// the image is deskewed and its frame found (no OCR), a few anchor lines are read where the
/// frame puts them, the words found there fix the copy's shift and scale, and then only the
/// fields' regions are read. A copy whose anchors are not where they should be is not read.
package struct FormReader: Sendable {
    /// The page model: anchors and values are read with it (the router re-reads text values
    /// with the values model, as on the full path).
    let pool: OCREnginePool
    let deadline: Deadline
    let clock: OCRClock

    package init(pool: OCREnginePool, deadline: Deadline, clock: OCRClock) {
        (self.pool, self.deadline, self.clock) = (pool, deadline, clock)
    }

    /// A template needs at least this share of the anchors it probes found in place.
    static let minScore = 0.6
    /// Anchors found needed to fit a rotation as well as a shift and scale.
    static let pointsForRotation = 5
    /// A skew found this surely is corrected: noisy cards measure 1.6–2.3 with the angle right
    /// to 0.05° (the first reading's bound, 3, leaves them skewed).
    static let skewConfidence: Float = 1.5
    /// Skews smaller than this (degrees) are not corrected before locating.
    static let minSkew = 0.3

    /// An image ready to be located: grey, deskewed, with its frame (pixels).
    package final class Image: @unchecked Sendable {
        package let pix: UnsafeMutablePointer<PIX>
        package let dpi: Int
        /// How much larger than the input it is (enlarged low-resolution images).
        package let scale: Double
        let frame: Box
        package let steps: [String]

        init(pix: UnsafeMutablePointer<PIX>, dpi: Int, scale: Double, frame: Box, steps: [String]) {
            self.pix = pix; self.dpi = dpi; self.scale = scale; self.frame = frame; self.steps = steps
        }

        deinit { Leptonica.destroy(pix) }

        package var width: Double { Double(pixGetWidth(pix)) }
        package var height: Double { Double(pixGetHeight(pix)) }
    }

    /// `pix` turned upright (a new image, the caller's to free) and the angle it was turned by
    /// (degrees), when it leans by `minSkew` or more, measured at `skewConfidence`; nil otherwise.
    /// Copies and the document a template is learned from are turned alike.
    static func upright(_ pix: UnsafeMutablePointer<PIX>) -> (UnsafeMutablePointer<PIX>, Double)? {
        guard let angle = ImagePreprocessor.skew(of: pix, minConfidence: skewConfidence), abs(angle) >= minSkew,
            let turned = pixRotate(
                pix, Float(angle * .pi / 180), Int32(L_ROTATE_AREA_MAP), Int32(L_BRING_IN_WHITE), 0, 0)
        else { return nil }
        return (turned, angle)
    }

    /// `input` prepared as the full path prepares a first reading (`ImagePreprocessor`, light:
    /// grey, enlarged when of low resolution, evened, despeckled, contrast stretched), then
    /// deskewed even slightly, with its frame; nil when nothing is printed on it.
    package static func image(_ input: UnsafeMutablePointer<PIX>, dpi: Int, preprocessor: ImagePreprocessor) -> Image? {
        guard let prepared = preprocessor.prepare(input, dpi: Double(dpi), level: .light),
            var pix = pixCopy(nil, prepared.pix)
        else { return nil }
        var steps = prepared.steps
        if preprocessor.allowed.contains(.deskew), let (straight, angle) = upright(pix) {
            Leptonica.destroy(pix)
            pix = straight
            steps.removeAll { $0.hasPrefix("deskew") }
            steps.append(String(format: "deskew %.1f°", angle))
        }
        guard let frame = ImageProperties.frame(of: pix) else {
            Leptonica.destroy(pix)
            return nil
        }
        return Image(pix: pix, dpi: Int(prepared.dpi.rounded()), scale: prepared.scale, frame: frame, steps: steps)
    }

    /// Where a template's frame stands on an image: frame fractions (u, v) to pixels (x, y)
    /// by x = a·u + b·v + c, y = d·u + e·v + f — a shift, a scale per axis, and the small
    /// rotation left between the copy and the document the template was learned from.
    struct Map: Sendable, Hashable {
        var a: Double, b: Double, c: Double
        var d: Double, e: Double, f: Double

        func callAsFunction(_ u: Double, _ v: Double) -> (x: Double, y: Double) {
            (a * u + b * v + c, d * u + e * v + f)
        }

        /// The box around the four corners of `area` once mapped.
        func pixels(_ area: LearnedForm.Area) -> Box {
            let corners = [
                self(area.x0, area.y0), self(area.x1, area.y0), self(area.x0, area.y1), self(area.x1, area.y1),
            ]
            return Box(
                x0: corners.map(\.x).min()!, y0: corners.map(\.y).min()!, x1: corners.map(\.x).max()!,
                y1: corners.map(\.y).max()!)
        }

        /// The map that puts the frame of the template on `frame`, with no rotation.
        static func frame(_ frame: Box) -> Map {
            Map(a: frame.width, b: 0, c: frame.x0, d: 0, e: frame.height, f: frame.y0)
        }

        /// Whether this fitted map can be the copy's, against the frame's `coarse` map: scales
        /// within 0.8–1.25 of the frame's, and a small rotation (else what was fitted to is not
        /// the template's print).
        func plausible(against coarse: Map) -> Bool {
            a >= 0.8 * coarse.a && a <= 1.25 * coarse.a && e >= 0.8 * coarse.e && e <= 1.25 * coarse.e
                && abs(b) <= 0.1 * coarse.e && abs(d) <= 0.1 * coarse.a
        }

        /// The least-squares map of the points (u, v) onto (x, y); nil when they stand on one line.
        static func fit(_ points: [(u: Double, v: Double, x: Double, y: Double)]) -> Map? {
            guard points.count >= 3 else { return nil }
            // Normal equations of [u v 1]·[a b c]ᵀ = x (and = y), solved by Cramer's rule.
            var m = [[Double]](repeating: [0, 0, 0], count: 3), rx = [0.0, 0, 0], ry = [0.0, 0, 0]
            for p in points {
                let row = [p.u, p.v, 1]
                for i in 0..<3 {
                    for j in 0..<3 { m[i][j] += row[i] * row[j] }
                    rx[i] += row[i] * p.x
                    ry[i] += row[i] * p.y
                }
            }
            func det(_ q: [[Double]]) -> Double {
                q[0][0] * (q[1][1] * q[2][2] - q[1][2] * q[2][1]) - q[0][1] * (q[1][0] * q[2][2] - q[1][2] * q[2][0])
                    + q[0][2] * (q[1][0] * q[2][1] - q[1][1] * q[2][0])
            }
            let d0 = det(m)
            guard abs(d0) > 1e-9 else { return nil }
            func solve(_ r: [Double]) -> [Double] {
                (0..<3).map { k in
                    det(m.enumerated().map { i, row in row.enumerated().map { j, v in j == k ? r[i] : v } }) / d0
                }
            }
            let x = solve(rx), y = solve(ry)
            return Map(a: x[0], b: x[1], c: x[2], d: y[0], e: y[1], f: y[2])
        }
    }

    /// A template located on an image.
    package struct Located: Sendable {
        package let template: LearnedForm
        /// The share of probed anchors found in place.
        package let score: Double
        let map: Map
        /// The anchor words found (pixels).
        package let anchors: [TextSpan]
    }

    /// Whether `template` can be tried on a one-page image whose frame is `frame`.
    static func applies(_ template: LearnedForm, frame: Box) -> Bool {
        guard template.origin == .ocr, template.frameAspects.count == 1, !template.anchors.isEmpty,
            frame.width > 0, frame.height > 0
        else { return false }
        let aspect = frame.width / frame.height, learned = template.frameAspects[0]
        return abs(aspect - learned) <= 0.15 * learned
    }

    /// The first of `templates` whose anchors stand in `image` where its frame puts them, and
    /// each template's score on the way.
    package func locate(_ image: Image, among templates: [LearnedForm]) throws(DocRouteError) -> (
        Located?, scores: [String: Double]
    ) {
        var scores: [String: Double] = [:]
        for t in templates where Self.applies(t, frame: image.frame) {
            let byInk = try locateByInk(image, t)
            let located: Located
            if let byInk { located = byInk } else { located = try locate(image, t) }
            scores[t.id] = located.score
            if located.score >= Self.minScore { return (located, scores) }
        }
        return (nil, scores)
    }

    /// Reads `template`'s anchor lines (top and bottom first, each where those before put it)
    /// and fits the copy's map to the words found.
    func locate(_ image: Image, _ template: LearnedForm) throws(DocRouteError) -> Located {
        let coarse = Map.frame(image.frame)
        let lines = Dictionary(grouping: template.anchors, by: \.line).values
            .sorted { $0[0].area.centre.y < $1[0].area.centre.y }
        var order = lines
        if order.count > 2 { order = [lines[0], lines[lines.count - 1]] + lines[1..<(lines.count - 1)] }
        var pairs: [(anchor: LearnedForm.Anchor, seen: TextSpan)] = []
        var probed = 0
        var found: Located? = nil
        for (i, line) in order.enumerated() {
            probed += line.count
            // Where the lines found so far put it; read as one line first (cheap), and when none
            // of its words is found, as a block with more room around it (it stood a little off).
            let guide = found?.map ?? coarse
            var seen = try find(line, in: image, coarse: guide, layout: .line)
            if seen.isEmpty { seen = try find(line, in: image, coarse: guide, layout: .block) }
            pairs += seen
            // Nothing of the first line where it should be: another layout.
            if i == 0, pairs.isEmpty { break }
            found = fitted(template, pairs: pairs, probed: probed, coarse: coarse)
        }
        return found ?? Located(template: template, score: 0, map: coarse, anchors: [])
    }

    /// The anchors of one line found on the image: read (as `layout`) around where the coarse
    /// map puts them, each matched with the nearest word of the same key.
    func find(
        _ line: [LearnedForm.Anchor], in image: Image, coarse: Map,
        layout: TesseractEngine.Layout
    ) throws(DocRouteError) -> [(anchor: LearnedForm.Anchor, seen: TextSpan)] {
        let boxes = line.map { coarse.pixels($0.area) }
        let lineHeight = boxes.map(\.height).reduce(0, +) / Double(boxes.count)
        let around = boxes.dropFirst().reduce(boxes[0]) { $0.union($1) }
        let slackX = 0.04 * image.frame.width + lineHeight, slackY = (layout == .line ? 0.4 : 1.0) * lineHeight
        let x0 = max(0, Int(around.x0 - slackX)), y0 = max(0, Int(around.y0 - slackY))
        let x1 = min(Int(image.width), Int(around.x1 + slackX)), y1 = min(Int(image.height), Int(around.y1 + slackY))
        guard x1 - x0 >= 8, y1 - y0 >= 8 else { return [] }
        var rect = boxCreate(Int32(x0), Int32(y0), Int32(x1 - x0), Int32(y1 - y0))
        defer { boxDestroy(&rect) }
        guard rect != nil, let crop = pixClipRectangle(image.pix, rect, nil) else { return [] }
        defer { Leptonica.destroy(crop) }
        try deadline.check()
        let words = try clock.measure { () throws(DocRouteError) in
            try pool.withEngine { engine throws(DocRouteError) in
                try engine.recognize(crop, dpi: image.dpi, deadline: deadline, layout: layout)
            }
        }
        var out: [(LearnedForm.Anchor, TextSpan)] = []
        var used = Set<Int>()
        for (anchor, predicted) in zip(line, boxes) {
            let p = ((predicted.x0 + predicted.x1) / 2, (predicted.y0 + predicted.y1) / 2)
            var best: (Int, Double)? = nil
            for (i, w) in words.enumerated()
            where !used.contains(i) && Self.same(TextNormalizer.matchKey(w.text), anchor.key) {
                let c = ((w.box.x0 + w.box.x1) / 2 + Double(x0), (w.box.y0 + w.box.y1) / 2 + Double(y0))
                let dx = abs(c.0 - p.0), dy = abs(c.1 - p.1)
                guard dx <= 0.06 * image.frame.width, dy <= lineHeight else { continue }
                if best == nil || hypot(dx, dy) < best!.1 { best = (i, hypot(dx, dy)) }
            }
            guard let (i, _) = best else { continue }
            used.insert(i)
            let w = words[i]
            let box = Box(
                x0: w.box.x0 + Double(x0), y0: w.box.y0 + Double(y0), x1: w.box.x1 + Double(x0),
                y1: w.box.y1 + Double(y0))
            out.append(
                (
                    anchor,
                    TextSpan(text: w.text, box: box, confidence: w.confidence, line: anchor.line, block: 0, order: 0)
                ))
        }
        return out
    }

    /// The same fixed word: equal keys, or one OCR slip apart in a long word.
    static func same(_ key: String, _ anchor: String) -> Bool {
        key == anchor || (anchor.count >= 6 && TextNormalizer.distance(key, anchor, limit: 2) <= 1)
    }

    /// Whether anchors spread enough across the frame to fit a scale on both axes.
    static func spread(_ anchors: [LearnedForm.Anchor]) -> Bool {
        let xs = anchors.map(\.area.centre.x), ys = anchors.map(\.area.centre.y)
        guard let x0 = xs.min(), let x1 = xs.max(), let y0 = ys.min(), let y1 = ys.max() else { return false }
        return x1 - x0 >= 0.2 && y1 - y0 >= 0.2
    }

    /// The copy's map fitted to the anchors found: with a rotation when there are enough of them
    /// spread over a fifth of the frame both ways, else a shift and the frame's scale. Nil when the scale
    /// found is far from the frame's (the words found are not these anchors).
    func fitted(
        _ template: LearnedForm, pairs: [(anchor: LearnedForm.Anchor, seen: TextSpan)], probed: Int,
        coarse: Map
    ) -> Located? {
        guard !pairs.isEmpty, probed > 0 else { return nil }
        let points = pairs.map { p in
            (
                u: p.anchor.area.centre.x, v: p.anchor.area.centre.y, x: (p.seen.box!.x0 + p.seen.box!.x1) / 2,
                y: (p.seen.box!.y0 + p.seen.box!.y1) / 2
            )
        }
        var map = coarse
        // A rotation needs more points than it has unknowns, or it absorbs every error.
        if points.count >= Self.pointsForRotation, Self.spread(pairs.map(\.anchor)), let m = Map.fit(points),
            m.plausible(against: coarse)
        {
            map = m
        } else {
            let n = Double(points.count)
            map.c = points.map { $0.x - coarse.a * $0.u }.reduce(0, +) / n
            map.f = points.map { $0.y - coarse.e * $0.v }.reduce(0, +) / n
        }
        // In place: within a fiftieth of the frame across, and a third of a line's height down.
        let inliers = zip(pairs, points).filter { p, q in
            let at = map(q.u, q.v)
            return abs(at.x - q.x) <= 0.02 * coarse.a && abs(at.y - q.y) <= 0.35 * map.e * p.anchor.area.height
        }
        return Located(
            template: template, score: Double(inliers.count) / Double(probed), map: map, anchors: inliers.map(\.0.seen))
    }

    /// What was read on a located copy: each field's region as a candidate, and the TD1 zone's
    /// number line when it was asked for (see `numberLine`).
    package struct Readings {
        package var candidates: CandidateSet = [:]
        package var numberLine: String?
    }

    /// Each field's region on the located copy, read from page 0 of `rasters` (the located
    /// image) as a candidate: by the page model, or for the fields in `byValues` by `values`
    /// (enlarged, as the full path re-reads text values: accents), which the router then does
    /// not re-read. Only the printed run at the region's start is read (see `ink`): the room
    /// after a short value holds nothing but paper, and noise on it would be read as letters.
    /// With `numberLine`, the zone's number line is read too (by the page model).
    package func read(
        _ located: Located, image: Image, rasters: PageRasters, values: OCREnginePool,
        byValues: Set<String>, numberLine: Bool
    ) throws(DocRouteError) -> Readings {
        let page = RegionReader(pool: pool, rasters: rasters, deadline: deadline, clock: clock)
        let text = RegionReader(pool: values, rasters: rasters, deadline: deadline, clock: clock)
        // The regions are read side by side: a lane per engine each model may have, each
        // lane's regions one after another (a thread waiting for another's engine would hold a
        // processor idle). A copy's reading waits for its longest lane, not for every region.
        enum Work { case region(String, LearnedForm.Region), numberLine }
        var pageWork: [Work] = located.template.regions.filter { $0.value.page == 0 && !byValues.contains($0.key) }
            .sorted { $0.key < $1.key }.map { .region($0.key, $0.value) }
        let textWork: [Work] = located.template.regions.filter { $0.value.page == 0 && byValues.contains($0.key) }
            .sorted { $0.key < $1.key }.map { .region($0.key, $0.value) }
        if numberLine { pageWork.append(.numberLine) }
        func lanes(_ work: [Work], engines: Int) -> [[Work]] {
            let n = max(1, min(engines, work.count))
            return (0..<n).map { lane in work.indices.filter { $0 % n == lane }.map { work[$0] } }
        }
        let all = lanes(textWork, engines: values.maxEngines) + lanes(pageWork, engines: pool.maxEngines)
        let out = Mutex(Readings())
        let failure = Mutex<DocRouteError?>(nil)
        DispatchQueue.concurrentPerform(iterations: all.count) { lane in
            for work in all[lane] {
                do throws(DocRouteError) {
                    switch work {
                    case .numberLine:
                        let line = try Self.numberLine(located, image: image, reader: page)
                        out.withLock { $0.numberLine = line }
                    case .region(let name, let region):
                        let accents = byValues.contains(name)
                        guard
                            let c = try candidate(
                                region, located: located, image: image, reader: accents ? text : page,
                                accents: accents)
                        else { continue }
                        out.withLock { $0.candidates[name] = [c] }
                    }
                } catch {
                    failure.withLock { $0 = $0 ?? error }
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return out.withLock { $0 }
    }

    /// One region of the located copy read as a candidate; nil when it holds no print where
    /// the value stood.
    func candidate(
        _ region: LearnedForm.Region, located: Located, image: Image, reader: RegionReader,
        accents: Bool
    ) throws(DocRouteError) -> Candidate? {
        let room = located.map.pixels(region.area)
        // Page units are the input's pixels; the image may have been enlarged.
        let height = located.map.e * region.height
        // The print must stand about where the value stood (a value's room is its line):
        // print found well above or below it is a neighbour's, not this value.
        guard let ink = Self.ink(in: room, of: image.pix, valueHeight: height),
            abs((ink.y0 + ink.y1) / 2 - (room.y0 + room.y1) / 2) <= 0.5 * height * Double(region.lines)
        else { return nil }
        let box = ink.scaled(by: 1 / image.scale)
        guard
            let reading = try reader.read(
                page: 0, box: box, lines: region.lines, whitelist: nil,
                margin: accents ? 0.5 : 0.25, enlarge: accents)
        else { return nil }
        // The ink's box, not the words': a line read from a crop stretches its words' boxes
        // over whatever stands in the crop's margin.
        var c = Candidate(
            text: reading.text, page: 0, box: box, confidence: reading.confidence, ocr: true, quality: 1,
            lines: region.lines)
        c.byValuesModel = accents
        return c
    }

    /// The printed run at the start of `room` (pixels): the band of rows with the most ink
    /// (a neighbour's edge caught in the room is thinner than the value; an accent joins the
    /// band below it), and in it, from the first column holding ink to the last one before a
    /// gap wider than the value's height. Ink as `InkRoom` tells it; a row or column needs two
    /// such pixels. Nil when the room holds no print.
    static func ink(in room: Box, of pix: UnsafeMutablePointer<PIX>, valueHeight: Double) -> Box? {
        // A value is at least a letter: its print is told from paper as in a room of a few
        // letters, however long its room.
        guard let ink = InkRoom(pix, box: room, printWidth: 4 * valueHeight) else { return nil }
        let (x0, y0, x1, y1) = (ink.x0, ink.y0, ink.x1, ink.y1)
        var rows = [Int](repeating: 0, count: y1 - y0)
        for y in y0..<y1 { for x in x0..<x1 where ink.isInk(x, y) { rows[y - y0] += 1 } }
        // Bands of inked rows; the one with the most ink is the value's, and the bands just
        // above or below it join it while it stays no taller than the value was (an accent
        // over a capital does; the foot of the label above does not).
        var bands: [(top: Int, bottom: Int, ink: Int)] = []
        for (i, n) in rows.enumerated() where n >= 2 {
            if let last = bands.last, last.bottom == i - 1 {
                bands[bands.count - 1].bottom = i
                bands[bands.count - 1].ink += n
            } else {
                bands.append((i, i, n))
            }
        }
        guard let main = bands.indices.max(by: { bands[$0].ink < bands[$1].ink }) else { return nil }
        var band = bands[main]
        let tallest = Int(1.4 * valueHeight), joinable = max(2, Int(0.2 * valueHeight))
        var above = main - 1, below = main + 1
        while above >= 0, band.top - bands[above].bottom - 1 <= joinable, band.bottom - bands[above].top < tallest {
            band.top = bands[above].top
            above -= 1
        }
        while below < bands.count, bands[below].top - band.bottom - 1 <= joinable,
            bands[below].bottom - band.top < tallest
        {
            band.bottom = bands[below].bottom
            below += 1
        }
        var columns = [Int](repeating: 0, count: x1 - x0)
        for y in (y0 + band.top)...(y0 + band.bottom) {
            for x in x0..<x1 where ink.isInk(x, y) { columns[x - x0] += 1 }
        }
        guard let first = columns.firstIndex(where: { $0 >= 2 }) else { return nil }
        var last = first, blank = 0
        for i in first..<columns.count {
            if columns[i] >= 2 {
                last = i; blank = 0
            } else {
                blank += 1
                if Double(blank) > valueHeight { break }
            }
        }
        return Box(
            x0: Double(x0 + first), y0: Double(y0 + band.top), x1: Double(x0 + last + 1),
            y1: Double(y0 + band.bottom + 1))
    }

    /// The first half of a TD1 zone's first line (document code, issuing state, number and its
    /// check digit: 15 of the zone's 90 characters) read on the located copy by `reader`; nil
    /// when the template's zone is not three lines, or nothing was read.
    static func numberLine(_ located: Located, image: Image, reader: RegionReader) throws(DocRouteError) -> String? {
        guard let zone = located.template.zone, zone.page == 0, zone.lines == 3 else { return nil }
        let box = located.map.pixels(zone.area)
        // The zone's print, inside the margins it was learned with (a line across, 0.3 down).
        let line = located.map.e * zone.height
        let inner = Box(x0: box.x0 + line, y0: box.y0 + 0.3 * line, x1: box.x1 - line, y1: box.y1 - 0.3 * line)
        guard inner.width > 0, inner.height > 0 else { return nil }
        let first = Box(
            x0: inner.x0, y0: inner.y0, x1: inner.x0 + inner.width * 16 / 30, y1: inner.y0 + inner.height / 3)
        return try reader.read(
            page: 0, box: first.scaled(by: 1 / image.scale), lines: 1, whitelist: MRZZone.alphabet,
            margin: 0.25, enlarge: false)?.text
    }

    /// The template's machine-readable zone read on the located copy by `reader` (as the full
    /// path re-reads a zone: with the zone's alphabet; at its own size), one word per line, so that the router
    /// finds and checks it; empty when the template has none.
    package static func zone(_ located: Located, image: Image, reader: RegionReader, firstLine: Int)
        throws(DocRouteError) -> [TextSpan]
    {
        guard let zone = located.template.zone, zone.page == 0 else { return [] }
        let box = located.map.pixels(zone.area).scaled(by: 1 / image.scale)
        guard
            let reading = try reader.read(
                page: 0, box: box, lines: zone.lines, whitelist: MRZZone.alphabet, enlarge: false)
        else { return [] }
        let lines = reading.text.split(separator: "\n").map(String.init)
        let step = box.height / Double(max(1, lines.count))
        return lines.enumerated().map { i, text in
            TextSpan(
                text: text,
                box: Box(x0: box.x0, y0: box.y0 + Double(i) * step, x1: box.x1, y1: box.y0 + Double(i + 1) * step),
                confidence: reading.confidence, line: firstLine + i, block: 1, order: 0)
        }
    }
}
