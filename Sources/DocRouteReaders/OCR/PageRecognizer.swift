import CLeptonica
import DocRouteModel
import Foundation

import struct DocRouteModel.Box

/// Turns one raster (a scan, a photo, a rendered PDF page) into a `Page` of OCR words, after
/// preparing it (`ImagePreprocessor`); the steps that ran are on the page.
struct PageRecognizer {
    let pool: OCREnginePool
    let preprocessor: ImagePreprocessor
    let deadline: Deadline
    var clock: OCRClock? = nil
    /// When set, each recognised image is kept here for re-reading values.
    var rasters: PageRasters? = nil
    /// Find the page's ruling lines (`Page.rules`) on the image the words were read from.
    var rules = false

    /// Recognises `pix` taken at `dpi`. Word boxes are multiplied by `boxScale` (1 for image
    /// pixels; 72/dpi to give PDF points) and the page gets size `width` × `height` in `unit`
    /// (swapped when the page had to be turned a quarter). When `pix` is only the part of the
    /// page that holds content, `origin` is where its top left stands on the page (in `unit`),
    /// and boxes are moved there.
    ///
    /// The image is read once lightly prepared; a poor reading (few confident characters) is
    /// read again strongly prepared, and then turned upside down, then a quarter each way,
    /// until one reads; a reading whose text Tesseract found running sideways or upside down
    /// is read again turned upright; a reading of print smaller than `smallText` is read again
    /// enlarged (resolutions lie: a low-resolution card scanned onto a 300 dpi page). The best
    /// reading is kept. Boxes drawn on the page that the reading left empty though they hold
    /// print are then read on their own (`RuledBoxes`), and so are lines of print it left
    /// unread (`UnreadLines`). Another reading is only tried while the
    /// time left allows twice the first one's: retries never cause a timeout.
    func page(
        _ pix: UnsafeMutablePointer<PIX>, index: Int, dpi: Double, boxScale: Double,
        width: Double, height: Double, unit: Page.Unit,
        origin: (x: Double, y: Double) = (0, 0)
    ) throws(DocRouteError) -> Page {
        let started = DispatchTime.now().uptimeNanoseconds
        var firstSeconds = 0.0
        /// Whether another reading fits in the time left: one more is never worth a timeout.
        func affordable() -> Bool { deadline.remaining > 2 * firstSeconds + 0.5 }
        func attempt(_ level: ImagePreprocessor.Level, turns: Int, enlarge: Double? = nil) throws(DocRouteError)
            -> Reading
        {
            try deadline.check()
            guard let prepared = preprocessor.prepare(pix, dpi: dpi, level: level, turns: turns, enlarge: enlarge)
            else {
                throw .ocr("page \(index + 1): the image cannot be converted to grey")
            }
            try deadline.check()
            let words = try (clock ?? OCRClock()).measure { () throws(DocRouteError) in
                try pool.withEngine { engine throws(DocRouteError) in
                    try engine.recognize(prepared.pix, dpi: Int(prepared.dpi.rounded()), deadline: deadline)
                }
            }
            return Reading(prepared: prepared, words: words, level: level, turns: turns)
        }
        var best = try attempt(.light, turns: 0)
        firstSeconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        if best.poor, !preprocessor.allowed.isEmpty, affordable() {
            let strong = try attempt(.strong, turns: 0)
            if strong.score > best.score { best = strong }
        }
        if preprocessor.allowed.contains(.rotate), affordable() {
            if let turns = best.sideways {
                // Which way lines run says which quarter turn rights them, unless Tesseract read
                // them upside down too: then the opposite quarter does.
                var upright = try attempt(best.level, turns: turns)
                if upright.poor, affordable() {
                    let opposite = try attempt(best.level, turns: (turns + 2) % 4)
                    if opposite.score > upright.score { upright = opposite }
                }
                // Upright text is what layout needs: kept unless clearly worse.
                if upright.score >= best.score * 0.8 { best = upright }
            } else if best.poor {
                // Upside down (a page fed the wrong way round) is likeliest; text running up
                // the page is not read by Tesseract at all: each turn is tried until one reads
                // more, and more surely (a page of upright text beside more text printed
                // sideways, such as a passport's data page under its front page, stays upright).
                for turns in [2, 1, 3] where best.poor && affordable() {
                    let turned = try attempt(best.level, turns: turns)
                    if turned.score > best.score * 1.5, turned.meanConfidence > best.meanConfidence { best = turned }
                }
            }
        }
        if preprocessor.allowed.contains(.upscale), best.prepared.scale == 1, let height = best.textHeight,
            height < Self.smallText, affordable()
        {
            // Print smaller than the resolution says (a low-resolution card scanned onto a
            // 300 dpi page, a photo taken from afar): read again enlarged.
            // Each reading may miss words the other read (a column of amounts): the better one
            // takes them.
            let enlarged = try attempt(best.level, turns: best.turns, enlarge: min(2, Self.normalText / height))
            best = enlarged.score > best.score ? enlarged.adding(best) : best.adding(enlarged)
        }
        if affordable() { best = try best.readingEmptyBoxes(pool: pool, deadline: deadline, clock: clock) }
        if affordable() { best = try best.readingUnreadLines(pool: pool, deadline: deadline, clock: clock) }
        let prepared = best.prepared
        // Boxes come in prepared pixels: `prepared.scale` times the (turned) input's.
        let toUnits = boxScale / prepared.scale
        // Where the (turned) image stands on the page; a whole page stands at (0, 0) whatever
        // the turn (its rendered size may exceed the page's by a rounded-up pixel).
        let shift =
            origin == (0, 0)
            ? origin
            : Self.turned(
                origin, size: (Double(pixGetWidth(pix)) * boxScale, Double(pixGetHeight(pix)) * boxScale),
                page: (width, height), turns: best.turns)
        rasters?.keep(
            prepared.pix, index: index, dpi: Int(prepared.dpi.rounded()), pixelsPerUnit: 1 / toUnits, origin: shift)
        let spans = best.words.enumerated().map { i, w in
            var box = toUnits == 1 ? w.box : w.box.scaled(by: toUnits)
            box.x0 += shift.x; box.x1 += shift.x; box.y0 += shift.y; box.y1 += shift.y
            return TextSpan(text: w.text, box: box, confidence: w.confidence, line: w.line, block: w.block, order: i)
        }
        let quarter = best.turns % 2 == 1
        var page = Page(
            index: index, width: quarter ? height : width, height: quarter ? width : height, unit: unit,
            origin: .ocr, dpi: dpi, words: spans)
        page.preprocessing = prepared.steps
        if rules {
            // Found in prepared pixels (a point is dpi / 72 of them), then placed like the words;
            // a word of bars is the line itself and is not wiped.
            let points = Double(prepared.dpi) / 72
            // A recognised word's box is tight on its ink (a stroke may stand out of it): wiped
            // a point wider each side.
            let words = best.words.filter { !$0.text.isRuleGlyph }.map { w in
                Box(x0: w.box.x0 - points, y0: w.box.y0, x1: w.box.x1 + points, y1: w.box.y1)
            }
            page.rules = RuleFinder.rules(in: prepared.pix, scale: 1, unitsPerPoint: points, words: words).map { r in
                var box = toUnits == 1 ? r : r.scaled(by: toUnits)
                box.x0 += shift.x; box.x1 += shift.x; box.y0 += shift.y; box.y1 += shift.y
                return box
            }
        }
        return page
    }

