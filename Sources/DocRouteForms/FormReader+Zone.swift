import CLeptonica
import DocRouteExtraction
import DocRouteModel
import DocRouteReaders
import Foundation
import Synchronization

import struct DocRouteModel.Box

extension FormReader {
    /// The first half of a TD1 zone's first line (document code, issuing state, number and its
    /// check digit: 15 of the zone's 90 characters) read on the located copy by `reader`; nil
    /// when the template's zone is not three lines, or nothing was read.
    static func numberLine(_ located: Located, image: Image, reader: RegionReader) throws(DocRouteError) -> String? {
        guard let zone = located.template.zone, zone.page == 0, zone.lines == 3 else { return nil }
        let box = located.map.pixels(zone.area)
        // The zone's print, inside the margins it was learned with (a line across, 0.3 down).
        let line = located.map.e * zone.height
        let inner = Box(x0: box.x0 + line, y0: box.y0 + 0.3 * line, x1: box.x1 - line, y1: box.y1 - 0.3 * line)
        guard inner.width > 0, inner.height > 0 else { return nil }
        let first = Box(
            x0: inner.x0, y0: inner.y0, x1: inner.x0 + inner.width * 16 / 30, y1: inner.y0 + inner.height / 3)
        return try reader.read(
            page: 0, box: first.scaled(by: 1 / image.scale), lines: 1, whitelist: MRZZone.alphabet,
            margin: 0.25, enlarge: false)?.text
    }

    /// The template's machine-readable zone read on the located copy by `reader` (as the full
    /// path re-reads a zone: with the zone's alphabet; at its own size), one word per line, so that the router
    /// finds and checks it; empty when the template has none.
    package static func zone(_ located: Located, image: Image, reader: RegionReader, firstLine: Int)
        throws(DocRouteError) -> [TextSpan]
    {
        guard let zone = located.template.zone, zone.page == 0 else { return [] }
        let box = located.map.pixels(zone.area).scaled(by: 1 / image.scale)
        guard
            let reading = try reader.read(
                page: 0, box: box, lines: zone.lines, whitelist: MRZZone.alphabet, enlarge: false)
        else { return [] }
        let lines = reading.text.split(separator: "\n").map(String.init)
        let step = box.height / Double(max(1, lines.count))
        return lines.enumerated().map { i, text in
            TextSpan(
                text: text,
                box: Box(x0: box.x0, y0: box.y0 + Double(i) * step, x1: box.x1, y1: box.y0 + Double(i + 1) * step),
                confidence: reading.confidence, line: firstLine + i, block: 1, order: 0)
        }
    }
}
