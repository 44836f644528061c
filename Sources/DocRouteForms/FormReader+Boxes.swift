import CLeptonica
import DocRouteModel
import Foundation

import struct DocRouteModel.Box

extension FormReader {
    /// Clears from each region of the located copy the thin strokes of boxes drawn round its
    /// characters (a comb's dividers, the tops and bottoms of its squares): read with the print,
    /// a divider through a `3` or a square's top on it makes it an `8`. Uprights standing a
    /// quarter taller than the value's print and ending within its line are cleared, and the
    /// bars that meet them, longer than a character and off the middle of the line (see
    /// `clearBoxes`). Where a character's stroke crosses one (print on both sides of it), or
    /// darker print lies on a grey one (a `1`), the stroke is kept, so that the character stays
    /// whole. A stroke that runs on past the region's room (a box's edge round the whole value,
    /// a column's rule) is left to the ink's run (see `ink`).
    package static func dropBoxes(_ located: Located, image: Image) -> Set<String> {
        var boxed: Set<String> = []
        for (name, region) in located.template.regions where region.page == 0 {
            let height = located.map.e * region.height
            guard height >= 6 else { continue }
            var room = located.map.pixels(region.area)
            room.y0 -= 0.5 * height
            room.y1 += 0.5 * height
            if clearBoxes(in: room, of: image.pix, valueHeight: height) { boxed.insert(name) }
        }
        return boxed
    }

    /// Whitens in `room` (pixels of the 8-bit `pix`) the upright strokes at least 1.25
    /// `valueHeight`s tall, and the level ones 0.8 to 4 long that meet one at an end, whose
    /// middle is a quarter of one or more off the room's (a character's bar, like a `T`'s or a
    /// dash, meets no box's side); each at most a fifth of one thick (see `dropBoxes`).
    @discardableResult
    static func clearBoxes(in room: Box, of pix: UnsafeMutablePointer<PIX>, valueHeight: Double) -> Bool {
        guard let ink = InkRoom(pix, box: room, printWidth: 4 * valueHeight),
            case let uprights = strokes(in: ink, valueHeight: valueHeight, upright: true), !uprights.isEmpty,
            let data = pixGetData(pix)
        else { return false }
        let middle = (ink.y0 + ink.y1) / 2
        let bars = strokes(in: ink, valueHeight: valueHeight, upright: false).filter { bar in
            4 * abs(bar.first + bar.last - 2 * middle) >= 2 * Int(valueHeight)
                && uprights.contains { bar.meets($0) }
        }
        let all = uprights + bars
        let (w, h) = (Int(pixGetWidth(pix)), Int(pixGetHeight(pix)))
        let wpl = Int(pixGetWpl(pix))
        let bytes = UnsafeMutableRawPointer(data).assumingMemoryBound(to: UInt8.self)
        func index(_ x: Int, _ y: Int) -> Int { y * wpl * 4 + (x ^ 3) }
        // Print is the ink of no stroke: one stroke meeting another crosses no print.
        var stroked = Set<Int>()
        for stroke in all { stroke.points { stroked.insert(index($0, $1)) } }
        func printed(_ x: Int, _ y: Int) -> Bool {
            x >= 0 && x < w && y >= 0 && y < h && ink.isInk(x, y) && !stroked.contains(index(x, y))
        }
        // What each stroke clears is decided on the image as it was, then cleared.
        var cleared: [Int] = []
        for stroke in all {
            let xy = stroke.xy
            // Print laid over a grey stroke (a `1` on a comb's divider) is darker than the
            // stroke's own tone (the median of its darkest grey at each point along it): kept.
            var darkest: [Int: Int] = [:]
            for run in stroke.runs {
                for a in run.a0..<run.a1 {
                    let p = xy(run.b, a)
                    darkest[a] = min(darkest[a] ?? 255, Int(bytes[index(p.x, p.y)]))
                }
            }
            let tone = darkest.values.sorted()[darkest.count / 2]
            for run in stroke.runs {
                for a in run.a0..<run.a1 where darkest[a, default: 255] >= tone - 40 {
                    // A character's stroke crossing this one: print on both sides of it.
                    func inked(_ b: Int) -> Bool {
                        let p = xy(b, a)
                        return printed(p.x, p.y)
                    }
                    let crossed =
                        (inked(stroke.first - 1) || inked(stroke.first - 2))
                        && (inked(stroke.last + 1) || inked(stroke.last + 2))
                    guard !crossed else { continue }
                    cleared.append(index(xy(run.b, a).x, xy(run.b, a).y))
                    // The stroke's blurred fringe goes with it, where it is not print.
                    for b in [stroke.first - 1, stroke.last + 1] {
                        let p = xy(b, a)
                        if p.x >= 0, p.x < w, p.y >= 0, p.y < h, !printed(p.x, p.y) { cleared.append(index(p.x, p.y)) }
                    }
                }
            }
        }
        for i in cleared { bytes[i] = 255 }
        return !cleared.isEmpty
    }