    /// Where a part of the page of `size` standing at `origin` stands once the whole `page` is
    /// turned `turns` quarters clockwise.
    static func turned(
        _ origin: (x: Double, y: Double), size: (w: Double, h: Double), page: (w: Double, h: Double),
        turns: Int
    ) -> (x: Double, y: Double) {
        switch turns & 3 {
        case 1: (page.h - origin.y - size.h, origin.x)
        case 2: (page.w - origin.x - size.w, page.h - origin.y - size.h)
        case 3: (origin.y, page.w - origin.x - size.w)
        default: origin
        }
    }

    /// One reading of a page: the prepared image, Tesseract's words, and how it was made.
    struct Reading {
        let prepared: ImagePreprocessor.Prepared
        let words: [TesseractEngine.Word]
        let level: ImagePreprocessor.Level
        let turns: Int
        /// Characters of upright words of two or more letters or digits, each weighted by its
        /// word's confidence: how much was read, and how surely, the right way up (text running
        /// sideways, which Tesseract also reads, does not count: a page turned to read its
        /// sideways part loses its upright part).
        let score: Double
        /// Mean confidence of those characters.
        let meanConfidence: Double

        init(
            prepared: ImagePreprocessor.Prepared, words: [TesseractEngine.Word], level: ImagePreprocessor.Level,
            turns: Int
        ) {
            self.prepared = prepared; self.words = words; self.level = level; self.turns = turns
            var chars = 0, score = 0.0
            for w in words {
                let n = Self.alphanumerics(w.text)
                guard n >= 2, w.turns == 0, n < 3 || w.box.height <= w.box.width * 1.2 else { continue }
                chars += n
                score += Double(n) * w.confidence
            }
            self.score = score
            meanConfidence = chars > 0 ? score / Double(chars) : 0
        }

