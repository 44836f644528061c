import CLeptonica
import Foundation

/// Turns one raster (a scan, a photo, a rendered PDF page) into a `Page` of OCR words,
/// optionally deskewed first.
struct PageRecognizer {
    let pool: OCREnginePool
    let deskew: Bool
    let deadline: Deadline
    var clock: OCRClock? = nil
    /// When set, each recognised image is kept here for re-reading values.
    var rasters: PageRasters? = nil

    /// Recognises `pix` taken at `dpi`. Word boxes are multiplied by `boxScale` (1 for image
    /// pixels; 72/dpi to give PDF points) and the page gets size `width` × `height` in `unit`.
    func page(_ pix: UnsafeMutablePointer<PIX>, index: Int, dpi: Double, boxScale: Double,
              width: Double, height: Double, unit: Page.Unit) throws(DocRouteError) -> (Page, [String]) {
        var warnings: [String] = []
        var source = pix
        var owned: UnsafeMutablePointer<PIX>? = nil
        defer { if let o = owned { Leptonica.destroy(o) } }
        if deskew {
            var angle: Float = 0, confidence: Float = 0
            if pixFindSkew(pix, &angle, &confidence) == 0, confidence > 2.5, abs(angle) > 0.1,
               let rotated = pixDeskew(pix, 0) {
                owned = rotated
                source = rotated
                warnings.append(String(format: "page %d deskewed by %.2f°", index + 1, angle))
            }
        }
        try deadline.check()
        let words = try (clock ?? OCRClock()).measure { () throws(DocRouteError) in
            try pool.withEngine { engine throws(DocRouteError) in
                try engine.recognize(source, dpi: Int(dpi.rounded()), deadline: deadline)
            }
        }
        rasters?.keep(source, index: index, dpi: Int(dpi.rounded()), pixelsPerUnit: 1 / boxScale)
        let spans = words.enumerated().map { i, w in
            TextSpan(text: w.text, box: boxScale == 1 ? w.box : w.box.scaled(by: boxScale),
                     confidence: w.confidence, line: w.line, block: w.block, order: i)
        }
        return (Page(index: index, width: width, height: height, unit: unit, origin: .ocr, dpi: dpi, words: spans),
                warnings)
    }
}

/// Leptonica's diagnostics go to stderr; DocRoute reports problems as typed errors instead.
enum Leptonica {
    static let silenced: Void = { _ = setMsgSeverity(6 /* L_SEVERITY_NONE */) }()

    static func destroy(_ pix: UnsafeMutablePointer<PIX>) {
        var p: UnsafeMutablePointer<PIX>? = pix
        pixDestroy(&p)
    }
}
