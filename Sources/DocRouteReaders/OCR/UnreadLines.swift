import CLeptonica
import DocRouteModel

import struct DocRouteModel.Box

/// Lines of print a page's reading left unread: Tesseract's page layout can drop a short line
/// standing in a dashed or dotted box, or beside line art, as a picture (`Invoice No : # BLR…`
/// in a dashed frame). Found by ink alone: the marks of a letter's height left once ruling
/// lines and every word read are wiped, in rows of three or more.
enum UnreadLines {
    /// The lines of `pix` (8-bit grey) whose marks stand `height` (the page's print, pixels)
    /// tall, more or less, outside `words` (boxes, pixels): each a row of three marks at least,
    /// gaps no wider than a letter and a half, two letters long at least; top to bottom, at most
    /// `limit` (the longest first when there are more).
    static func find(
        in pix: UnsafeMutablePointer<PIX>, words: [Box], height: Double, limit: Int = 8
    ) -> [Box] {
        let w = Int(pixGetWidth(pix)), h = Int(pixGetHeight(pix))
        guard w >= 64, h >= 64, height >= 4, let binary = pixConvertTo1(pix, 150) else { return [] }
        defer { Leptonica.destroy(binary) }
        // Ruling lines are no print: runs four letters long across, two down.
        for (across, down) in [(Int32(4 * height), Int32(1)), (Int32(1), Int32(2 * height))] {
            guard let rules = pixOpenBrick(nil, binary, across, down) else { return [] }
            pixSubtract(binary, binary, rules)
            Leptonica.destroy(rules)
        }
        // What was read is wiped with a fifth of a letter round it (strokes stand out of boxes).
        let pad = 0.2 * height
        for word in words {
            guard
                let rect = boxCreate(
                    Int32(max(0, word.x0 - pad)), Int32(max(0, word.y0 - pad)), Int32(word.width + 2 * pad),
                    Int32(word.height + 2 * pad))
            else { continue }
            pixClearInRect(binary, rect)
            var b: UnsafeMutablePointer<BOX>? = rect
            boxDestroy(&b)
        }
        guard let parts = pixConnCompBB(binary, 8) else { return [] }
        defer { var a: UnsafeMutablePointer<BOXA>? = parts; boxaDestroy(&a) }
        // Marks of print: as tall as a letter give or take (a dash, a speck or a dotted frame's
        // dot is lower; a picture's blots taller), no wider than a few letters run together.
        var marks: [Box] = []
        for i in 0..<boxaGetCount(parts) {
            var x: Int32 = 0, y: Int32 = 0, bw: Int32 = 0, bh: Int32 = 0
            guard boxaGetBoxGeometry(parts, i, &x, &y, &bw, &bh) == 0 else { continue }
            guard Double(bh) >= 0.45 * height, Double(bh) <= 2 * height, Double(bw) <= 6 * height else { continue }
            marks.append(Box(x0: Double(x), y0: Double(y), x1: Double(x + bw), y1: Double(y + bh)))
        }
        guard marks.count >= 3, marks.count <= 20_000 else { return [] }
        return lines(of: marks, height: height, limit: limit)
    }

    /// `marks` gathered left to right into rows (each next mark overlapping the row's height by
    /// half of the lower one, a letter and a half from its end at most); the rows of three marks
    /// or more, two letters long at least.
    static func lines(of marks: [Box], height: Double, limit: Int) -> [Box] {
        var rows: [(box: Box, count: Int)] = []
        // The rows a next mark may still join (marks come left to right): those ending less
        // than a letter and a half before it.
        var open: [Int] = []
        for m in marks.sorted(by: { $0.x0 < $1.x0 }) {
            open.removeAll { rows[$0].box.x1 < m.x0 - 1.5 * height }
            let row = open.last { i in
                let r = rows[i].box
                return min(r.y1, m.y1) - max(r.y0, m.y0) >= 0.5 * min(r.height, m.height)
            }
            if let row {
                rows[row].box = rows[row].box.union(m)
                rows[row].count += 1
            } else {
                rows.append((m, 1))
                open.append(rows.count - 1)
            }
        }
        let kept = rows.filter { $0.count >= 3 && $0.box.width >= 2 * height && $0.box.height <= 2.5 * height }
            .map(\.box)
        return Array(kept.sorted { $0.width > $1.width }.prefix(limit)).sorted { ($0.y0, $0.x0) < ($1.y0, $1.x0) }
    }
}
