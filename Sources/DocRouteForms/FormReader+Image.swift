import CLeptonica
import DocRouteExtraction
import DocRouteModel
import DocRouteReaders
import Foundation
import Synchronization

import struct DocRouteModel.Box

extension FormReader {
    /// An image ready to be located: grey, deskewed, with its frame (pixels).
    package final class Image: @unchecked Sendable {
        package let pix: UnsafeMutablePointer<PIX>
        package let dpi: Int
        /// How much larger than the input it is (enlarged low-resolution images).
        package let scale: Double
        let frame: Box
        package let steps: [String]

        init(pix: UnsafeMutablePointer<PIX>, dpi: Int, scale: Double, frame: Box, steps: [String]) {
            self.pix = pix; self.dpi = dpi; self.scale = scale; self.frame = frame; self.steps = steps
        }

        deinit { Leptonica.destroy(pix) }

        package var width: Double { Double(pixGetWidth(pix)) }
        package var height: Double { Double(pixGetHeight(pix)) }
    }

    /// `pix` turned upright (a new image, the caller's to free) and the angle it was turned by
    /// (degrees), when it leans by `minSkew` or more, measured at `skewConfidence`; nil otherwise.
    /// Copies and the document a template is learned from are turned alike.
    static func upright(_ pix: UnsafeMutablePointer<PIX>) -> (UnsafeMutablePointer<PIX>, Double)? {
        guard let angle = ImagePreprocessor.skew(of: pix, minConfidence: skewConfidence), abs(angle) >= minSkew,
            let turned = pixRotate(
                pix, Float(angle * .pi / 180), Int32(L_ROTATE_AREA_MAP), Int32(L_BRING_IN_WHITE), 0, 0)
        else { return nil }
        return (turned, angle)
    }

    /// `input` prepared as the full path prepares a first reading (`ImagePreprocessor`, light:
    /// grey, enlarged when of low resolution, evened, despeckled, contrast stretched), then
    /// deskewed even slightly, with its frame; nil when nothing is printed on it.
    package static func image(_ input: UnsafeMutablePointer<PIX>, dpi: Int, preprocessor: ImagePreprocessor) -> Image? {
        guard let prepared = preprocessor.prepare(input, dpi: Double(dpi), level: .light),
            var pix = pixCopy(nil, prepared.pix)
        else { return nil }
        var steps = prepared.steps
        if preprocessor.allowed.contains(.deskew), let (straight, angle) = upright(pix) {
            Leptonica.destroy(pix)
            pix = straight
            steps.removeAll { $0.hasPrefix("deskew") }
            steps.append(String(format: "deskew %.1f°", angle))
        }
        guard let frame = ImageProperties.frame(of: pix) else {
            Leptonica.destroy(pix)
            return nil
        }
        return Image(pix: pix, dpi: Int(prepared.dpi.rounded()), scale: prepared.scale, frame: frame, steps: steps)
    }
}
