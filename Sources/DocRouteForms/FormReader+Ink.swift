import CLeptonica
import DocRouteModel
import Foundation

import struct DocRouteModel.Box

extension FormReader {
    /// The widest gap, in value heights, inside one value's print: a typewriter's colon and
    /// space (`G: Independent`) leave more than a height blank.
    static let wordGap = 1.8

    /// The printed run at the start of `room` (pixels): the band of rows with the most ink
    /// (a neighbour's edge caught in the room is thinner than the value; an accent joins the
    /// band below it), and in it, from the first column holding ink to the last one holding
    /// ink or faint print before a gap wider than 1.8 value heights. Ink as `InkRoom` tells
    /// it; a row or column needs two such pixels; a row or column inked across 85 % of the
    /// room, or a row inked unbroken over four value heights, is a box's edge, not print, and
    /// so are the rows or columns beside it (6 % of a value height, one at least).
    /// Nil when the room holds no print.
    static func ink(in room: Box, of pix: UnsafeMutablePointer<PIX>, valueHeight: Double, below: Int? = nil) -> Box? {
        // A value is at least a letter: its print is told from paper as in a room of a few
        // letters, however long its room.
        guard let ink = InkRoom(pix, box: room, printWidth: 4 * valueHeight, below: below) else { return nil }
        let (x0, y0, x1, y1) = (ink.x0, ink.y0, ink.x1, ink.y1)
        guard x1 > x0, y1 > y0 else { return nil }
        // A form's box drawn round the value: its edges run (almost) all across or all down
        // the room, which print does not. Such rows and columns are paper here.
        var rowInk = [Int](repeating: 0, count: y1 - y0), columnInk = [Int](repeating: 0, count: x1 - x0)
        // The longest unbroken stretch of ink in each row: print breaks between letters.
        var rowStretch = [Int](repeating: 0, count: y1 - y0)
        for y in y0..<y1 {
            var stretch = 0
            for x in x0..<x1 {
                guard ink.isInk(x, y) else {
                    stretch = 0
                    continue
                }
                rowInk[y - y0] += 1
                columnInk[x - x0] += 1
                stretch += 1
                rowStretch[y - y0] = max(rowStretch[y - y0], stretch)
            }
        }
        // A rule's anti-aliased fringe (a column of a skewed edge inked over a fifth of the
        // room) goes with it: left as print, it starts the value's run at the box's edge.
        let fringe = max(1, Int(0.06 * valueHeight))
        let ruledRow = Self.widened(
            rowInk.indices.map { i in
                x1 - x0 >= Int(3 * valueHeight)
                    && isRule(count: rowInk[i], longest: rowStretch[i], width: x1 - x0, valueHeight: valueHeight)
            }, by: fringe)
        let ruledColumn = Self.widened(
            columnInk.map { Double($0) >= 0.85 * Double(y1 - y0) && y1 - y0 >= Int(valueHeight) }, by: fringe)
        func isInk(_ x: Int, _ y: Int) -> Bool { !ruledRow[y - y0] && !ruledColumn[x - x0] && ink.isInk(x, y) }
        var rows = [Int](repeating: 0, count: y1 - y0)
        for y in y0..<y1 { for x in x0..<x1 where isInk(x, y) { rows[y - y0] += 1 } }
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
        // The run starts at ink and goes on over faint print too (light type whose strokes
        // are mostly lighter than the ink threshold).
        var columns = [Int](repeating: 0, count: x1 - x0), faint = columns
        for y in (y0 + band.top)...(y0 + band.bottom) {
            for x in x0..<x1 where !ruledRow[y - y0] && !ruledColumn[x - x0] && ink.isFaint(x, y) {
                faint[x - x0] += 1
                if ink.isInk(x, y) { columns[x - x0] += 1 }
            }
        }
        guard let first = columns.firstIndex(where: { $0 >= 2 }) else { return nil }
        var last = first, blank = 0
        for i in first..<columns.count {
            if columns[i] >= 2 || faint[i] >= 2 {
                last = i; blank = 0
            } else {
                blank += 1
                if Double(blank) > Self.wordGap * valueHeight { break }
            }
        }
        return Box(
            x0: Double(x0 + first), y0: Double(y0 + band.top), x1: Double(x0 + last + 1),
            y1: Double(y0 + band.bottom + 1))
    }

