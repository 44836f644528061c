import CLeptonica
import DocRouteModel

import struct DocRouteModel.Box

/// What a page image looks like to OCR, measured from its grey pixels in one pass: paper and
/// ink levels, how evenly the paper is lit, and how noisy it is. `ImagePreprocessor` decides
/// from these which preparation steps pay.
package struct ImageProperties: Sendable, Hashable {
    var width: Int
    var height: Int
    /// Resolution the image was taken at (assumed 300 when it says nothing usable).
    var dpi: Double
    /// Grey level of the paper: the median over tiles of each tile's bright level.
    var paper: Int
    /// How unevenly the paper is lit: how far the darkest tiles' bright level (5th percentile of
    /// tiles) falls below the median tile's.
    var paperSpread: Int
    /// How far the paper's level runs from its darkest to its brightest tiles (5th to 95th
    /// percentile): light falling across the page.
    var paperRange = 0
    /// Grey level of the print: the 10th percentile of the pixels clearly darker than the paper
    /// (the paper's level when there are almost none).
    var ink: Int
    /// Standard deviation of pixel noise, estimated robustly (median absolute Laplacian).
    var noise: Double

    /// Paper minus ink.
    var contrast: Int { paper - ink }

    /// Measures an 8-bit grey image (sampled; tiles of 128 px or more, 4 to 16 a side).
    static func measure(_ pix: UnsafeMutablePointer<PIX>, dpi: Double) -> ImageProperties {
        let w = Int(pixGetWidth(pix)), h = Int(pixGetHeight(pix))
        var props = ImageProperties(width: w, height: h, dpi: dpi, paper: 255, paperSpread: 0, ink: 0, noise: 0)
        guard w >= 8, h >= 8, pixGetDepth(pix) == 8, let data = pixGetData(pix) else { return props }
        let wpl = Int(pixGetWpl(pix))
        // Leptonica packs 8-bit pixels big-endian into 32-bit words: on a little-endian
        // machine pixel x of a row is at byte x ^ 3.
        let bytes = UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self)
        @inline(__always) func at(_ x: Int, _ y: Int) -> Int { Int(bytes[y * wpl * 4 + (x ^ 3)]) }

        var histogram = [Int](repeating: 0, count: 256)
        let tilesX = max(4, min(16, w / 128)), tilesY = max(4, min(16, h / 128))
        var tileHistograms = [[Int]](repeating: [Int](repeating: 0, count: 32), count: tilesX * tilesY)
        var laplacian = [Int](repeating: 0, count: 1024)
        // At most ~250k sampled pixels (every pixel of every second row of a card; every fifth
        // of every fifth row of an A4 page at 300 dpi): the Laplacian still sees each sample's
        // full-resolution neighbours.
        let step = max(1, Int((Double(w * h) / 250_000).squareRoot()))
        var y = 1
        while y < h - 1 {
            let ty = min(tilesY - 1, y * tilesY / h)
            var x = 1
            while x < w - 1 {
                let v = at(x, y)
                histogram[v] += 1
                tileHistograms[ty * tilesX + min(tilesX - 1, x * tilesX / w)][v >> 3] += 1
                // Immerkær's mask [1 -2 1; -2 4 -2; 1 -2 1]: zero on smooth shading, ~6σ on noise.
                let l =
                    at(x - 1, y - 1) - 2 * at(x, y - 1) + at(x + 1, y - 1)
                    - 2 * at(x - 1, y) + 4 * v - 2 * at(x + 1, y)
                    + at(x - 1, y + 1) - 2 * at(x, y + 1) + at(x + 1, y + 1)
                laplacian[min(1023, abs(l))] += 1
                x += step
            }
            y += max(2, step)
        }
        // A tile's paper level: its 90th percentile (text covers less than a tenth of it).
        let tilePaper = tileHistograms.filter { $0.reduce(0, +) > 0 }.map { percentile($0, 0.9) * 8 + 4 }.sorted()
        if !tilePaper.isEmpty {
            props.paper = tilePaper[tilePaper.count / 2]
            props.paperSpread = props.paper - tilePaper[tilePaper.count / 20]
            props.paperRange = tilePaper[tilePaper.count - 1 - tilePaper.count / 20] - tilePaper[tilePaper.count / 20]
        }
        let darker = Array(histogram[0..<max(0, props.paper - 40)])
        let total = histogram.reduce(0, +)
        props.ink = darker.reduce(0, +) * 1000 > total ? percentile(darker, 0.1) : props.paper
        // Median |response| of a normal variable is 0.6745σ; the mask's gain on noise is 6.
        props.noise = Double(percentile(laplacian, 0.5)) / (0.6745 * 6)
        return props
    }

    /// The value below which `fraction` of the counts lie.
    package static func percentile(_ counts: [Int], _ fraction: Double) -> Int {
        let total = counts.reduce(0, +)
        guard total > 0 else { return 0 }
        let target = Int(Double(total) * fraction)
        var seen = 0
        for (v, n) in counts.enumerated() {
            seen += n
            if seen > target { return v }
        }
        return counts.count - 1
    }
}
