import CLeptonica
import Testing

import struct DocRouteModel.Box

@testable import DocRouteExtraction
@testable import DocRouteForms
@testable import DocRouteModel

/// Issue 24: regions for fields a learning copy leaves empty, placed by their labels, and a
/// form's lighter furniture cleared from a value's region.
@Suite struct FormPlacementTests {
    static func word(_ text: String, _ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, line: Int) -> TextSpan {
        TextSpan(
            text: text, box: Box(x0: x0, y0: y0, x1: x1, y1: y1), confidence: 0.95, line: line, block: 0, order: line)
    }

    static func label(_ field: String, _ box: Box, quality: Double = 1) -> LabelMatcher.Printed {
        LabelMatcher.Printed(field: field, page: 0, box: box, quality: quality)
    }

    /// A form whose values stand under their labels, starting left of them (the labels start
    /// after their numbers): `1. Name:` over `Ada Lovelace`, `2. City:` over `London`,
    /// `3. Zip:` over nothing, a `Page 1` far right of the empty line.
    static let page = Page(
        index: 0, width: 600, height: 400, unit: .px, origin: .ocr,
        words: [
            word("1.", 10, 10, 20, 20, line: 0), word("Name:", 24, 10, 70, 20, line: 0),
            word("Ada", 14, 24, 44, 34, line: 1), word("Lovelace", 48, 24, 120, 34, line: 1),
            word("2.", 10, 50, 20, 60, line: 2), word("City:", 24, 50, 64, 60, line: 2),
            word("London", 14, 64, 70, 74, line: 3),
            word("3.", 10, 90, 20, 100, line: 4), word("Zip:", 24, 90, 56, 100, line: 4),
            word("Page", 500, 104, 540, 114, line: 5), word("1", 544, 104, 552, 114, line: 5),
        ])
    static let values = [
        FormLearner.Placed(name: "name", page: 0, box: Box(x0: 14, y0: 24, x1: 120, y1: 34), lines: 1),
        FormLearner.Placed(name: "city", page: 0, box: Box(x0: 14, y0: 64, x1: 70, y1: 74), lines: 1),
    ]
    static let labels = [
        label("name", Box(x0: 24, y0: 10, x1: 70, y1: 20)), label("city", Box(x0: 24, y0: 50, x1: 64, y1: 60)),
        label("zip", Box(x0: 24, y0: 90, x1: 56, y1: 100)),
    ]

