import CLeptonica
import CPoppler
import DocRouteModel
import Foundation

import struct DocRouteModel.Box

/// Pages without a text layer: found, cut to their content, and recognised by Tesseract.
extension PDFReader {
    /// Recognises a page without a text layer. A page that is one scanned image is read from
    /// that image as stored (decoded once, at its own resolution); any other page is rendered
    /// with cairo at `ReaderLimits.renderDPI` (lowered to fit `maxRenderPixels`). A page that
    /// is mostly blank paper (a card or a receipt scanned on A4) is cut to where its content
    /// stands first, so that OCR reads only that.
    ///
    /// `storedImages` says the file's images may be decoded as stored (`imagesFit`): poppler
    /// decodes an image whole, and a 35000 × 35000 scan must be rendered scaled down instead.
    func recognise(_ page: OpaquePointer, index: Int, width: Double, height: Double, storedImages: Bool)
        throws(DocRouteError)
        -> (Page, [String])
    {
        guard width > 0, height > 0, width.isFinite, height.isFinite else {
            return (
                Page(index: index, width: 0, height: 0, unit: .pt, origin: .ocr, words: []),
                ["page \(index + 1) has no size; not rendered"]
            )
        }
        if storedImages, let scan = scanned(page, width: width, height: height) {
            defer { Leptonica.destroy(scan.pix) }
            try deadline.check()
            let read = try recognizer.page(
                scan.pix, index: index, dpi: scan.dpi, boxScale: 72 / scan.dpi,
                width: width, height: height, unit: .pt, origin: scan.origin)
            return (read, [])
        }
        var warnings: [String] = []
        var scale = limits.renderDPI / 72
        let cap = (Double(limits.maxRenderPixels) / (width * height)).squareRoot()
        if cap < scale {
            scale = cap
            warnings.append(
                String(format: "page %d rendered at %.0f dpi to stay under the pixel cap", index + 1, scale * 72))
        }
        let all = Box(x0: 0, y0: 0, x1: width, y1: height)
        let part = scale > 1.5 ? content(of: page, width: width, height: height) ?? all : all
        let pw = Int32(min((part.width * scale).rounded(.up), 32_000))
        let ph = Int32(min((part.height * scale).rounded(.up), 32_000))
        guard pw >= 8, ph >= 8 else {
            return (
                Page(index: index, width: width, height: height, unit: .pt, origin: .ocr, words: []),
                warnings + ["page \(index + 1) is too small to recognise"]
            )
        }
        guard let pix = render(page, scale: scale, from: (part.x0, part.y0), width: pw, height: ph) else {
            throw .corrupt("page \(index + 1) cannot be rendered")
        }
        defer { Leptonica.destroy(pix) }
        try deadline.check()
        let read = try recognizer.page(
            pix, index: index, dpi: scale * 72, boxScale: 1 / scale,
            width: width, height: height, unit: .pt, origin: (part.x0, part.y0))
        return (read, warnings)
    }