        /// The median height (prepared pixels) of the words of two or more letters or digits read
        /// with some confidence: how large the print is. Nil when there are fewer than five.
        var textHeight: Double? {
            let heights = words.filter { w in
                w.confidence >= 0.5 && Self.alphanumerics(w.text) >= 2
            }.map { min($0.box.height, $0.box.width) }.sorted()
            return heights.count >= 5 ? heights[heights.count / 2] : nil
        }

        /// Letters and digits in `text`.
        static func alphanumerics(_ text: String) -> Int {
            text.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.count
        }

        /// A word read surely enough to add to another reading: two letters or digits at 0.7
        /// or more, one at 0.9.
        static func isSure(_ w: TesseractEngine.Word) -> Bool {
            let n = alphanumerics(w.text)
            return (n >= 2 && w.confidence >= 0.7) || (n == 1 && w.confidence >= 0.9)
        }

        /// This reading with the words read in the ruled boxes it left empty though they hold
        /// print (at most 12 boxes, each read as one block; see `reading(_:as:)`).
        func readingEmptyBoxes(pool: OCREnginePool, deadline: Deadline, clock: OCRClock?) throws(DocRouteError)
            -> Reading
        {
            guard turns == 0 || turns == 2 else { return self }
            let height = textHeight ?? 20
            let boxes = RuledBoxes.empty(
                in: prepared.pix, words: words.map(\.box), minWidth: Int(3 * height),
                minHeight: Int(1.5 * height))
            return try reading(boxes, as: .block, pool: pool, deadline: deadline, clock: clock)
        }

        /// This reading with the lines of print it left unread (`UnreadLines`, at most 8) read
        /// on their own, each as one line with a third of a letter round it.
        func readingUnreadLines(pool: OCREnginePool, deadline: Deadline, clock: OCRClock?) throws(DocRouteError)
            -> Reading
        {
            guard turns == 0 || turns == 2, let height = textHeight else { return self }
            let margin = 0.35 * height
            let lines = UnreadLines.find(in: prepared.pix, words: words.map(\.box), height: height).map { b in
                Box(x0: max(0, b.x0 - margin), y0: max(0, b.y0 - margin), x1: b.x1 + margin, y1: b.y1 + margin)
            }
            // Small print is enlarged as a re-read value is (`RegionReader.lineHeight`): a
            // photo's 19 px `Clachan` reads at 0.48 as it is, at 0.74 enlarged 2.5 times.
            let enlarge = min(4, max(1, RegionReader.lineHeight / height))
            return try reading(lines, as: .line, enlarge: enlarge, pool: pool, deadline: deadline, clock: clock)
        }

        /// This reading with the words read in `areas` (prepared pixels) on their own, as
        /// `layout` (each enlarged `enlarge` times): words read surely only (as in `adding`),
        /// each area's words on lines and in a block of their own.
        func reading(
            _ areas: [Box], as layout: TesseractEngine.Layout, enlarge: Double = 1, pool: OCREnginePool,
            deadline: Deadline, clock: OCRClock?
        ) throws(DocRouteError) -> Reading {
            guard !areas.isEmpty else { return self }
            var merged = words
            var lines = (words.map(\.line).max() ?? -1) + 1, blocks = (words.map(\.block).max() ?? -1) + 1
            for box in areas {
                try deadline.check()
                guard let rect = boxCreate(Int32(box.x0), Int32(box.y0), Int32(box.width), Int32(box.height)) else {
                    continue
                }
                defer { var b: UnsafeMutablePointer<BOX>? = rect; boxDestroy(&b) }
                guard let cut = pixClipRectangle(prepared.pix, rect, nil) else { continue }
                let (crop, k) = Leptonica.enlarged(cut, by: enlarge)
                defer { Leptonica.destroy(crop) }
                let dpi = Int((prepared.dpi * k).rounded())
                let read = try (clock ?? OCRClock()).measure { () throws(DocRouteError) in
                    try pool.withEngine { engine throws(DocRouteError) in
                        try engine.recognize(crop, dpi: dpi, deadline: deadline, layout: layout)
                    }
                }
                for w in read where Self.isSure(w) {
                    var moved = w
                    moved.box = Box(
                        x0: w.box.x0 / k + box.x0, y0: w.box.y0 / k + box.y0, x1: w.box.x1 / k + box.x0,
                        y1: w.box.y1 / k + box.y0)
                    moved.line += lines
                    moved.block = blocks
                    merged.append(moved)
                }
                lines = (merged.map(\.line).max() ?? -1) + 1
                blocks += 1
            }
            return merged.count == words.count
                ? self : Reading(prepared: prepared, words: merged, level: level, turns: turns)
        }

