import CLeptonica
import DocRouteModel
import Foundation

import struct DocRouteModel.Box

/// Re-reads one value from its own box on a kept page image: a crop around the box,
/// recognised as one line (or one block, for a value that wraps) by the values model, with the
/// field's alphabet as a whitelist when its pattern gives one.
package struct RegionReader: Sendable {
    let pool: OCREnginePool
    let rasters: PageRasters
    let deadline: Deadline
    let clock: OCRClock

    package init(pool: OCREnginePool, rasters: PageRasters, deadline: Deadline, clock: OCRClock) {
        (self.pool, self.rasters, self.deadline, self.clock) = (pool, rasters, deadline, clock)
    }

    /// Pixels per text line a crop is enlarged to.
    static let lineHeight = 48.0

    /// The crop `read` recognises (before enlarging: the caller's to free), where it stands on
    /// the page (pixels), and the height of a line in it.
    static func cut(_ raster: PageRaster, box: Box, lines: Int, margin share: Double) -> (
        pix: UnsafeMutablePointer<PIX>, x: Int, y: Int, lineHeight: Double
    )? {
        let lineHeight = max(1, box.height * raster.pixelsPerUnit / Double(max(1, lines)))
        // Word boxes end at the capitals' tops; accents stand above them: half a line of margin.
        let margin = (x: max(4, Int(lineHeight * share)), y: max(3, Int(lineHeight * share)))
        guard let (pix, x, y) = raster.crop(box, margin: margin) else { return nil }
        return (pix, x, y, lineHeight)
    }

    /// Whether `read` would see the same pixels here as on `other`'s page (two copies of a
    /// page, one with some strokes cleared): reading both would read the same.
    package func sees(
        same other: RegionReader, page: Int, box: Box, lines: Int, margin share: Double = 0.5
    ) -> Bool {
        guard let a = rasters.page(page), let b = other.rasters.page(page),
            let (pa, _, _, _) = Self.cut(a, box: box, lines: lines, margin: share)
        else { return false }
        defer { Leptonica.destroy(pa) }
        guard let (pb, _, _, _) = Self.cut(b, box: box, lines: lines, margin: share) else { return false }
        defer { Leptonica.destroy(pb) }
        var same: Int32 = 0
        return pixEqual(pa, pb, &same) == 0 && same == 1
    }

    /// What a re-read saw: words joined by spaces, lines by newlines, their mean confidence,
    /// and the box (page units) around them.
    package struct Reading: Sendable, Hashable {
        package var text: String
        package var confidence: Double
        var box: Box? = nil
    }

    /// The text in `box` (page units) of 0-based `page`, spanning `lines` text lines; nil when
    /// the page image was not kept or nothing was recognised. The crop takes in `margin` (a
    /// share of a line's height) around the box; `enlarge` brings small print to `lineHeight`.
    package func read(
        page: Int, box: Box, lines: Int, whitelist: String?, margin share: Double = 0.5,
        enlarge: Bool = true
    ) throws(DocRouteError) -> Reading? {
        guard let raster = rasters.page(page) else { return nil }
        try deadline.check()
        guard let (cut, cutX, cutY, lineHeight) = Self.cut(raster, box: box, lines: lines, margin: share) else {
            return nil
        }
        // Small print is enlarged: Tesseract's line model reads accents on capitals far more
        // reliably at ~48 px per line than at the ~25 px of 8 pt print at 300 dpi.
        let (crop, scale) = Leptonica.enlarged(cut, by: enlarge ? min(4, max(1, Self.lineHeight / lineHeight)) : 1)
        defer { Leptonica.destroy(crop) }
        let dpi = Int((Double(raster.dpi) * scale).rounded())
        // The margin is there for accents, not for what stands beside the value: words centred
        // outside the value's own box (specks, a neighbour's letters) are not part of it.
        let own = raster.pixels(box), slack = lineHeight * 0.25
        let inside = (
            x0: (own.x0 - Double(cutX) - slack) * scale, x1: (own.x1 - Double(cutX) + slack) * scale,
            y0: (own.y0 - Double(cutY) - slack) * scale, y1: (own.y1 - Double(cutY) + slack) * scale
        )
        // One line is read as a line; when that finds nothing (the margin took in parts of the
        // lines above and below, as beside a tall Ç or Ż), as a block whose other lines fall outside.
        var words: [TesseractEngine.Word] = []
        for layout: TesseractEngine.Layout in lines > 1 ? [.block] : [.line, .block] where words.isEmpty {
            let read = try clock.measure { () throws(DocRouteError) in
                try pool.withEngine { engine throws(DocRouteError) in
                    try engine.recognize(crop, dpi: dpi, deadline: deadline, layout: layout, whitelist: whitelist)
                }
            }
            words = read.filter { w in
                let cx = (w.box.x0 + w.box.x1) / 2, cy = (w.box.y0 + w.box.y1) / 2
                return cx >= inside.x0 && cx <= inside.x1 && cy >= inside.y0 && cy <= inside.y1
            }
        }
        // A one-line value is the one line nearest the middle of its box.
        if lines == 1, let first = words.first, words.contains(where: { $0.line != first.line }) {
            let middle = ((own.y0 + own.y1) / 2 - Double(cutY)) * scale
            func distance(_ line: Int) -> Double {
                let ws = words.filter { $0.line == line }
                return abs(ws.map { ($0.box.y0 + $0.box.y1) / 2 }.reduce(0, +) / Double(ws.count) - middle)
            }
            let nearest = Set(words.map(\.line)).min { distance($0) < distance($1) }
            words = words.filter { $0.line == nearest }
        }
        guard !words.isEmpty else { return nil }
        var text = ""
        for (i, w) in words.enumerated() {
            if i > 0 { text += w.line == words[i - 1].line ? " " : "\n" }
            text += w.text
        }
        let around = words.dropFirst().reduce(words[0].box) { $0.union($1.box) }
        let pixels = Box(
            x0: around.x0 / scale + Double(cutX), y0: around.y0 / scale + Double(cutY),
            x1: around.x1 / scale + Double(cutX), y1: around.y1 / scale + Double(cutY))
        return Reading(
            text: text, confidence: words.map(\.confidence).reduce(0, +) / Double(words.count),
            box: raster.units(pixels))
    }
}
