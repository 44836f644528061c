import CLeptonica
import DocRouteModel

import struct DocRouteModel.Box

/// Boxes drawn on a page image: the areas that ruling lines close all round (a form's fields,
/// a card's labelled boxes, a table's cells), found with leptonica's morphology. Tesseract's
/// page layout can drop a box holding little print — a label and a one-letter value, `Sex` /
/// `M` — as line art; `PageRecognizer` reads such boxes again on their own.
enum RuledBoxes {
    /// The boxes of `pix` (8-bit grey) at least `minWidth` × `minHeight` pixels and at most
    /// half the image, that hold ink (`minInk` of their inner area at least) but none of
    /// `words`' centres; top to bottom, at most `limit`.
    static func empty(
        in pix: UnsafeMutablePointer<PIX>, words: [Box], minWidth: Int, minHeight: Int,
        minInk: Double = 0.004, limit: Int = 12
    ) -> [Box] {
        let w = Int(pixGetWidth(pix)), h = Int(pixGetHeight(pix))
        guard w >= 64, h >= 64, let binary = pixConvertTo1(pix, 150) else { return [] }
        defer { Leptonica.destroy(binary) }
        // Lines: dark runs a twentieth of the image long at least, across and down.
        let across = Int32(max(40, w / 20)), down = Int32(max(40, h / 20))
        guard let horizontal = pixOpenCompBrick(nil, binary, across, 1) else { return [] }
        defer { Leptonica.destroy(horizontal) }
        guard let vertical = pixOpenCompBrick(nil, binary, 1, down) else { return [] }
        defer { Leptonica.destroy(vertical) }
        var count: Int32 = 0
        pixCountPixels(vertical, &count, nil)
        guard count > 0 else { return [] }
        guard let rules = pixOr(nil, horizontal, vertical) else { return [] }
        defer { Leptonica.destroy(rules) }
        // Ruling lines a pixel or two apart where they meet leave gaps: close them.
        guard let closed = pixCloseBrick(nil, rules, 5, 5) else { return [] }
        defer { Leptonica.destroy(closed) }
        guard let open = pixInvert(nil, closed) else { return [] }
        defer { Leptonica.destroy(open) }
        guard let areas = pixConnCompBB(open, 4) else { return [] }
        defer { var a: UnsafeMutablePointer<BOXA>? = areas; boxaDestroy(&a) }
        var found: [Box] = []
        for i in 0..<boxaGetCount(areas) {
            var x: Int32 = 0, y: Int32 = 0, bw: Int32 = 0, bh: Int32 = 0
            guard boxaGetBoxGeometry(areas, i, &x, &y, &bw, &bh) == 0 else { continue }
            // An area reaching the image's edge is not closed all round.
            guard x > 0, y > 0, Int(x + bw) < w, Int(y + bh) < h, Int(bw) >= minWidth, Int(bh) >= minHeight,
                Int(bw) * Int(bh) * 2 <= w * h
            else { continue }
            let inner = Box(x0: Double(x + 2), y0: Double(y + 2), x1: Double(x + bw - 2), y1: Double(y + bh - 2))
            guard !words.contains(where: inner.holdsCentre) else { continue }
            guard let rect = boxCreate(x + 2, y + 2, bw - 4, bh - 4) else { continue }
            defer { var b: UnsafeMutablePointer<BOX>? = rect; boxDestroy(&b) }
            guard let crop = pixClipRectangle(binary, rect, nil) else { continue }
            defer { Leptonica.destroy(crop) }
            var ink: Int32 = 0
            pixCountPixels(crop, &ink, nil)
            guard Double(ink) >= minInk * Double((bw - 4) * (bh - 4)) else { continue }
            found.append(inner)
        }
        return Array(found.sorted { ($0.y0, $0.x0) < ($1.y0, $1.x0) }.prefix(limit))
    }
}
