import CLeptonica
import DocRouteModel
import DocRouteReaders
import Foundation

import struct DocRouteModel.Box

/// A rectangle of an 8-bit grey image and what counts as ink in it: darker than halfway between
/// the rectangle's paper (its 90th-percentile grey) and its darkest print (1st percentile).
/// How the template path finds print without OCR.
struct InkRoom {
    let x0: Int, y0: Int, x1: Int, y1: Int
    private let bytes: UnsafePointer<UInt8>
    private let wpl: Int
    private let threshold: Int

    /// `box` (pixels) clipped to `pix`; nil when `pix` is not 8-bit, the rectangle is smaller
    /// than `minSide` either way, or it holds no print (paper and print less than 60 apart).
    /// With `printWidth`, the darkest print is the 1st percentile of that many pixels across
    /// (the rectangle's height down), wherever they stand: one letter in a long room is too
    /// little of it for the room's own 1st percentile to be print.
    init?(_ pix: UnsafeMutablePointer<PIX>, box: Box, minSide: Int = 2, printWidth: Double? = nil) {
        let w = Int(pixGetWidth(pix)), h = Int(pixGetHeight(pix))
        x0 = max(0, Int(box.x0)); x1 = min(w, Int(box.x1.rounded(.up)))
        y0 = max(0, Int(box.y0)); y1 = min(h, Int(box.y1.rounded(.up)))
        guard pixGetDepth(pix) == 8, x1 - x0 >= minSide, y1 - y0 >= minSide, let data = pixGetData(pix) else {
            return nil
        }
        wpl = Int(pixGetWpl(pix))
        bytes = UnsafePointer(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self))
        var histogram = [Int](repeating: 0, count: 256)
        for y in y0..<y1 {
            for x in x0..<x1 { histogram[Int(bytes[y * wpl * 4 + (x ^ 3)])] += 1 }
        }
        let across = Double(x1 - x0)
        let share = printWidth.map { min(1, max(1, $0) / across) } ?? 1
        let paper = ImageProperties.percentile(histogram, 0.9),
            dark = ImageProperties.percentile(histogram, 0.01 * share)
        guard paper - dark >= 60 else { return nil }
        threshold = (paper + dark) / 2
    }

    /// Whether the pixel at (x, y) — image coordinates — is ink.
    func isInk(_ x: Int, _ y: Int) -> Bool { Int(bytes[y * wpl * 4 + (x ^ 3)]) < threshold }
}