    /// The content part of a page that is one scanned image covering it, unrotated, at 100 to
    /// 1.5 × `renderDPI` dpi: 8-bit grey, the image's resolution, and where the part stands
    /// on the page (points). Nil for any other page (it is rendered instead).
    private func scanned(_ page: OpaquePointer, width: Double, height: Double)
        -> (pix: UnsafeMutablePointer<PIX>, dpi: Double, origin: (x: Double, y: Double))?
    {
        guard let list = poppler_page_get_image_mapping(page) else { return nil }
        defer { poppler_page_free_image_mapping(list) }
        guard list.pointee.next == nil, let data = list.pointee.data else { return nil }
        let mapping = data.assumingMemoryBound(to: PopplerImageMapping.self).pointee
        let area = Box(
            x0: min(mapping.area.x1, mapping.area.x2), y0: min(mapping.area.y1, mapping.area.y2),
            x1: max(mapping.area.x1, mapping.area.x2), y1: max(mapping.area.y1, mapping.area.y2))
        guard area.width >= width * 0.98, area.height >= height * 0.98,
            let surface = poppler_page_get_image(page, mapping.image_id)
        else { return nil }
        defer { cairo_surface_destroy(surface) }
        let format = cairo_image_surface_get_format(surface)
        guard format == CAIRO_FORMAT_RGB24 || format == CAIRO_FORMAT_ARGB32 else { return nil }
        let iw = Int(cairo_image_surface_get_width(surface)), ih = Int(cairo_image_surface_get_height(surface))
        guard iw >= 8, ih >= 8, iw * ih <= limits.maxRenderPixels,
            abs(Double(iw) / Double(ih) / (area.width / area.height) - 1) < 0.03
        else { return nil }
        let dpi = Double(iw) / area.width * 72
        guard dpi >= 100, dpi <= limits.renderDPI * 1.5 else { return nil }
        cairo_surface_flush(surface)
        guard let bytes = cairo_image_surface_get_data(surface) else { return nil }
        let stride = Int(cairo_image_surface_get_stride(surface))
        /// Grey of cairo's 0x00RRGGBB at (x, y).
        func grey(_ x: Int, _ y: Int) -> UInt8 {
            let v = UnsafeRawPointer(bytes + y * stride).assumingMemoryBound(to: UInt32.self)[x]
            return UInt8((((v >> 16) & 0xFF) * 77 + ((v >> 8) & 0xFF) * 150 + (v & 0xFF) * 29) >> 8)
        }
        func greyPix(x: Int, y: Int, width w: Int, height h: Int, step: Int) -> UnsafeMutablePointer<PIX>? {
            guard let pix = pixCreate(Int32(w), Int32(h), 8), let out = pixGetData(pix) else { return nil }
            let wpl = Int(pixGetWpl(pix))
            let dst = UnsafeMutableRawPointer(out).assumingMemoryBound(to: UInt8.self)
            for row in 0..<h {
                let line = dst + row * wpl * 4
                for col in 0..<w { line[col ^ 3] = grey(x + col * step, y + row * step) }
            }
            pixSetXRes(pix, Int32((dpi / Double(step)).rounded()))
            pixSetYRes(pix, Int32((dpi / Double(step)).rounded()))
            return pix
        }
        // Content is looked for on every `step`th pixel (about 72 dpi).
        let step = max(1, Int(dpi / 72))
        var part = (x: 0, y: 0, w: iw, h: ih)
        if let sample = greyPix(x: 0, y: 0, width: iw / step, height: ih / step, step: step) {
            defer { Leptonica.destroy(sample) }
            let pointsPerSample = Double(step) * 72 / dpi
            let bounds = Box(x0: 0, y0: 0, x1: Double(iw) * 72 / dpi, y1: Double(ih) * 72 / dpi)
            if let box = Self.contentPart(sample, pointsPerPixel: pointsPerSample, bounds: bounds) {
                let x0 = Int(box.x0 * dpi / 72), y0 = Int(box.y0 * dpi / 72)
                part = (
                    x0, y0, min(iw, Int((box.x1 * dpi / 72).rounded(.up))) - x0,
                    min(ih, Int((box.y1 * dpi / 72).rounded(.up))) - y0
                )
            }
        }
        guard part.w >= 8, part.h >= 8, let pix = greyPix(x: part.x, y: part.y, width: part.w, height: part.h, step: 1)
        else {
            return nil
        }
        return (pix, dpi, (area.x0 + Double(part.x) * 72 / dpi, area.y0 + Double(part.y) * 72 / dpi))
    }