        /// This reading with the words `other` read where this one read nothing, when `other`
        /// is a reading of the same image at another scale (same turn, same other steps).
        /// Only words read surely are taken (two letters or digits at 0.7, one at 0.9), each
        /// on a line of its own that visual lines then join to its neighbours.
        func adding(_ other: Reading) -> Reading {
            func unscaled(_ r: Reading) -> [String] { r.prepared.steps.filter { !$0.hasPrefix("upscale") } }
            guard other.turns == turns, unscaled(other) == unscaled(self), !other.words.isEmpty else { return self }
            let k = prepared.scale / other.prepared.scale
            let lines = (words.map(\.line).max() ?? -1) + 1, blocks = (words.map(\.block).max() ?? -1) + 1
            var merged = words
            for w in other.words where w.turns == 0 && Self.isSure(w) {
                var moved = w
                moved.box = w.box.scaled(by: k)
                // Read already where a fifth of the smaller box lies in a word of this reading.
                guard !words.contains(where: { $0.box.sharedShare(with: moved.box) >= 0.2 }) else { continue }
                moved.line += lines
                moved.block += blocks
                merged.append(moved)
            }
            return merged.count == words.count
                ? self : Reading(prepared: prepared, words: merged, level: level, turns: turns)
        }

        /// Too little read, or read too unsurely, to trust this reading without trying another.
        var poor: Bool { score < PageRecognizer.poorScore || meanConfidence < PageRecognizer.poorConfidence }

        /// The quarter turns that would right the text, when two thirds of it (by characters)
        /// run sideways or upside down. Tesseract reads sideways lines itself (boxes taller than
        /// wide, in reading order down or up the page) but lays the page out wrongly around
        /// them; it marks upside-down blocks by their orientation.
        var sideways: Int? {
            var byTurns = [0, 0, 0, 0]
            for (i, w) in words.enumerated() {
                let n = w.text.count
                guard w.turns == 0, n >= 3 else { byTurns[w.turns & 3] += n; continue }
                let tall = w.box.height > w.box.width * 1.2
                guard tall else { byTurns[0] += n; continue }
                // The next or previous word of the same line tells which way the line runs.
                let next = i + 1 < words.count && words[i + 1].line == w.line ? words[i + 1] : nil
                let previous = i > 0 && words[i - 1].line == w.line ? words[i - 1] : nil
                if let next {
                    byTurns[next.box.y0 > w.box.y0 ? 3 : 1] += n
                } else if let previous {
                    byTurns[previous.box.y0 < w.box.y0 ? 3 : 1] += n
                }
            }
            // Two thirds at least: a page holding upright text beside sideways text (a passport's
            // data page under its sideways front page) keeps the upright part readable.
            let total = byTurns.reduce(0, +)
            guard total > 0, let (turns, n) = byTurns.enumerated().max(by: { $0.element < $1.element }),
                turns != 0, n * 3 > total * 2
            else { return nil }
            return turns
        }
    }

    /// A reading with fewer confident characters than this is tried again (a card holds ~150;
    /// a short letter ~80, read at 0.95).
    static let poorScore = 40.0
    /// Words (capitals and digits) lower than this many pixels are read again enlarged to
    /// `normalText`: Tesseract reads 8–10 pt print at 300 dpi (~22–28 px) best.
    static let smallText = 17.0
    static let normalText = 24.0

    /// A reading less sure than this on average is tried again.
    static let poorConfidence = 0.65
}

/// Leptonica's diagnostics go to stderr; DocRoute reports problems as typed errors instead.
package enum Leptonica {
    static let silenced: Void = { _ = setMsgSeverity(6) }()  // L_SEVERITY_NONE

    package static func destroy(_ pix: UnsafeMutablePointer<PIX>) {
        var p: UnsafeMutablePointer<PIX>? = pix
        pixDestroy(&p)
    }

    /// `pix` scaled up by `factor` (the original freed) and the scale it really has: `pix`
    /// itself and 1 when the factor is under 1.05 or scaling fails.
    static func enlarged(_ pix: UnsafeMutablePointer<PIX>, by factor: Double) -> (UnsafeMutablePointer<PIX>, Double) {
        guard factor > 1.05, let big = pixScale(pix, Float(factor), Float(factor)) else { return (pix, 1) }
        destroy(pix)
        return (big, factor)
    }
}
