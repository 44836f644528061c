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
    /// Lighter than ink but not paper: a quarter of the way from paper to the darkest print
    /// (the ink threshold where lighter furniture stands).
    private let faint: Int
    /// A quarter of the way from paper to the darkest print, whatever furniture there is:
    /// anything printed at all (see `isMarked`).
    private let mark: Int

    /// `box` (pixels) clipped to `pix`; nil when `pix` is not 8-bit, the rectangle is smaller
    /// than `minSide` either way, or it holds no print (paper and print less than 60 apart).
    /// With `printWidth`, the darkest print is the 1st percentile of that many pixels across
    /// (the rectangle's height down), wherever they stand: one letter in a long room is too
    /// little of it for the room's own 1st percentile to be print.
    init?(_ pix: UnsafeMutablePointer<PIX>, box: Box, minSide: Int = 2, printWidth: Double? = nil, below: Int? = nil) {
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
        let paper = ImageProperties.percentile(histogram, 0.9)
        let share = printWidth.map { min(1, max(1, $0) / max(1, across)) } ?? 1
        let dark = ImageProperties.percentile(histogram, 0.01 * share)
        guard paper - dark >= 60 else { return nil }
        threshold = below ?? (paper + dark) / 2
        furniture = Self.furniture(histogram, paper: paper, dark: dark)
        mark = paper - (paper - dark) / 4
        faint = below ?? (furniture == nil ? mark : threshold)
    }

    /// A lighter tone than the print's that holds much of the ink — a form's grey boxes, comb
    /// marks or tinted guides under a value typed in black — told by a peak of its own between
    /// the print and the paper: the grey levels it spans (nil when there is none).
    let furniture: Range<Int>?

    /// The lighter ink's grey levels in `histogram` (see `furniture`): a peak in the middle of
    /// the way from `dark` to `paper` at least four times as high as the valley between it and
    /// the print, holding a fifth as many pixels as the print at least; from the valley to as
    /// far past the peak.
    static func furniture(_ histogram: [Int], paper: Int, dark: Int) -> Range<Int>? {
        let range = paper - dark
        guard range >= 90 else { return nil }
        // Counts over 8 grey levels, so that one level's noise makes no peak.
        func count(_ g: Int) -> Int { histogram[max(0, g - 4)..<min(256, g + 4)].reduce(0, +) }
        let band = (dark + range / 4)..<(paper - range * 15 / 100)
        // The valley lies between the print's own peak and the lighter one: a few pixels much
        // darker than the print (a thick rule's core) leave an empty stretch below the print.
        let print = (dark...(dark + range / 4)).max(by: { count($0) < count($1) }) ?? dark
        let start = max(dark + range / 10, print + 4)
        guard let peak = band.max(by: { count($0) < count($1) }), start < peak,
            case let between = start..<peak,
            let low = between.map(count).min()
        else { return nil }
        // The middle of the valley's floor: its lowest levels may stretch from the print's
        // edges to the furniture's.
        let floor = between.filter { count($0) <= 2 * low + 2 }
        let valley = (floor.first! + floor.last!) / 2
        let tones = valley..<min(256, peak + (peak - valley))
        let printed = histogram[0..<valley].reduce(0, +)
        let lighter = histogram[tones].reduce(0, +)
        guard count(peak) >= 4 * max(1, count(valley)), 5 * lighter >= printed, printed > 0 else { return nil }
        return tones
    }

    /// The share of the pixels of grey `tones` in the rectangle that have a darker pixel within
    /// two pixels: the edges of blurred print have most of theirs next to it, a form's furniture
    /// few (only where the print crosses it).
    func touching(_ tones: Range<Int>) -> Double {
        var inTone = 0, touching = 0
        for y in y0..<y1 {
            for x in x0..<x1 where tones.contains(grey(x, y)) {
                inTone += 1
                search: for v in max(y0, y - 2)..<min(y1, y + 3) {
                    for u in max(x0, x - 2)..<min(x1, x + 3) where grey(u, v) < tones.lowerBound {
                        touching += 1
                        break search
                    }
                }
            }
        }
        return inTone == 0 ? 1 : Double(touching) / Double(inTone)
    }

    /// How many pixels of the rectangle are darker than `level`.
    func count(below level: Int) -> Int {
        var n = 0
        for y in y0..<y1 { for x in x0..<x1 where grey(x, y) < level { n += 1 } }
        return n
    }

    private func grey(_ x: Int, _ y: Int) -> Int { Int(bytes[y * wpl * 4 + (x ^ 3)]) }

    /// Whether the pixel at (x, y) — image coordinates — is ink.
    func isInk(_ x: Int, _ y: Int) -> Bool { Int(bytes[y * wpl * 4 + (x ^ 3)]) < threshold }

    /// Whether anything is printed at (x, y), furniture included (see `mark`).
    func isMarked(_ x: Int, _ y: Int) -> Bool { Int(bytes[y * wpl * 4 + (x ^ 3)]) < mark }

    /// Whether the pixel at (x, y) is faint print at least (see `faint`).
    func isFaint(_ x: Int, _ y: Int) -> Bool { Int(bytes[y * wpl * 4 + (x ^ 3)]) < faint }
}
