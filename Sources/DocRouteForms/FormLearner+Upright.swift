import CLeptonica
import DocRouteModel
import DocRouteReaders
import Foundation

import struct DocRouteModel.Box

extension FormLearner {
    /// `document`, `fields` and `rasters` as the template path will see a copy: each OCR'd
    /// page whose kept image still leans (skew measured as `FormReader` measures a copy's)
    /// is turned upright, and every word and value box on it turned with it. A template learned
    /// from a leaning first document would otherwise carry its lean to every copy.
    static func upright(_ document: Document, fields: [String: Record.Field], rasters: PageRasters?)
        -> (Document, [String: Record.Field], PageRasters?)
    {
        guard let rasters, document.pages.contains(where: { $0.origin == .ocr }) else {
            return (document, fields, rasters)
        }
        var document = document, fields = fields
        let upright = PageRasters(budgetBytes: rasters.budgetBytes)
        for (i, page) in document.pages.enumerated() {
            guard let raster = rasters.page(page.index) else { continue }
            guard page.origin == .ocr, let (turned, angle) = FormReader.upright(raster.pix) else {
                upright.keep(
                    raster.pix, index: page.index, dpi: raster.dpi, pixelsPerUnit: raster.pixelsPerUnit,
                    origin: raster.origin)
                continue
            }
            upright.keep(
                turned, index: page.index, dpi: raster.dpi, pixelsPerUnit: raster.pixelsPerUnit, origin: raster.origin)
            Leptonica.destroy(turned)
            // pixRotate turns about the image's centre, clockwise for a positive angle: in image
            // coordinates (y down) a point p goes to c + R(p − c). Boxes keep their size.
            let c = (x: Double(raster.width) / 2, y: Double(raster.height) / 2)
            let t = angle * .pi / 180, cosT = cos(t), sinT = sin(t)
            func turn(_ box: Box) -> Box {
                let b = raster.pixels(box)
                let dx = (b.x0 + b.x1) / 2 - c.x, dy = (b.y0 + b.y1) / 2 - c.y
                let mx = c.x + dx * cosT - dy * sinT, my = c.y + dx * sinT + dy * cosT
                return raster.units(
                    Box(x0: mx - b.width / 2, y0: my - b.height / 2, x1: mx + b.width / 2, y1: my + b.height / 2))
            }
            for w in document.pages[i].words.indices {
                if let b = document.pages[i].words[w].box { document.pages[i].words[w].box = turn(b) }
            }
            for (name, f) in fields where f.page == page.index + 1 {
                if let b = f.box { fields[name]?.box = turn(b) }
            }
        }
        return (document, fields, upright)
    }
}
