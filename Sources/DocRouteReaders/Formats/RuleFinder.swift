import CLeptonica
import DocRouteModel

import struct DocRouteModel.Box

/// Ruling lines drawn on a rendered page: the dark runs left once the words are wiped out,
/// long enough across or down to be lines (leptonica's morphological opening). A filled area
/// (a shaded header, a coloured row) gives the lines of its edges.
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
        for w in words {
            let x = Int32((w.x0 * scale).rounded(.down)) - 1, y = Int32((w.y0 * scale).rounded(.down)) - 1
            let bw = Int32(((w.x1 - w.x0) * scale).rounded(.up)) + 2
            let bh = Int32(((w.y1 - w.y0) * scale).rounded(.up)) + 2
            guard bw > 0, bh > 0, let rect = boxCreate(x, y, bw, bh) else { continue }
            pixClearInRect(binary, rect)
            var b: UnsafeMutablePointer<BOX>? = rect
            boxDestroy(&b)
        }
        var out: [Box] = []
        let across = Int32(max(2, (minAcross * perPoint).rounded()))
        let down = Int32(max(2, (minDown * perPoint).rounded()))
        for horizontal in [true, false] {
            guard let open = pixOpenBrick(nil, binary, horizontal ? across : 1, horizontal ? 1 : down) else { continue }
            defer { Leptonica.destroy(open) }
            guard let parts = pixConnCompBB(open, 8) else { continue }
            defer { var a: UnsafeMutablePointer<BOXA>? = parts; boxaDestroy(&a) }
            for i in 0..<min(Int(boxaGetCount(parts)), limit) {
                var x: Int32 = 0, y: Int32 = 0, bw: Int32 = 0, bh: Int32 = 0
                guard boxaGetBoxGeometry(parts, Int32(i), &x, &y, &bw, &bh) == 0 else { continue }
                let box = Box(
                    x0: Double(x) / scale, y0: Double(y) / scale, x1: Double(x + bw) / scale,
                    y1: Double(y + bh) / scale)
                let thickness = horizontal ? box.y1 - box.y0 : box.x1 - box.x0
                if thickness <= maxThickness * unitsPerPoint {
                    if !fillsOnly { out.append(box) }
                } else if horizontal {
                    // A filled area: its top and bottom edges.
                    out.append(Box(x0: box.x0, y0: box.y0, x1: box.x1, y1: box.y0 + 1 / scale))
                    out.append(Box(x0: box.x0, y0: box.y1 - 1 / scale, x1: box.x1, y1: box.y1))
                } else if box.x1 - box.x0 >= rowShape * (box.y1 - box.y0) {
                    // Its left and right edges when it is a row's shading (wide and low); a
                    // shaded column's or cell's sides are not column lines (the text tells).
                    out.append(Box(x0: box.x0, y0: box.y0, x1: box.x0 + 1 / scale, y1: box.y1))
                    out.append(Box(x0: box.x1 - 1 / scale, y0: box.y0, x1: box.x1, y1: box.y1))
                }
            }
        }
        return Array(out.prefix(limit))
    }
}
