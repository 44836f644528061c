import CLeptonica
import DocRouteModel

import struct DocRouteModel.Box

extension FormReader {
    /// How far under a value's line (value heights, bottom to top) the line it wraps on to may
    /// start: typed lines stand 0.5–0.9 apart; a label under a box stands further, past a rule.
    static let wrapGap = 1.1
    /// Lines a value may wrap on to under its region (images).
    static let maxWrap = 8

    /// The print of a value that wraps on to the lines under `ink` (its line's printed run,
    /// pixels), within `room`'s width, and how many lines it spans: each next run starts where
    /// the value starts (within a value height and a half), no more than `wrapGap` value
    /// heights under the line before, no taller than a line, touching none of `stops` (the
    /// form's fixed words and the other fields' regions: a card's next label and value stand
    /// as near as a wrapped line would), with no ruled line between (a box's edge ends the
    /// value: the next label stands past it).
    static func wrapped(
        _ ink: Box, room: Box, of pix: UnsafeMutablePointer<PIX>, valueHeight h: Double, stops: [Box] = []
    ) -> (box: Box, lines: Int) {
        var box = ink, last = ink, lines = 1
        while lines < maxWrap {
            let below = Box(x0: room.x0, y0: last.y1 + 1, x1: room.x1, y1: last.y1 + (wrapGap + 1.4) * h)
            guard let next = Self.ink(in: below, of: pix, valueHeight: h), next.y0 - last.y1 <= wrapGap * h,
                abs(next.x0 - ink.x0) <= 1.5 * h, next.height <= 1.6 * h,
                !stops.contains(where: { $0.sharedShare(with: next) > 0 }),
                !ruled(Box(x0: room.x0, y0: last.y1, x1: room.x1, y1: next.y0), of: pix, valueHeight: h)
            else { break }
            box = box.union(next)
            last = next
            lines += 1
        }
        return (box, lines)
    }

    /// Whether `strip` (pixels) holds a ruled line: a row inked unbroken over four value
    /// heights, or across 85 % of the strip (print breaks between letters).
    static func ruled(_ strip: Box, of pix: UnsafeMutablePointer<PIX>, valueHeight h: Double) -> Bool {
        guard let ink = InkRoom(pix, box: strip, minSide: 1) else { return false }
        let width = ink.x1 - ink.x0
        for y in ink.y0..<ink.y1 {
            var stretch = 0, longest = 0, count = 0
            for x in ink.x0..<ink.x1 {
                if ink.isInk(x, y) {
                    stretch += 1
                    count += 1
                    longest = max(longest, stretch)
                } else {
                    stretch = 0
                }
            }
            if isRule(count: count, longest: longest, width: width, valueHeight: h) { return true }
        }
        return false
    }

    /// Whether a row `width` pixels wide, `count` of them inked and the longest unbroken
    /// stretch `longest`, is a ruled line: print breaks between letters, a rule does not.
    static func isRule(count: Int, longest: Int, width: Int, valueHeight h: Double) -> Bool {
        Double(longest) >= 4 * h || Double(count) >= 0.85 * Double(width)
    }
}
