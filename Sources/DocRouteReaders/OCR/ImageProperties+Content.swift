import CLeptonica
import DocRouteModel

import struct DocRouteModel.Box

extension ImageProperties {
    /// The smallest box (pixels) holding every row and column of an 8-bit grey image with at
    /// least two pixels clearly darker than its paper; nil when there are none (blank paper).
    /// Isolated specks are thus ignored; anything printed, including a card's own grey
    /// background on white paper, counts. `solid` says the box's edges are dark nearly all
    /// along: a card or a photo laid on the paper rather than print on it.
    static func content(of pix: UnsafeMutablePointer<PIX>) -> (box: Box, solid: Bool)? {
        let w = Int(pixGetWidth(pix)), h = Int(pixGetHeight(pix))
        guard w >= 8, h >= 8, pixGetDepth(pix) == 8, let data = pixGetData(pix) else { return nil }
        let threshold = measure(pix, dpi: 72).paper - 40
        let wpl = Int(pixGetWpl(pix))
        let bytes = UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self)
        var rows = [Int](repeating: 0, count: h), columns = [Int](repeating: 0, count: w)
        for y in 0..<h {
            let row = bytes + y * wpl * 4
            for x in 0..<w where Int(row[x ^ 3]) < threshold {
                rows[y] += 1
                columns[x] += 1
            }
        }
        guard let top = rows.firstIndex(where: { $0 >= 2 }), let bottom = rows.lastIndex(where: { $0 >= 2 }),
            let left = columns.firstIndex(where: { $0 >= 2 }), let right = columns.lastIndex(where: { $0 >= 2 })
        else { return nil }
        func dark(_ x: Int, _ y: Int) -> Bool { Int(bytes[y * wpl * 4 + (x ^ 3)]) < threshold }
        var edge = 0, edgeDark = 0
        if right - left >= 8, bottom - top >= 8 {
            for x in left + 2...right - 2 {
                edge += 2
                edgeDark += (dark(x, top + 1) ? 1 : 0) + (dark(x, bottom - 1) ? 1 : 0)
            }
            for y in top + 2...bottom - 2 {
                edge += 2
                edgeDark += (dark(left + 1, y) ? 1 : 0) + (dark(right - 1, y) ? 1 : 0)
            }
        }
        let box = Box(x0: Double(left), y0: Double(top), x1: Double(right + 1), y1: Double(bottom + 1))
        return (box, edge > 0 && Double(edgeDark) >= 0.9 * Double(edge))
    }
}
