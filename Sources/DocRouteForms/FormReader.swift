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
    /// map puts them, each matched with the nearest word of the same key. With `run` (the
    /// line's printed run, found on the image), only the run is read, with a little margin:
    /// a wider crop takes in a box's side or the tops of the next line, and a line read as
    /// one line then reads nothing.
    func find(
        _ line: [LearnedForm.Anchor], in image: Image, coarse: Map,
        layout: TesseractEngine.Layout, run: Box? = nil
    ) throws(DocRouteError) -> [(anchor: LearnedForm.Anchor, seen: TextSpan)] {
        let boxes = line.map { coarse.pixels($0.area) }
        let lineHeight = boxes.map(\.height).reduce(0, +) / Double(boxes.count)
        var around = boxes.dropFirst().reduce(boxes[0]) { $0.union($1) }
        var slackX = 0.04 * image.frame.width + lineHeight, slackY = (layout == .line ? 0.4 : 1.0) * lineHeight
        if let run { (around, slackX, slackY) = (run, 0.5 * lineHeight, 0.25 * lineHeight) }
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
}
