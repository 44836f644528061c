import CLeptonica
import DocRouteModel

import struct DocRouteModel.Box

extension ImageProperties {
    /// The box (pixels) around everything printed on a document's image: its frame, measured
    /// the same way on every copy of a layout so that one copy's positions map onto another's.
    ///
    /// Measured on a 4× reduced image, where noise averages away: a reduced pixel is ink when
    /// it is clearly darker (by 40 grey levels) than the brightest pixel near it, so that
    /// shadows and grey paper are not ink. A photo's dark surround (a card on a desk) is left
    /// out first: when the image's border is much darker than its paper, only the rows and
    /// columns that are mostly paper are searched. Nil when nothing is printed.
    package static func frame(of pix: UnsafeMutablePointer<PIX>) -> Box? {
        guard pixGetDepth(pix) == 8, pixGetWidth(pix) >= 32, pixGetHeight(pix) >= 32,
            let reduced = pixScaleAreaMap2(pix).flatMap({ half in
                defer { Leptonica.destroy(half) }
                return pixScaleAreaMap2(half)
            })
        else { return nil }
        defer { Leptonica.destroy(reduced) }
        guard let local = pixDilateGray(reduced, 7, 7) else { return nil }
        defer { Leptonica.destroy(local) }
        let w = Int(pixGetWidth(reduced)), h = Int(pixGetHeight(reduced))
        let wpl = Int(pixGetWpl(reduced)), lwpl = Int(pixGetWpl(local))
        guard let data = pixGetData(reduced), let ldata = pixGetData(local) else { return nil }
        let bytes = UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self)
        let lbytes = UnsafeRawPointer(ldata).assumingMemoryBound(to: UInt8.self)
        func at(_ x: Int, _ y: Int) -> Int { Int(bytes[y * wpl * 4 + (x ^ 3)]) }
        func near(_ x: Int, _ y: Int) -> Int { Int(lbytes[y * lwpl * 4 + (x ^ 3)]) }

        var histogram = [Int](repeating: 0, count: 256)
        var border = 0, borderCount = 0
        for y in 0..<h {
            for x in 0..<w {
                let v = at(x, y)
                histogram[v] += 1
                if x < 2 || y < 2 || x >= w - 2 || y >= h - 2 { border += v; borderCount += 1 }
            }
        }
        let paper = percentile(histogram, 0.9)
        // Paper rows and columns: a photo's card within its surround.
        var area = (x0: 0, y0: 0, x1: w, y1: h)
        if borderCount > 0, Double(border) / Double(borderCount) < Double(paper - 80) {
            let light = (border / borderCount + paper) / 2
            var rows = [Int](repeating: 0, count: h), columns = [Int](repeating: 0, count: w)
            for y in 0..<h {
                for x in 0..<w where at(x, y) >= light {
                    rows[y] += 1
                    columns[x] += 1
                }
            }
            if let top = rows.firstIndex(where: { $0 * 2 >= w / 2 }),
                let bottom = rows.lastIndex(where: { $0 * 2 >= w / 2 }),
                let left = columns.firstIndex(where: { $0 * 2 >= h / 2 }),
                let right = columns.lastIndex(where: { $0 * 2 >= h / 2 }),
                right - left >= 8, bottom - top >= 8
            {
                // Inside the card's edge, which is dark against its own paper.
                area = (left + 3, top + 3, right - 2, bottom - 2)
            }
        }
        var rows = [Int](repeating: 0, count: h), columns = [Int](repeating: 0, count: w)
        for y in area.y0..<area.y1 {
            for x in area.x0..<area.x1 where near(x, y) - at(x, y) >= 40 {
                rows[y] += 1
                columns[x] += 1
            }
        }
        guard let top = rows.firstIndex(where: { $0 >= 2 }), let bottom = rows.lastIndex(where: { $0 >= 2 }),
            let left = columns.firstIndex(where: { $0 >= 2 }), let right = columns.lastIndex(where: { $0 >= 2 }),
            right > left, bottom > top
        else { return nil }
        return Box(x0: Double(left * 4), y0: Double(top * 4), x1: Double((right + 1) * 4), y1: Double((bottom + 1) * 4))
    }
}
