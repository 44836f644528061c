import CLeptonica
import DocRouteModel
import Foundation

import struct DocRouteModel.Box

extension FormReader {
    /// Clears from each region of the located copy where the form prints furniture lighter than
    /// the value (grey boxes, comb marks, tinted guides: seen on the copy it was learned from,
    /// and found again on this one; see `InkRoom.furniture`) that furniture: its tone and
    /// lighter become paper there, so that neither the printed run nor OCR takes it in. A region
    /// whose lighter ink mostly touches the darker (the edges of blurred print), or whose darker
    /// ink holds no print a value's height (a value in colour over black rules), is left as it is. Regions are cleared one by one, before any is read.
    static func dropFurniture(_ located: Located, image: Image) {
        for region in located.template.regions.values where region.page == 0 && region.furniture == true {
            let room = located.map.pixels(region.area)
            guard let tones = furniture(in: room, of: image.pix, valueHeight: located.map.e * region.height) else {
                continue
            }
            whiten(image.pix, room, from: tones.lowerBound)
        }
    }

    /// The grey levels of furniture printed lighter than the value in `room` (pixels; see
    /// `InkRoom.furniture`): when most of it stands apart from the darker print (the edges of
    /// blurred or light print touch it: 0.8–1 of theirs; grey boxes under digits: 0.05–0.5), and the darker
    /// print alone makes a value's run (a value's height, two letters wide at least, a fifth of
    /// the ink in it dark) — light print whose darkest specks only are darker is no value over
    /// furniture.
    static func furniture(in room: Box, of pix: UnsafeMutablePointer<PIX>, valueHeight: Double) -> Range<Int>? {
        guard valueHeight > 0, let ink = InkRoom(pix, box: room, printWidth: 4 * valueHeight),
            let tones = ink.furniture, ink.touching(tones) <= 0.6,
            let run = Self.ink(in: room, of: pix, valueHeight: valueHeight, below: tones.lowerBound),
            run.height >= 0.5 * valueHeight, run.width >= 1.5 * valueHeight,
            let inRun = InkRoom(pix, box: run),
            5 * inRun.count(below: tones.lowerBound) >= inRun.count(below: tones.upperBound)
        else { return nil }
        return tones
    }

    /// Sets the pixels of `box` (clipped to the 8-bit `pix`) of grey `tone` or lighter to white.
    static func whiten(_ pix: UnsafeMutablePointer<PIX>, _ box: Box, from tone: Int) {
        let w = Int(pixGetWidth(pix)), h = Int(pixGetHeight(pix))
        let x0 = max(0, Int(box.x0)), x1 = min(w, Int(box.x1.rounded(.up)))
        let y0 = max(0, Int(box.y0)), y1 = min(h, Int(box.y1.rounded(.up)))
        guard pixGetDepth(pix) == 8, x1 > x0, y1 > y0, let data = pixGetData(pix) else { return }
        let wpl = Int(pixGetWpl(pix))
        let bytes = UnsafeMutableRawPointer(data).assumingMemoryBound(to: UInt8.self)
        for y in y0..<y1 {
            for x in x0..<x1 where Int(bytes[y * wpl * 4 + (x ^ 3)]) >= tone { bytes[y * wpl * 4 + (x ^ 3)] = 255 }
        }
    }
}

extension FormReader {
    /// Clears from each region of the located copy the thin upright strokes standing taller
    /// than its value's print (a comb's dividers, the sides of boxes drawn round each digit or
    /// round the value): read with the print, a divider through a `3` makes it an `8`. Where a
    /// letter's stroke crosses the divider (print on both sides of it), or darker print lies on
    /// a grey divider (a `1`), the divider is kept, so that the letter stays whole. Print never
    /// stands a quarter taller than its own line; a stroke that runs on past the region's line
    /// (a box's edge, a column's rule) is left to the ink's run (see `ink`).
    static func dropUprights(_ located: Located, image: Image) {
        for region in located.template.regions.values where region.page == 0 {
            let height = located.map.e * region.height
            guard height >= 6 else { continue }
            var room = located.map.pixels(region.area)
            room.y0 -= 0.5 * height
            room.y1 += 0.5 * height
            clearUprights(in: room, of: image.pix, valueHeight: height)
        }
    }

    /// Whitens the upright strokes in `room` (pixels of the 8-bit `pix`) at least 1.25
    /// `valueHeight`s tall and at most a fifth of one wide (see `dropUprights`).
    static func clearUprights(in room: Box, of pix: UnsafeMutablePointer<PIX>, valueHeight: Double) {
        guard let ink = InkRoom(pix, box: room, printWidth: 4 * valueHeight) else { return }
        let tall = Int((1.25 * valueHeight).rounded(.up)), thin = max(2, Int(0.2 * valueHeight))
        guard ink.y1 - ink.y0 >= tall else { return }
        // Each column's runs of print that tall, left to right.
        var runs: [(x: Int, y0: Int, y1: Int)] = []
        for x in ink.x0..<ink.x1 {
            var start: Int?
            for y in ink.y0...ink.y1 {
                if y < ink.y1, ink.isMarked(x, y) {
                    start = start ?? y
                } else if let s = start {
                    // A stroke cut by the room's top or bottom goes on past it: a box's
                    // edge or a column's rule, which the ink's run leaves out (see `ink`).
                    if y - s >= tall, s > ink.y0, y < ink.y1 { runs.append((x, s, y)) }
                    start = nil
                }
            }
        }
        // A stroke: runs in neighbouring columns that overlap down the page.
        var strokes: [[(x: Int, y0: Int, y1: Int)]] = []
        for run in runs {
            if let i = strokes.indices.last(where: { i in
                strokes[i].contains { $0.x == run.x - 1 && $0.y0 < run.y1 && run.y0 < $0.y1 }
            }) {
                strokes[i].append(run)
            } else {
                strokes.append([run])
            }
        }
        let w = Int(pixGetWidth(pix))
        guard let data = pixGetData(pix) else { return }
        let wpl = Int(pixGetWpl(pix))
        let bytes = UnsafeMutableRawPointer(data).assumingMemoryBound(to: UInt8.self)
        for stroke in strokes {
            let left = stroke.map(\.x).min()!, right = stroke.map(\.x).max()!
            guard right - left + 1 <= thin else { continue }
            func inked(_ x: Int, _ y: Int) -> Bool { x >= 0 && x < w && ink.isInk(x, y) }
            // Print laid over a grey stroke (a `1` on a comb's divider) is darker than the
            // stroke's own tone (its rows' median darkest grey): kept.
            var darkest: [Int: Int] = [:]
            for run in stroke {
                for y in run.y0..<run.y1 { darkest[y] = min(darkest[y] ?? 255, Int(bytes[y * wpl * 4 + (run.x ^ 3)])) }
            }
            let tone = darkest.values.sorted()[darkest.count / 2]
            for run in stroke {
                for y in run.y0..<run.y1 where darkest[y, default: 255] >= tone - 40 {
                    // A letter's stroke crossing the divider: print on both sides of it.
                    let crossed =
                        (inked(left - 1, y) || inked(left - 2, y)) && (inked(right + 1, y) || inked(right + 2, y))
                    guard !crossed else { continue }
                    bytes[y * wpl * 4 + (run.x ^ 3)] = 255
                    // The stroke's blurred fringe goes with it, where it is not print.
                    for x in [left - 1, right + 1] where x >= 0 && x < w && !ink.isInk(x, y) {
                        bytes[y * wpl * 4 + (x ^ 3)] = 255
                    }
                }
            }
        }
    }
}