    /// Whether every image of the PDF in `data` is at most `maxPixels` (its widest width times
    /// its tallest height, read from the image dictionaries, which PDF keeps outside compressed
    /// object streams); false when a size is given indirectly, so cannot be bounded cheaply.
    static func imagesFit(in data: Data, maxPixels: Int) -> Bool {
        var largest = (width: 0, height: 0)
        let ok = data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Bool in
            let bytes = raw.bindMemory(to: UInt8.self)
            let n = bytes.count
            /// The number after `key` at `i` ("/Width 2480"), or nil when it is a reference.
            func number(after i: Int) -> Int?? {
                var j = i
                while j < n, bytes[j] == 0x20 || bytes[j] == 0x0A || bytes[j] == 0x0D || bytes[j] == 0x09 { j += 1 }
                var v = 0, digits = 0
                while j < n, bytes[j] >= 0x30, bytes[j] <= 0x39, digits < 10 {
                    v = v * 10 + Int(bytes[j] - 0x30); j += 1; digits += 1
                }
                guard digits > 0 else { return .some(nil) }  // not a number: not an image size
                // "/Width 7 0 R": an indirect size.
                var k = j
                while k < n, bytes[k] == 0x20 { k += 1 }
                var m = k
                while m < n, bytes[m] >= 0x30, bytes[m] <= 0x39 { m += 1 }
                if m > k, m + 2 < n, bytes[m] == 0x20, bytes[m + 1] == UInt8(ascii: "R") { return nil }
                return .some(v)
            }
            let width = Array("/Width".utf8), height = Array("/Height".utf8)
            var i = 0
            while i < n {
                guard bytes[i] == 0x2F else { i += 1; continue }
                for (key, isWidth) in [(width, true), (height, false)] where i + key.count <= n {
                    guard zip(key.indices, key).allSatisfy({ bytes[i + $0] == $1 }) else { continue }
                    guard let value = number(after: i + key.count) else { return false }
                    if let value {
                        if isWidth {
                            largest.width = max(largest.width, value)
                        } else {
                            largest.height = max(largest.height, value)
                        }
                    }
                }
                i += 1
            }
            return true
        }
        return ok && largest.width * largest.height <= maxPixels
    }

    /// The part of the page (points) holding content, found on a 72 dpi rendering; nil when
    /// that is most of the page (or nothing).
    private func content(of page: OpaquePointer, width: Double, height: Double) -> Box? {
        let w = Int32(width.rounded(.up)), h = Int32(height.rounded(.up))
        guard w >= 8, h >= 8, Double(w) * Double(h) <= 4_000_000,
            let colour = render(page, scale: 1, from: (0, 0), width: w, height: h)
        else { return nil }
        defer { Leptonica.destroy(colour) }
        guard let grey = pixConvertTo8(colour, 0) else { return nil }
        defer { Leptonica.destroy(grey) }
        return Self.contentPart(grey, pointsPerPixel: 1, bounds: Box(x0: 0, y0: 0, x1: width, y1: height))
    }

    /// The part of `bounds` (points) holding everything darker than the paper in `grey` (an
    /// image of `bounds` at `pointsPerPixel`), widened by a sixth of an inch; nil when that is
    /// most of it (or nothing), so that all of it is read. A card laid on the page is cut out
    /// exactly, a little inside its edges: Tesseract takes a grey card framed by white paper
    /// for a picture and reads none of it.
    static func contentPart(_ grey: UnsafeMutablePointer<PIX>, pointsPerPixel: Double, bounds: Box) -> Box? {
        guard let (ink, solid) = ImageProperties.content(of: grey) else { return nil }
        let margin = solid ? -2.0 : 12.0
        let box = Box(
            x0: max(bounds.x0, ink.x0 * pointsPerPixel - margin), y0: max(bounds.y0, ink.y0 * pointsPerPixel - margin),
            x1: min(bounds.x1, ink.x1 * pointsPerPixel + margin), y1: min(bounds.y1, ink.y1 * pointsPerPixel + margin))
        return box.width * box.height < 0.7 * bounds.width * bounds.height ? box : nil
    }

    /// The ruling lines of a text-layer page, found on a 144 dpi rendering (a smaller one for
    /// a page too large to render at that).
    func findRules(on page: OpaquePointer, width: Double, height: Double, words: [TextSpan]) -> [Box] {
        guard width > 0, height > 0 else { return [] }
        let scale = min(2, (Double(limits.maxRenderPixels) / (width * height)).squareRoot())
        let w = Int32((width * scale).rounded()), h = Int32((height * scale).rounded())
        guard w >= 16, h >= 16, let pix = render(page, scale: scale, from: (0, 0), width: w, height: h) else {
            return []
        }
        defer { Leptonica.destroy(pix) }
        return RuleFinder.rules(in: pix, scale: scale, words: words.compactMap(\.box))
    }

    /// The part of the page from `origin` (points) on, drawn on white at `scale` pixels per
    /// point into `width` × `height` pixels, as a 32 bpp leptonica image.
    private func render(
        _ page: OpaquePointer, scale: Double, from origin: (x: Double, y: Double),
        width: Int32, height: Int32
    ) -> UnsafeMutablePointer<PIX>? {
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height) else { return nil }
        defer { cairo_surface_destroy(surface) }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS, let cr = cairo_create(surface) else { return nil }
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        cairo_scale(cr, scale, scale)
        cairo_translate(cr, -origin.x, -origin.y)
        poppler_page_render(page, cr)
        cairo_destroy(cr)
        cairo_surface_flush(surface)
        guard let src = cairo_image_surface_get_data(surface), let pix = pixCreate(width, height, 32) else {
            return nil
        }
        let stride = Int(cairo_image_surface_get_stride(surface))
        let dst = pixGetData(pix)!
        let wpl = Int(pixGetWpl(pix))
        // cairo RGB24 is 0x00RRGGBB per native word; leptonica 32 bpp is 0xRRGGBBAA.
        for y in 0..<Int(height) {
            let srcRow = UnsafeRawPointer(src + y * stride).assumingMemoryBound(to: UInt32.self)
            let dstRow = dst + y * wpl
            for x in 0..<Int(width) { dstRow[x] = srcRow[x] << 8 }
        }
        pixSetXRes(pix, Int32((scale * 72).rounded()))
        pixSetYRes(pix, Int32((scale * 72).rounded()))
        return pix
    }
}
