import CLeptonica
import Testing

@testable import DocRouteModel
@testable import DocRouteReaders

/// Ruling lines found in pixels (leptonica): words on a shaded header, lines running into a fill.
@Suite struct RuleFinderTests {
    /// A grey image `width` × `height` (white), with the rectangles filled at their grey levels.
    func image(_ width: Int32, _ height: Int32, _ rects: [(Int32, Int32, Int32, Int32, Int32)]) throws
        -> UnsafeMutablePointer<PIX>
    {
        let pix = try #require(pixCreate(width, height, 8))
        pixSetAllGray(pix, 255)
        for (x, y, w, h, grey) in rects {
            let box = try #require(boxCreate(x, y, w, h))
            pixSetInRectArbitrary(pix, box, l_uint32(grey))
            var b: UnsafeMutablePointer<BOX>? = box
            boxDestroy(&b)
        }
        return pix
    }

    @Test func wordsOnADarkHeaderAreNotLinesAndColumnLinesRunIntoIt() throws {
        // 144 dpi (2 px a point): a dark header 20 pt tall with white words 2 pt apart, over a
        // grid whose middle column line starts at the header.
        let pix = try image(
            800, 300,
            [
                (40, 40, 720, 40, 70),  // the header's fill
                (60, 50, 100, 20, 255), (164, 50, 100, 20, 255), (268, 50, 100, 20, 255),  // its words
                (40, 40, 2, 220, 0), (400, 40, 2, 220, 0), (758, 40, 2, 220, 0),  // column lines
                (40, 160, 720, 2, 0), (40, 258, 720, 2, 0),  // row lines
            ])
        defer { Leptonica.destroy(pix) }
        let words = [
            Box(x0: 30, y0: 25, x1: 80, y1: 35), Box(x0: 82, y0: 25, x1: 132, y1: 35),
            Box(x0: 134, y0: 25, x1: 184, y1: 35),
        ]
        let rules = RuleFinder.rules(in: pix, scale: 2, words: words)
        let down = rules.filter { $0.y1 - $0.y0 > $0.x1 - $0.x0 }
        // No line in the gaps between the header's words.
        #expect(!down.contains { $0.x0 > 25 && $0.x1 < 195 }, "\(down)")
        // The middle column line is a line from the header down to the last row.
        let middle = try #require(down.first { abs($0.x0 - 200) < 2 }, "\(down)")
        #expect(middle.y0 <= 41 && middle.y1 >= 129)
        // The header gives its top and bottom edges.
        let across = rules.filter { $0.x1 - $0.x0 >= $0.y1 - $0.y0 }
        #expect(across.contains { abs($0.y0 - 20) < 1.5 } && across.contains { abs($0.y1 - 40) < 1.5 })
    }
}