    @Test func anEmptyFieldIsPlacedUnderItsLabelWhereItsColumnsValuesStart() throws {
        let placement = try #require(FormLearner.placement(of: Self.values, labels: Self.labels))
        #expect(placement.side == .below)
        #expect(placement.dy == 4 && placement.height == 10)
        let frame = Box(x0: 0, y0: 0, x1: 600, y1: 400)
        let (page, room) = try #require(
            FormLearner.placed(
                "zip", by: placement, labels: Self.labels, pages: [Self.page], frames: [frame],
                taken: Self.values.map { ($0.page, $0.box) }))
        #expect(page == 0)
        // Where the values start (14, not the label's 24), a line under the label, up to the
        // print after a gap (`Page 1`).
        #expect(room.x0 == 14 - 5 && room.y0 == 104 - 2 && room.y1 == 114 + 1.5)
        #expect(room.x1 == 500 - 4)
        // A field whose label is printed nowhere is not placed; neither is one printed twice
        // alike, but the one printed best among several is.
        let twice = Self.labels + [Self.label("zip", Box(x0: 324, y0: 90, x1: 356, y1: 100))]
        #expect(
            FormLearner.placed(
                "fax", by: placement, labels: Self.labels, pages: [Self.page], frames: [frame], taken: []) == nil)
        #expect(
            FormLearner.placed("zip", by: placement, labels: twice, pages: [Self.page], frames: [frame], taken: [])
                == nil)
        let worse = Self.labels + [Self.label("zip", Box(x0: 324, y0: 90, x1: 356, y1: 100), quality: 0.9)]
        let best = try #require(
            FormLearner.placed("zip", by: placement, labels: worse, pages: [Self.page], frames: [frame], taken: []))
        #expect(best.room.y0 == 102 && best.room.x0 < 50)
    }

    @Test func valuesBesideTheirLabelsPlaceAnEmptyOneBesideItsLabel() throws {
        let values = [
            FormLearner.Placed(name: "name", page: 0, box: Box(x0: 80, y0: 10, x1: 160, y1: 20), lines: 1),
            FormLearner.Placed(name: "city", page: 0, box: Box(x0: 74, y0: 50, x1: 120, y1: 60), lines: 1),
        ]
        let placement = try #require(FormLearner.placement(of: values, labels: Self.labels))
        #expect(placement.side == .right && placement.dx == 10)
        // One value alone says nothing of the form.
        #expect(FormLearner.placement(of: Array(values.prefix(1)), labels: Self.labels) == nil)
    }

    /// An 8-bit page, white, with `draw` applied.
    static func image(width: Int32 = 240, height: Int32 = 40, _ draw: (UnsafeMutablePointer<PIX>) -> Void) throws
        -> UnsafeMutablePointer<PIX>
    {
        let pix = try #require(pixCreate(width, height, 8))
        pixSetAllArbitrary(pix, 255)
        draw(pix)
        return pix
    }

    static func fill(_ pix: UnsafeMutablePointer<PIX>, _ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ grey: UInt32) {
        for y in y0..<y1 { for x in x0..<x1 { pixSetPixel(pix, Int32(x), Int32(y), grey) } }
    }

    @Test func greyBoxesUnderBlackDigitsAreClearedAndLightPrintIsNot() throws {
        // Black strokes (digits) over the first of four grey squares of a comb.
        let comb = try Self.image { pix in
            for k in 0..<4 {
                let x = 60 + 30 * k
                Self.fill(pix, x, 8, x + 24, 10, 125); Self.fill(pix, x, 30, x + 24, 32, 125)
                Self.fill(pix, x, 8, x + 2, 32, 125); Self.fill(pix, x + 22, 8, x + 24, 32, 125)
            }
            for k in 0..<8 { Self.fill(pix, 12 + 10 * k, 10, 16 + 10 * k, 30, 20) }
        }
        defer { var p: UnsafeMutablePointer<PIX>? = comb; pixDestroy(&p) }
        let room = Box(x0: 0, y0: 0, x1: 240, y1: 40)
        let tones = try #require(FormReader.furniture(in: room, of: comb, valueHeight: 20))
        #expect(tones.contains(125) && !tones.contains(20))
        FormReader.whiten(comb, room, from: tones.lowerBound)
        var grey: UInt32 = 0
        pixGetPixel(comb, 150, 20, &grey)
        #expect(grey == 255)
        pixGetPixel(comb, 13, 20, &grey)
        #expect(grey == 20)
        // Light print: strokes of mid grey with a few darker specks, no furniture.
        let light = try Self.image { pix in
            for k in 0..<12 {
                Self.fill(pix, 12 + 14 * k, 10, 18 + 14 * k, 30, 150)
                Self.fill(pix, 14 + 14 * k, 18, 16 + 14 * k, 20, 60)
            }
        }
        defer { var p: UnsafeMutablePointer<PIX>? = light; pixDestroy(&p) }
        #expect(FormReader.furniture(in: room, of: light, valueHeight: 20) == nil)
    }

    /// A scan: a value of two typed lines in a box, the box's bottom edge under them, then the
    /// next label starting where the value starts. The value is read over both lines and not
    /// past the edge; with no edge, a label further down than lines stand apart ends it too.
    @Test func aScannedValueWrapsOnToTheLinesUnderItUpToABoxEdge() throws {
        // Letters 6 px wide, 4 apart, 10 px tall (the value's height); lines 8 px apart.
        func line(_ pix: UnsafeMutablePointer<PIX>, x: Int, y: Int, letters: Int) {
            for k in 0..<letters { Self.fill(pix, x + 10 * k, y, x + 10 * k + 6, y + 10, 20) }
        }
        let boxed = try Self.image(width: 300, height: 120) { pix in
            line(pix, x: 20, y: 20, letters: 20)
            line(pix, x: 20, y: 38, letters: 8)
            Self.fill(pix, 10, 51, 290, 53, 20)  // the box's bottom edge
            line(pix, x: 20, y: 56, letters: 6)  // the next label, as near as a line
        }
        defer { var p: UnsafeMutablePointer<PIX>? = boxed; pixDestroy(&p) }
        let room = Box(x0: 15, y0: 16, x1: 290, y1: 33)
        let first = try #require(FormReader.ink(in: room, of: boxed, valueHeight: 10))
        #expect(first.y0 == 20 && first.y1 == 30)
        let (box, lines) = FormReader.wrapped(first, room: room, of: boxed, valueHeight: 10)
        #expect(lines == 2 && box.y0 == 20 && box.y1 == 48)
        // No edge: the label two value heights under the value is not one of its lines.
        let open = try Self.image(width: 300, height: 120) { pix in
            line(pix, x: 20, y: 20, letters: 20)
            line(pix, x: 20, y: 38, letters: 8)
            line(pix, x: 20, y: 70, letters: 6)
        }
        defer { var p: UnsafeMutablePointer<PIX>? = open; pixDestroy(&p) }
        let (_, count) = FormReader.wrapped(first, room: room, of: open, valueHeight: 10)
        #expect(count == 2)
    }

    /// An anchor line in a box (a form's label by the box's side, a button's word inside its
    /// frame) is measured as its words' run: the box's edges beside, over and under the words
    /// are no part of it.
    @Test func anAnchorLinesRunLeavesOutTheBoxAroundIt() throws {
        func line(_ pix: UnsafeMutablePointer<PIX>, x: Int, y: Int, letters: Int) {
            for k in 0..<letters { Self.fill(pix, x + 10 * k, y, x + 10 * k + 6, y + 10, 20) }
        }
        let boxed = try Self.image(width: 300, height: 120) { pix in
            // A box from x 10 to 250, y 33 to 50: its top edge touches the words, which start
            // 5 px inside its left side.
            Self.fill(pix, 10, 33, 250, 35, 20); Self.fill(pix, 10, 48, 250, 50, 20)
            Self.fill(pix, 10, 33, 12, 50, 20); Self.fill(pix, 248, 33, 250, 50, 20)
            line(pix, x: 17, y: 35, letters: 8)
        }
        defer { var p: UnsafeMutablePointer<PIX>? = boxed; pixDestroy(&p) }
        let expected = Box(x0: 17, y0: 35, x1: 93, y1: 45)
        let run = try #require(FormReader.inkRun(in: boxed, expected: expected, slackX: 20, slackY: 8))
        #expect(run == expected, "\(run)")
    }

    /// Grey squares (level 132) under black digits (36), with a few pixels of a thick rule's
    /// black core (4) in the room: the furniture is the grey, from the valley between the
    /// digits' peak and the squares' — not from the empty levels under the digits.
    @Test func furnitureTonesLieBetweenThePrintAndTheLighterPeak() throws {
        var histogram = [Int](repeating: 3, count: 256)
        histogram[4] = 54
        for g in 10..<30 { histogram[g] = 0 }
        histogram[36] = 625
        histogram[132] = 3203
        histogram[255] = 32805
        let tones = try #require(InkRoom.furniture(histogram, paper: 255, dark: 4))
        #expect(tones.lowerBound > 40 && tones.lowerBound < 132 && tones.contains(132), "\(tones)")
    }

    /// A comb's grey dividers stand taller than the digits typed over them: they are cleared,
    /// except where a digit's stroke crosses one (print both sides) or a darker digit's stem
    /// lies on it; the digits themselves are left whole.
    @Test func uprightsTallerThanTheValueAreClearedAndPrintOnThemIsKept() throws {
        let pix = try Self.image(width: 200, height: 60) { pix in
            for x in [20, 30, 40] { Self.fill(pix, x, 20, x + 6, 30, 20) }  // digits, 10 px tall
            Self.fill(pix, 60, 14, 62, 37, 140)  // a divider, crossed by a bar
            Self.fill(pix, 55, 25, 67, 27, 20)
            Self.fill(pix, 80, 14, 82, 37, 140)  // a divider with a `1` on it
            Self.fill(pix, 80, 20, 82, 30, 20)
            Self.fill(pix, 100, 14, 102, 37, 140)  // a divider alone
            Self.fill(pix, 150, 0, 152, 60, 140)  // a rule past the room: not the value's
        }
        defer { var p: UnsafeMutablePointer<PIX>? = pix; pixDestroy(&p) }
        FormReader.clearBoxes(in: Box(x0: 5, y0: 5, x1: 195, y1: 50), of: pix, valueHeight: 10)
        func grey(_ x: Int, _ y: Int) -> UInt32 {
            var v: UInt32 = 0
            pixGetPixel(pix, Int32(x), Int32(y), &v)
            return v
        }
        #expect(grey(100, 15) == 255 && grey(100, 25) == 255 && grey(101, 35) == 255)
        #expect(grey(60, 15) == 255 && grey(60, 25) == 20 && grey(61, 26) == 20 && grey(60, 30) == 255)
        #expect(grey(80, 15) == 255 && grey(80, 22) == 20 && grey(81, 29) == 20 && grey(80, 33) == 255)
        #expect(grey(22, 25) == 20 && grey(45, 29) == 20)
        #expect(grey(150, 25) == 140)
    }

    /// A comb of grey squares round black digits: the squares' sides, tops and bottoms are
    /// cleared and the digits kept; a `T`'s bar as long as a square's top, meeting no side, is
    /// print and is kept.
    @Test func barsMeetingUprightsAreClearedAndACharactersBarIsKept() throws {
        let pix = try Self.image(width: 200, height: 60) { pix in
            for k in 0..<3 {
                let x = 60 + 16 * k
                Self.fill(pix, x, 14, x + 14, 16, 140); Self.fill(pix, x, 35, x + 14, 37, 140)
                Self.fill(pix, x, 14, x + 2, 37, 140); Self.fill(pix, x + 12, 14, x + 14, 37, 140)
                Self.fill(pix, x + 4, 20, x + 10, 30, 20)  // a digit in its square
            }
            Self.fill(pix, 20, 18, 30, 20, 20); Self.fill(pix, 24, 20, 26, 30, 20)  // a `T`
        }
        defer { var p: UnsafeMutablePointer<PIX>? = pix; pixDestroy(&p) }
        #expect(FormReader.clearBoxes(in: Box(x0: 5, y0: 5, x1: 195, y1: 50), of: pix, valueHeight: 10))
        func grey(_ x: Int, _ y: Int) -> UInt32 {
            var v: UInt32 = 0
            pixGetPixel(pix, Int32(x), Int32(y), &v)
            return v
        }
        for k in 0..<3 {
            let x = 60 + 16 * k
            #expect(grey(x + 7, 15) == 255 && grey(x + 7, 36) == 255, "square \(k)'s top and bottom")
            #expect(grey(x, 25) == 255 && grey(x + 13, 25) == 255, "square \(k)'s sides")
            #expect(grey(x + 5, 21) == 20 && grey(x + 9, 29) == 20, "digit \(k)")
        }
        #expect(grey(21, 19) == 20 && grey(29, 18) == 20 && grey(25, 28) == 20)
    }

    /// A text layer: `Title:` over a value that wraps on to a second line, then the next
    /// label. The template learned the value as one line; the reading takes the second line
    /// too, and stops at the label (a fixed word where the template prints it) even though it
    /// starts where the value starts.
    @Test func aTextLayerValueWrapsOnToLinesUnderItsRegionUpToTheNextLabel() {
        func document(_ words: [TextSpan]) -> Document {
            let page = Page(index: 0, width: 600, height: 800, unit: .pt, origin: .textLayer, words: words)
            return Document(source: .init(path: "t.pdf", sha256: "", format: .pdf, bytes: 0), pages: [page], tables: [])
        }
        let fixedWords = [
            Self.word("Grant", 10, 20, 50, 30, line: 5), Self.word("Form", 54, 20, 90, 30, line: 5),
            Self.word("Title:", 10, 100, 40, 108, line: 0), Self.word("Areas:", 12, 136, 46, 144, line: 3),
        ]
        let learned = document(fixedWords + [Self.word("Short", 12, 112, 40, 120, line: 1)])
        let region = LearnedForm.Region(page: 0, area: .init(x0: 10 / 600, y0: 110 / 800, x1: 1.2, y1: 122 / 800))
        let form = LearnedForm(
            id: "t-1", pipeline: "t", origin: .textLayer,
            fingerprint: LayoutFingerprint(learned, excluding: [(0, Box(x0: 12, y0: 112, x1: 40, y1: 120))]),
            frameAspects: [0.75], anchors: [], regions: ["title": region])
        let copy = document(
            fixedWords + [
                Self.word("A", 12, 112, 20, 120, line: 1), Self.word("long", 22, 112, 40, 120, line: 1),
                Self.word("title", 12, 124, 30, 132, line: 2), Self.word("wrapped", 32, 124, 60, 132, line: 2),
                Self.word("Ohio", 12, 148, 30, 156, line: 4),
            ])
        let alignment = form.fingerprint.align(LayoutFingerprint(copy))
        #expect(alignment.score >= LayoutFingerprint.sameLayout)
        let wrapped = FormReader.candidates(copy, template: form, alignment: alignment, running: ["title"])
        #expect(wrapped["title"]?.first?.text == "A long\ntitle wrapped")
        // Not a running field: the region alone.
        let plain = FormReader.candidates(copy, template: form, alignment: alignment)
        #expect(plain["title"]?.first?.text == "A long")
    }
}