    /// `marks` with each marked index's `by` neighbours on either side marked too.
    static func widened(_ marks: [Bool], by: Int) -> [Bool] {
        var out = marks
        for i in marks.indices where marks[i] {
            for j in max(0, i - by)...min(marks.count - 1, i + by) { out[j] = true }
        }
        return out
    }

    /// Locates `template` on `image` by the printed runs of its anchor lines, found without OCR
    /// where the frame puts them (a fixed label prints the same run on every copy: same start,
    /// same width), then confirms it by reading one of those lines. Nil when the template
    /// keeps no runs, too few are found in place, or the line read is not the anchors' words:
    /// the caller then locates by reading the anchor lines.
    func locateByInk(_ image: Image, _ template: LearnedForm) throws(DocRouteError) -> Located? {
        guard let ink = template.anchorInk, ink.count >= 3 else { return nil }
        let coarse = Map.frame(image.frame)
        var found: [(line: LearnedForm.InkLine, run: Box)] = []
        for line in ink {
            let expected = coarse.pixels(line.area)
            let h = expected.height
            if let run = Self.inkRun(
                in: image.pix, expected: expected, slackX: 0.03 * image.frame.width + h, slackY: 0.8 * h)
            {
                found.append((line, run))
            }
        }
        func points(_ lines: [(line: LearnedForm.InkLine, run: Box)]) -> [(
            u: Double, v: Double, x: Double, y: Double
        )] {
            lines.flatMap { l, run in
                [
                    (u: l.area.x0, v: l.area.centre.y, x: run.x0, y: (run.y0 + run.y1) / 2),
                    (u: l.area.x1, v: l.area.centre.y, x: run.x1, y: (run.y0 + run.y1) / 2),
                ]
            }
        }
        func fit(_ lines: [(line: LearnedForm.InkLine, run: Box)]) -> Map? {
            guard let m = Map.fit(points(lines)), m.plausible(against: coarse) else { return nil }
            return m
        }
        // In place: both ends within a fiftieth of the frame across (the run is as wide as the
        // label's), the middle within a third of its height down.
        func inPlace(_ map: Map) -> [(line: LearnedForm.InkLine, run: Box)] {
            found.filter { l, run in
                let start = map(l.area.x0, l.area.centre.y), end = map(l.area.x1, l.area.centre.y)
                let tolerance = 0.02 * map.a
                return abs(start.x - run.x0) <= tolerance && abs(end.x - run.x1) <= tolerance
                    && abs(start.y - (run.y0 + run.y1) / 2) <= 0.35 * map.e * l.area.height
            }
        }
        guard found.count >= 3, let first = fit(found) else { return nil }
        var map = first, placed = inPlace(first)
        if placed.count >= 3, placed.count < found.count, let refit = fit(placed) {
            map = refit
            placed = inPlace(refit)
        }
        let score = Double(placed.count) / Double(ink.count)
        guard placed.count >= 3, score >= Self.minScore else { return nil }
        // Confirmed by reading the line with the most anchors (the narrowest of those): its
        // words must be the anchors'. Geometry alone could match another layout's print.
        let byLine = Dictionary(grouping: template.anchors, by: \.line)
        guard
            let check = placed.compactMap({ l, run in byLine[l.line].map { (anchors: $0, run: run) } })
                .max(by: { a, b in
                    a.anchors.count != b.anchors.count
                        ? a.anchors.count < b.anchors.count
                        : a.run.width > b.run.width
                })
        else { return nil }
        let seen = try find(check.anchors, in: image, coarse: map, layout: .line, run: check.run)
        guard !seen.isEmpty, 2 * seen.count >= check.anchors.count else { return nil }
        return Located(template: template, score: score, map: map, anchors: seen.map(\.seen))
    }