    /// A thin straight stroke: runs of marked pixels along it (`a`: y for an upright, x for a
    /// bar) in neighbouring lines across it (`b`).
    struct Stroke {
        let upright: Bool
        let runs: [(b: Int, a0: Int, a1: Int)]
        /// The lines across it that it spans (`first...last`) and where it starts and ends along.
        let first: Int, last: Int, start: Int, end: Int

        /// `runs` must not be empty.
        init(upright: Bool, runs: [(b: Int, a0: Int, a1: Int)]) {
            (self.upright, self.runs) = (upright, runs)
            first = runs.map(\.b).min()!
            last = runs.map(\.b).max()!
            start = runs.map(\.a0).min()!
            end = runs.map(\.a1).max()!
        }

        /// Image coordinates of a point across and along the stroke.
        var xy: (Int, Int) -> (x: Int, y: Int) { upright ? { ($0, $1) } : { ($1, $0) } }

        /// Calls `body` with the image coordinates of each of its pixels.
        func points(_ body: (Int, Int) -> Void) {
            for run in runs { for a in run.a0..<run.a1 { let p = xy(run.b, a); body(p.x, p.y) } }
        }

        /// Whether this bar has an end on the upright `side` (within 3 pixels), as a box's top
        /// or bottom has.
        func meets(_ side: Stroke) -> Bool {
            let near = (side.first - 3)...(side.last + 3)
            return (near.contains(start) || near.contains(end - 1)) && side.start <= last + 3 && first - 3 < side.end
        }
    }

    /// The strokes in `ink`'s rectangle at most a fifth of `valueHeight` thick and, `upright`,
    /// at least 1.25 of it tall, or else 0.8 to 4 of it long. A stroke cut by the rectangle's
    /// edge goes on past it (a box's edge round the value, a column's rule): not counted.
    static func strokes(in ink: InkRoom, valueHeight: Double, upright: Bool) -> [Stroke] {
        let long = Int(((upright ? 1.25 : 0.8) * valueHeight).rounded(.up))
        let longest = upright ? Int.max : Int(4 * valueHeight)
        let thin = max(2, Int(0.2 * valueHeight))
        let (a0, a1, b0, b1) = upright ? (ink.y0, ink.y1, ink.x0, ink.x1) : (ink.x0, ink.x1, ink.y0, ink.y1)
        guard a1 - a0 >= long else { return [] }
        func marked(_ b: Int, _ a: Int) -> Bool { upright ? ink.isMarked(b, a) : ink.isMarked(a, b) }
        // Each line's runs of print that long, in order across.
        var runs: [(b: Int, a0: Int, a1: Int)] = []
        for b in b0..<b1 {
            var start: Int?
            for a in a0...a1 {
                if a < a1, marked(b, a) {
                    start = start ?? a
                } else if let s = start {
                    if a - s >= long, a - s <= longest, s > a0, a < a1 { runs.append((b, s, a)) }
                    start = nil
                }
            }
        }
        // A stroke: runs in neighbouring lines that overlap along it.
        var groups: [[(b: Int, a0: Int, a1: Int)]] = []
        for run in runs {
            if let i = groups.indices.last(where: { i in
                groups[i].contains { $0.b == run.b - 1 && $0.a0 < run.a1 && run.a0 < $0.a1 }
            }) {
                groups[i].append(run)
            } else {
                groups.append([run])
            }
        }
        return groups.map { Stroke(upright: upright, runs: $0) }.filter { $0.last - $0.first + 1 <= thin }
    }
}
