import CLeptonica
import DocRouteModel
import Foundation

import struct DocRouteModel.Box

extension FormReader {
    /// Clears from each region of the located copy where the form prints furniture lighter than
    /// the value (grey boxes, comb marks, tinted guides: seen on the copy it was learned from,
    /// and found again on this one; see `InkRoom.furniture`) that furniture: its tone and
    /// lighter become paper there, so that the printed run does not take it in. (OCR reads the
    /// copy as it came: whitened, the grey edges of blurred print go too, and on SF-424's
    /// scans more values were read wrong than right.) A region whose lighter ink mostly
    /// touches the darker (the edges of blurred print), or whose darker ink holds no print a
    /// value's height (a value in colour over black rules), is left as it is.
    package static func dropFurniture(_ located: Located, image: Image) {
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