    /// The printed run nearest to `expected` (pixels) within `slackX`/`slackY` of it: the band
    /// of inked rows whose middle is nearest the expected middle (and about as tall), and in it
    /// the run of columns — words joined across gaps narrower than the band is tall — that
    /// overlaps the expected span most; nil when that run reaches the room's edge (cut, so not
    /// measured whole). Ink as `InkRoom` tells it; a box's edges over, under and beside the
    /// words (ruled lines, as `isRule` tells them) are not print.
    static func inkRun(in pix: UnsafeMutablePointer<PIX>, expected: Box, slackX: Double, slackY: Double) -> Box? {
        let room = Box(
            x0: expected.x0 - slackX, y0: expected.y0 - slackY, x1: expected.x1 + slackX, y1: expected.y1 + slackY)
        guard let ink = InkRoom(pix, box: room, minSide: 4) else { return nil }
        let (x0, y0, x1, y1) = (ink.x0, ink.y0, ink.x1, ink.y1)
        // Rows are counted over the expected span only: print beside it (a value on the same
        // line, another column) would join bands that are apart where the line stands.
        let height = expected.height
        let cx0 = max(x0, Int(expected.x0 - 0.5 * height)), cx1 = min(x1, Int(expected.x1 + 0.5 * height))
        guard cx1 > cx0 else { return nil }
        // A ruled line (a box's edge over or under the words) is paper here, or it would join
        // the words' band with the line's.
        var rows = [Int](repeating: 0, count: y1 - y0)
        for y in y0..<y1 {
            var stretch = 0, longest = 0
            for x in cx0..<cx1 {
                guard ink.isInk(x, y) else {
                    stretch = 0
                    continue
                }
                rows[y - y0] += 1
                stretch += 1
                longest = max(longest, stretch)
            }
            if Double(cx1 - cx0) >= 3 * height,
                isRule(count: rows[y - y0], longest: longest, width: cx1 - cx0, valueHeight: height)
            {
                rows[y - y0] = 0
            }
        }
        var bands: [(top: Int, bottom: Int)] = []
        for (i, n) in rows.enumerated() where n >= 2 {
            if let last = bands.last, last.bottom == i - 1 {
                bands[bands.count - 1].bottom = i
            } else {
                bands.append((i, i))
            }
        }
        let middle = (expected.y0 + expected.y1) / 2 - Double(y0)
        guard
            let band = bands.filter({ b in
                let t = Double(b.bottom - b.top + 1)
                return t >= 0.5 * height && t <= 1.6 * height
            }).min(by: { a, b in
                abs(Double(a.top + a.bottom) / 2 - middle) < abs(Double(b.top + b.bottom) / 2 - middle)
            })
        else { return nil }
        var columns = [Int](repeating: 0, count: x1 - x0)
        for y in (y0 + band.top)...(y0 + band.bottom) {
            for x in x0..<x1 where ink.isInk(x, y) { columns[x - x0] += 1 }
        }
        // So is a ruled line down through the band (a box's side beside the words): inked all
        // down the band and on past it both ways, which no letter is.
        let (above, below) = (y0 + band.top - 2, y0 + band.bottom + 2)
        if above >= y0, below < y1 {
            for x in x0..<x1
            where columns[x - x0] >= band.bottom - band.top && ink.isInk(x, above) && ink.isInk(x, below) {
                columns[x - x0] = 0
            }
        }
        var runs: [(start: Int, end: Int)] = []
        var blank = Int.max
        let joinable = Int(Double(band.bottom - band.top + 1) * 0.9)
        for (i, n) in columns.enumerated() {
            if n >= 2 {
                if let last = runs.last, blank <= joinable, last.end < i {
                    runs[runs.count - 1].end = i
                } else {
                    runs.append((i, i))
                }
                blank = 0
            } else if blank != Int.max {
                blank += 1
            }
        }
        let lo = expected.x0 - Double(x0), hi = expected.x1 - Double(x0)
        guard
            let run = runs.max(by: { a, b in
                min(Double(a.end + 1), hi) - max(Double(a.start), lo) < min(Double(b.end + 1), hi)
                    - max(Double(b.start), lo)
            }), min(Double(run.end + 1), hi) - max(Double(run.start), lo) > 0,
            // A run the room cuts is not measured whole.
            run.start > 0, run.end < columns.count - 1
        else { return nil }
        return Box(
            x0: Double(x0 + run.start), y0: Double(y0 + band.top), x1: Double(x0 + run.end + 1),
            y1: Double(y0 + band.bottom + 1))
    }
}
