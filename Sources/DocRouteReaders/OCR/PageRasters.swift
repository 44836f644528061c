import CLeptonica
import DocRouteModel
import Foundation
import Synchronization

import struct DocRouteModel.Box

/// The images OCR'd pages were recognised from, kept (as 8-bit grey) while a document is
/// extracted so that values can be re-read from their own boxes. A pipeline asks the reader
/// to fill one of these; it is freed with the document's extraction.
///
/// Kept within a byte budget: pages beyond it are not kept, and their values are not re-read.
public final class PageRasters: Sendable {
    private let pages = Mutex<[Int: PageRaster]>([:])
    private let used = Mutex(0)
    /// At most this many bytes of rasters are kept per document.
    public let budgetBytes: Int

    public init(budgetBytes: Int = 128 << 20) {
        self.budgetBytes = budgetBytes
    }

    /// Keeps a grey copy of `pix`, the image page `index` was recognised from: a point of that
    /// page, less `origin` (where the image's top left stands on the page), times
    /// `pixelsPerUnit` gives image pixels; `dpi` is its resolution.
    package func keep(
        _ pix: UnsafeMutablePointer<PIX>, index: Int, dpi: Int, pixelsPerUnit: Double,
        origin: (x: Double, y: Double) = (0, 0)
    ) {
        let bytes = Int(pixGetWidth(pix)) * Int(pixGetHeight(pix))
        guard
            used.withLock({ u in
                guard u + bytes <= budgetBytes else { return false }
                u += bytes
                return true
            })
        else { return }
        guard let grey = pixConvertTo8(pix, 0) else { return }
        let raster = PageRaster(pix: grey, dpi: dpi, pixelsPerUnit: pixelsPerUnit, origin: origin)
        pages.withLock { $0[index] = raster }
    }

    /// The raster of page `index` (0-based), if it was kept.
    package func page(_ index: Int) -> PageRaster? {
        pages.withLock { $0[index] }
    }

    /// The number of pages kept.
    public var count: Int { pages.withLock { $0.count } }
}

/// One kept page image (all of the page, or the part of it that holds content). Leptonica
/// images are only read after they are made (crops are new images), so one may be shared
/// between threads.
package final class PageRaster: @unchecked Sendable {
    package let pix: UnsafeMutablePointer<PIX>
    package let pixelsPerUnit: Double
    /// Where the image's top left stands on the page, in page units.
    package let origin: (x: Double, y: Double)
    package let width: Int
    package let height: Int
    package let dpi: Int

    init(pix: UnsafeMutablePointer<PIX>, dpi: Int, pixelsPerUnit: Double, origin: (x: Double, y: Double) = (0, 0)) {
        self.pix = pix
        self.dpi = dpi
        self.pixelsPerUnit = pixelsPerUnit
        self.origin = origin
        width = Int(pixGetWidth(pix))
        height = Int(pixGetHeight(pix))
    }

    deinit { Leptonica.destroy(pix) }

    /// `box` (page units) in this image's pixels.
    package func pixels(_ box: Box) -> Box {
        Box(
            x0: (box.x0 - origin.x) * pixelsPerUnit, y0: (box.y0 - origin.y) * pixelsPerUnit,
            x1: (box.x1 - origin.x) * pixelsPerUnit, y1: (box.y1 - origin.y) * pixelsPerUnit)
    }

    /// `box` (this image's pixels) in page units.
    package func units(_ box: Box) -> Box {
        Box(
            x0: box.x0 / pixelsPerUnit + origin.x, y0: box.y0 / pixelsPerUnit + origin.y,
            x1: box.x1 / pixelsPerUnit + origin.x, y1: box.y1 / pixelsPerUnit + origin.y)
    }

    /// A new image of `box` (page units) widened by `margin` pixels on each side, clipped to the
    /// image, and where its top left stands in this image's pixels; nil when nothing of the box
    /// is on the image. The caller destroys the image.
    func crop(_ box: Box, margin: (x: Int, y: Int)) -> (pix: UnsafeMutablePointer<PIX>, x: Int, y: Int)? {
        let p = pixels(box)
        let x0 = max(0, Int(p.x0.rounded(.down)) - margin.x)
        let y0 = max(0, Int(p.y0.rounded(.down)) - margin.y)
        let x1 = min(width, Int(p.x1.rounded(.up)) + margin.x)
        let y1 = min(height, Int(p.y1.rounded(.up)) + margin.y)
        guard x1 - x0 >= 2, y1 - y0 >= 2, let rect = boxCreate(Int32(x0), Int32(y0), Int32(x1 - x0), Int32(y1 - y0))
        else { return nil }
        var r: UnsafeMutablePointer<BOX>? = rect
        defer { boxDestroy(&r) }
        guard let cut = pixClipRectangle(pix, rect, nil) else { return nil }
        return (cut, x0, y0)
    }
}
