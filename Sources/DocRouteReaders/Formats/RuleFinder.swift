import CLeptonica
import DocRouteModel

import struct DocRouteModel.Box

/// Ruling lines drawn on a page image (a rendered text layer or an OCR page): the thin dark
/// runs left once the words are painted out, long enough across or down to be lines
/// (leptonica's morphological opening). A filled area (a shaded header, a coloured row) gives
/// the lines of its edges.
enum RuleFinder {
    /// Pixels darker than this (0–255) are ink.
    static let ink: Int32 = 215
    /// Pixels darker than this are a filled area's (a pale shading).
    static let shade: Int32 = 235
    /// Shortest horizontal and vertical line, in points.
    static let minAcross = 12.0
    static let minDown = 7.0
    /// A run thicker than this many points is a filled area, not a line.
    static let maxThickness = 3.0
    /// A filled area this many times wider than tall is a row's shading.
    static let rowShape = 4.0
    /// Most lines kept of one page (a chart's grid, a hatched area).
    static let limit = 2_000

    /// The lines of `pix` (a page at `scale` pixels per page unit; `unitsPerPoint` of those
    /// units make a point: 1 for a PDF page, dpi / 72 for an image's pixels), as thin boxes in
    /// page units; `words` (page units) are wiped out first so that text is never read as a line.
    static func rules(in pix: UnsafeMutablePointer<PIX>, scale: Double, unitsPerPoint: Double = 1, words: [Box])
        -> [Box]
    {
        _ = Leptonica.silenced
        // Lines at the ink threshold; filled areas also at a light one (a pale row shading).
        let lines = rules(
            in: pix, scale: scale, unitsPerPoint: unitsPerPoint, words: words, threshold: ink, fillsOnly: false)
        let fills = rules(
            in: pix, scale: scale, unitsPerPoint: unitsPerPoint, words: words, threshold: shade, fillsOnly: true)
        return Array((lines + fills).prefix(limit))
    }

    /// The lines of `pix` where pixels darker than `threshold` are ink; with `fillsOnly`, only
    /// the edges of filled areas.
    static func rules(
        in pix: UnsafeMutablePointer<PIX>, scale: Double, unitsPerPoint: Double, words: [Box], threshold: Int32,
        fillsOnly: Bool
    ) -> [Box] {
        let perPoint = scale * unitsPerPoint
        guard let binary = pixConvertTo1(pix, threshold) else { return [] }
        defer { Leptonica.destroy(binary) }
        // Each word is painted the colour around it: cleared on paper, filled on a shaded area
        // (else the gaps between a dark header's words would be read as short lines).
        let rects = words.map { w in
            let x = Int32((w.x0 * scale).rounded(.down)) - 1, y = Int32((w.y0 * scale).rounded(.down)) - 1
            let bw = Int32(((w.x1 - w.x0) * scale).rounded(.up)) + 2
            let bh = Int32(((w.y1 - w.y0) * scale).rounded(.up)) + 2
            return (x, y, bw, bh, shaded(binary, x, y, bw, bh))
        }
        for (x, y, bw, bh, fill) in rects {
            guard bw > 0, bh > 0, let rect = boxCreate(x, y, bw, bh) else { continue }
            if fill { pixSetInRect(binary, rect) } else { pixClearInRect(binary, rect) }
            var b: UnsafeMutablePointer<BOX>? = rect
            boxDestroy(&b)
        }
        let across = Int32(max(2, (minAcross * perPoint).rounded()))
        let down = Int32(max(2, (minDown * perPoint).rounded()))
        // Filled areas: ink thicker than a line both ways. They give their edges and are taken
        // out of the lines, so that a line running into a fill stays a line.
        let thick = Int32((maxThickness * perPoint).rounded(.down)) + 1
        guard let fills = pixOpenBrick(nil, binary, thick, thick) else { return [] }
        defer { Leptonica.destroy(fills) }
        var out: [Box] = []
        for box in components(fills, scale: scale) {
            let width = box.x1 - box.x0, height = box.y1 - box.y0
            if width * scale >= Double(across) {
                out.append(Box(x0: box.x0, y0: box.y0, x1: box.x1, y1: box.y0 + 1 / scale))
                out.append(Box(x0: box.x0, y0: box.y1 - 1 / scale, x1: box.x1, y1: box.y1))
            }
            if height * scale >= Double(down), width >= rowShape * height {
                // Its sides only when it is a row's shading (wide and low); a shaded column's or
                // cell's sides are not column lines (the text tells).
                out.append(Box(x0: box.x0, y0: box.y0, x1: box.x0 + 1 / scale, y1: box.y1))
                out.append(Box(x0: box.x1 - 1 / scale, y0: box.y0, x1: box.x1, y1: box.y1))
            }
        }
        if fillsOnly { return Array(out.prefix(limit)) }
        for horizontal in [true, false] {
            guard let open = pixOpenBrick(nil, binary, horizontal ? across : 1, horizontal ? 1 : down) else { continue }
            defer { Leptonica.destroy(open) }
            pixSubtract(open, open, fills)
            for box in components(open, scale: scale) {
                let thickness = horizontal ? box.y1 - box.y0 : box.x1 - box.x0
                let length = (horizontal ? box.x1 - box.x0 : box.y1 - box.y0) * scale
                if thickness <= maxThickness * unitsPerPoint, length >= Double(horizontal ? across : down) {
                    out.append(box)
                }
            }
        }
        return Array(out.prefix(limit))
    }

    /// The boxes (page units) of the connected parts of `pix`, at most `limit` of them.
    static func components(_ pix: UnsafeMutablePointer<PIX>, scale: Double) -> [Box] {
        guard let parts = pixConnCompBB(pix, 8) else { return [] }
        defer { var a: UnsafeMutablePointer<BOXA>? = parts; boxaDestroy(&a) }
        return (0..<min(Int(boxaGetCount(parts)), limit)).compactMap { i in
            var x: Int32 = 0, y: Int32 = 0, bw: Int32 = 0, bh: Int32 = 0
            guard boxaGetBoxGeometry(parts, Int32(i), &x, &y, &bw, &bh) == 0 else { return nil }
            return Box(
                x0: Double(x) / scale, y0: Double(y) / scale, x1: Double(x + bw) / scale, y1: Double(y + bh) / scale)
        }
    }

    /// Whether most pixels on the ring just outside the rectangle are ink.
    static func shaded(_ binary: UnsafeMutablePointer<PIX>, _ x: Int32, _ y: Int32, _ bw: Int32, _ bh: Int32) -> Bool {
        guard bw > 0, bh > 0 else { return false }
        let w = Int32(pixGetWidth(binary)), h = Int32(pixGetHeight(binary))
        var ink = 0, all = 0
        func count(_ px: Int32, _ py: Int32) {
            guard px >= 0, py >= 0, px < w, py < h else { return }
            var v: l_uint32 = 0
            pixGetPixel(binary, px, py, &v)
            all += 1
            if v != 0 { ink += 1 }
        }
        for px in (x - 1)...(x + bw) {
            count(px, y - 1)
            count(px, y + bh)
        }
        for py in y..<(y + bh) {
            count(x - 1, py)
            count(x + bw, py)
        }
        return 2 * ink > all
    }
}
