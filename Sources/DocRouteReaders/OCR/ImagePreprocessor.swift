import CLeptonica
import DocRouteModel
import Foundation

import struct DocRouteModel.Box

/// Prepares a page image for Tesseract with leptonica, choosing each step from the image's
/// measured properties (`ImageProperties`) and skipping the ones that would not pay: grey
/// conversion, upscaling of low-resolution images to ~300 dpi, background normalisation of
/// unevenly lit paper, contrast stretching of faded print, despeckling of noisy images, and
/// deskewing. What ran is returned, and ends up in the record (`source.preprocessing`).
package struct ImagePreprocessor: Sendable {
    /// One preparation step.
    package enum Step: String, Sendable, CaseIterable {
        case grey, upscale, background, contrast, despeckle, deskew, rotate
    }

    /// Steps allowed to run (all by default; `[]` turns preparation off).
    package var allowed: Set<Step> = Set(Step.allCases)

    package init(allowed: Set<Step> = Set(Step.allCases)) {
        self.allowed = allowed
    }

    /// How readily a step runs: `light` for a first reading (only clear defects are
    /// corrected, since every correction can also cost a letter), `strong` for a second one
    /// when the first was poor.
    package struct Level: Sendable, Hashable {
        /// Below this resolution an image is enlarged to `targetDPI` (at most 2×).
        var minDPI: Double
        /// Tiles' paper levels falling further than this below the median mean uneven lighting.
        var maxPaperSpread: Int
        /// Paper minus ink below this means faded print or grey paper.
        var minContrast: Int
        /// Noise (σ in grey levels) above this is smoothed away before OCR.
        var maxNoise: Double
        /// Skews smaller than this (degrees) are left to Tesseract.
        var minSkew: Double

        package static let light = Level(minDPI: 180, maxPaperSpread: 48, minContrast: 90, maxNoise: 14, minSkew: 2.0)
        static let strong = Level(minDPI: 240, maxPaperSpread: -1, minContrast: 160, maxNoise: 7, minSkew: 0.4)
    }

    static let targetDPI = 300.0
    /// No image is enlarged beyond this many pixels (an A4 page at ~450 dpi): preparing and
    /// reading a larger one takes seconds that cannot be interrupted.
    static let maxUpscaledPixels = 30_000_000.0

    /// An image ready for OCR: `pix` (owned; 8-bit grey), its resolution, how much larger it
    /// is than the input, and the steps that made it.
    package final class Prepared: @unchecked Sendable {
        package let pix: UnsafeMutablePointer<PIX>
        package let dpi: Double
        package let scale: Double
        package let steps: [String]

        init(pix: UnsafeMutablePointer<PIX>, dpi: Double, scale: Double, steps: [String]) {
            self.pix = pix; self.dpi = dpi; self.scale = scale; self.steps = steps
        }

        deinit { Leptonica.destroy(pix) }
    }

    /// A prepared copy of `input` (which is not changed), taken at `dpi`, first turned by
    /// `turns` quarter turns clockwise. `enlarge` (when allowed) sets the upscale factor
    /// instead of the resolution: print smaller than its resolution suggests.
    package func prepare(
        _ input: UnsafeMutablePointer<PIX>, dpi: Double, level: Level = .light, turns: Int = 0,
        enlarge: Double? = nil
    ) -> Prepared? {
        var steps: [String] = []
        let depth = pixGetDepth(input)
        guard var pix = (depth == 8 && pixGetColormap(input) == nil) ? pixCopy(nil, input) : pixConvertTo8(input, 0)
        else {
            return nil
        }
        if depth != 8 { steps.append(Step.grey.rawValue) }
        if allowed.contains(.rotate), turns % 4 != 0, let turned = pixRotateOrth(pix, Int32(turns % 4)) {
            Leptonica.destroy(pix)
            pix = turned
            steps.append("rotate \(turns % 4 * 90)°")
        }
        func replace(_ next: UnsafeMutablePointer<PIX>?) -> Bool {
            guard let next else { return false }
            Leptonica.destroy(pix)
            pix = next
            return true
        }
        var props = ImageProperties.measure(pix, dpi: dpi)
        var scale = 1.0
        let pixels = Double(pixGetWidth(pix)) * Double(pixGetHeight(pix))
        if allowed.contains(.upscale),
            let wanted = enlarge ?? (dpi < level.minDPI ? min(2, Self.targetDPI / dpi) : nil),
            case let s = min(wanted, (Self.maxUpscaledPixels / pixels).squareRoot()), s > 1.05
        {
            if replace(pixScaleGrayLI(pix, Float(s), Float(s))) {
                scale = s
                steps.append(String(format: "upscale ×%.2f", s))
            }
        }
        // Dark corners, or light falling across the page by as much as 30 % of the print's
        // contrast: one global threshold (Tesseract's) then turns the darker paper black.
        if allowed.contains(.background),
            props.paperSpread > level.maxPaperSpread || props.paperRange * 10 >= props.contrast * 3,
            replace(pixBackgroundNormSimple(pix, nil, nil))
        {
            steps.append(Step.background.rawValue)
            props = ImageProperties.measure(pix, dpi: dpi * scale)
        }
        if allowed.contains(.despeckle), props.noise > level.maxNoise, replace(pixMedianFilter(pix, 3, 3)) {
            steps.append(String(format: "despeckle (σ %.0f)", props.noise))
            props = ImageProperties.measure(pix, dpi: dpi * scale)
        }
        if allowed.contains(.contrast), props.contrast < level.minContrast, props.contrast > 20,
            replace(pixGammaTRC(nil, pix, 1.0, Int32(props.ink), Int32(props.paper)))
        {
            steps.append(String(format: "contrast %d–%d", props.ink, props.paper))
        }
        if allowed.contains(.deskew), let angle = Self.skew(of: pix), abs(angle) >= level.minSkew,
            replace(pixRotate(pix, Float(angle * .pi / 180), Int32(L_ROTATE_AREA_MAP), Int32(L_BRING_IN_WHITE), 0, 0))
        {
            steps.append(String(format: "deskew %.1f°", angle))
        }
        return Prepared(pix: pix, dpi: dpi * scale, scale: scale, steps: steps)
    }

    /// The skew of the text in a grey image, in degrees (positive: clockwise), when leptonica
    /// finds it with at least `minConfidence` (its ratio of best to worst alignment score).
    package static func skew(of pix: UnsafeMutablePointer<PIX>, minConfidence: Float = 3) -> Double? {
        guard var binary = pixConvertTo1(pix, 160) else { return nil }
        defer { Leptonica.destroy(binary) }
        // The search is on a 2× reduced image by default; small images are searched at full size.
        if pixGetWidth(binary) > 2400, let reduced = pixReduceRankBinaryCascade(binary, 1, 0, 0, 0) {
            Leptonica.destroy(binary)
            binary = reduced
        }
        var angle: Float = 0, confidence: Float = 0
        guard pixFindSkew(binary, &angle, &confidence) == 0, confidence >= minConfidence else { return nil }
        return Double(angle)
    }
}
