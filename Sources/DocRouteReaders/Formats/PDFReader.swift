import CLeptonica
import CPoppler
import DocRouteModel
import Foundation

import struct DocRouteModel.Box

/// Reads a PDF with poppler-glib: each page's text layer in poppler's reading order with one
/// box per word (PDF points, origin top left). A page without a text layer is recognised by
/// Tesseract (`PDFReader+Scans`); its page is marked `ocr` and its boxes are converted to
/// points as well.
///
/// A PDF that needs a password to open is a typed `encrypted` error; one with only an owner
/// password (an empty user password) is read.
package struct PDFReader {
    let limits: ReaderLimits
    let deadline: Deadline
    let recognizer: PageRecognizer
    /// Find each text-layer page's ruling lines (`Page.rules`).
    var rules = false

    func read(_ data: Data) throws(DocRouteError) -> ReadContent {
        var data = data
        var (bytes, document) = try Self.open(data)
        defer {
            docroute_g_object_unref(UnsafeMutableRawPointer(document))
            g_bytes_unref(bytes)
        }
        var count = Int(poppler_document_get_n_pages(document))
        var repaired: String? = nil
        if count <= 0, let fixed = Self.withPageCountRepaired(data) {
            // poppler gives up on a page tree claiming more pages than the file has objects;
            // the tree itself may be fine.
            let (fixedBytes, fixedDocument) = try Self.open(fixed.data)
            if poppler_document_get_n_pages(fixedDocument) > 0 {
                docroute_g_object_unref(UnsafeMutableRawPointer(document))
                g_bytes_unref(bytes)
                (bytes, document, data) = (fixedBytes, fixedDocument, fixed.data)
                count = Int(poppler_document_get_n_pages(document))
                repaired = "the page tree claims \(fixed.claimed) pages; read the \(count) it holds"
            } else {
                docroute_g_object_unref(UnsafeMutableRawPointer(fixedDocument))
                g_bytes_unref(fixedBytes)
            }
        }
        if count > limits.maxPages { throw .limitExceeded("PDF has \(count) pages (cap \(limits.maxPages))") }
        if count <= 0 { throw .corrupt("PDF has no pages") }
        var pages: [Page] = []
        var warnings: [String] = repaired.map { [$0] } ?? []
        var imagesFit: Bool? = nil
        for i in 0..<count {
            try deadline.check()
            guard let page = poppler_document_get_page(document, Int32(i)) else {
                warnings.append("page \(i + 1) cannot be loaded; left empty")
                pages.append(Page(index: i, width: 0, height: 0, unit: .pt, origin: .textLayer, words: []))
                continue
            }
            defer { docroute_g_object_unref(UnsafeMutableRawPointer(page)) }
            var width = 0.0, height = 0.0
            poppler_page_get_size(page, &width, &height)
            let words = textLayer(page)
            if !words.isEmpty {
                var p = Page(index: i, width: width, height: height, unit: .pt, origin: .textLayer, words: words)
                if rules { p.rules = findRules(on: page, width: width, height: height, words: words) }
                pages.append(p)
            } else {
                if imagesFit == nil { imagesFit = Self.imagesFit(in: data, maxPixels: limits.maxRenderPixels) }
                let (ocrPage, notes) = try recognise(
                    page, index: i, width: width, height: height,
                    storedImages: imagesFit ?? false)
                pages.append(ocrPage)
                warnings += notes
            }
        }
        return ReadContent(pages: pages, tables: [], warnings: warnings)
    }

    /// The page's text-layer words with their boxes, lines and blocks.
    private func textLayer(_ page: OpaquePointer) -> [TextSpan] {
        guard var (scalars, rects) = Self.selection(page, rightToLeft: false) else { return [] }
        // poppler-glib's text is a selection from the page's top left: on a right-to-left page
        // it loses the lines before the first one it can start from (4 of 16 on a Word PDF in
        // Arabic). Such a page is also read as a selection from the top right; the fuller wins.
        if scalars.contains(where: Self.isRightToLeft), let other = Self.selection(page, rightToLeft: true),
            Self.letterCount(other.scalars) > Self.letterCount(scalars)
        {
            (scalars, rects) = other
        }
        // poppler gives one rectangle per scalar of the text, bidi controls (U+202B …) aside.
        // The controls carry no letters and are left out of the words.
        let visible = scalars.filter { !Self.isBidiControl($0) }
        let boxesUsable = rects.count == visible.count

        var words: [TextSpan] = []
        var current = String.UnicodeScalarView()
        var box: Box? = nil
        var line = 0
        var previousBox: Box? = nil
        func flush() {
            guard !current.isEmpty else { return }
            words.append(
                TextSpan(
                    text: String(current), box: box, confidence: nil, line: line, block: 0,
                    order: words.count))
            current = String.UnicodeScalarView()
            box = nil
        }
        for (i, s) in visible.enumerated() {
            if s == "\n" {
                flush()
                line += 1
            } else if s.properties.isWhitespace {
                flush()
            } else {
                if boxesUsable {
                    let r = rects[i]
                    let b = Box(x0: r.x1, y0: r.y1, x1: r.x2, y1: r.y2)
                    // poppler puts no space between chunks drawn apart on one line (table
                    // cells): a horizontal gap, a step back or a vertical jump ends a word.
                    if let p = previousBox, !current.isEmpty, Self.separates(p, b) { flush() }
                    box = box.map { $0.union(b) } ?? b
                    previousBox = b
                }
                current.append(s)
            }
        }
        flush()
        renumberLines(&words)
        assignBlocks(&words)
        return words
    }

    /// The page's text as poppler selects it over the whole page — from the top left, or from
    /// the top right — with its glyph rectangles; nil when the page has no text.
    private static func selection(_ page: OpaquePointer, rightToLeft: Bool) -> (
        scalars: [Unicode.Scalar], rects: [PopplerRectangle]
    )? {
        var width = 0.0, height = 0.0
        poppler_page_get_size(page, &width, &height)
        var area =
            rightToLeft
            ? PopplerRectangle(x1: width, y1: 0, x2: 0, y2: height)
            : PopplerRectangle(x1: 0, y1: 0, x2: width, y2: height)
        guard let cText = poppler_page_get_text_for_area(page, &area) else { return nil }
        defer { g_free(cText) }
        let text = String(cString: cText)
        guard text.contains(where: { !$0.isWhitespace }) else { return nil }
        var rects: UnsafeMutablePointer<PopplerRectangle>? = nil
        var n: guint = 0
        let hasLayout = poppler_page_get_text_layout_for_area(page, &area, &rects, &n) != 0
        defer { g_free(rects) }
        let list = hasLayout && rects != nil ? Array(UnsafeBufferPointer(start: rects, count: Int(n))) : []
        return (Array(text.unicodeScalars), list)
    }

    /// Letters and digits: how much of a page a selection holds.
    static func letterCount(_ scalars: [Unicode.Scalar]) -> Int {
        scalars.reduce(0) { $0 + ($1.properties.isAlphabetic || $1.properties.numericType != nil ? 1 : 0) }
    }

    /// A letter of a script written right to left (Hebrew, Arabic, Syriac, Thaana, N'Ko and
    /// their presentation forms).
    static func isRightToLeft(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x0590...0x08FF, 0xFB1D...0xFDFF, 0xFE70...0xFEFF: return s.properties.isAlphabetic
        default: return false
        }
    }

    /// Invisible bidi marks and embeddings (LRM, RLM, ALM, LRE…PDF, LRI…PDI).
    static func isBidiControl(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x200E, 0x200F, 0x061C, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// Whether two consecutive glyph boxes on one text line belong to different words.
    static func separates(_ a: Box, _ b: Box) -> Bool {
        let height = max(a.height, b.height, 1)
        let gap = b.x0 - a.x1
        let verticalOverlap = min(a.y1, b.y1) - max(a.y0, b.y0)
        return gap > 0.25 * height || b.x1 < a.x0 || verticalOverlap < 0.3 * height
    }

    /// Makes line indices dense (blank lines in poppler's text leave gaps).
    private func renumberLines(_ words: inout [TextSpan]) {
        var map: [Int: Int] = [:]
        for i in words.indices {
            let l = words[i].line
            if map[l] == nil { map[l] = map.count }
            words[i].line = map[l]!
        }
    }

    /// Groups lines into blocks: a new block starts where the vertical gap to the previous
    /// line exceeds its height, or where the text jumps up (a new column).
    private func assignBlocks(_ words: inout [TextSpan]) {
        var block = 0
        var previous: Box? = nil
        var start = 0
        while start < words.count {
            var end = start
            var lineBox: Box? = nil
            while end < words.count && words[end].line == words[start].line {
                if let b = words[end].box { lineBox = lineBox.map { $0.union(b) } ?? b }
                end += 1
            }
            if let p = previous, let l = lineBox {
                let gap = l.y0 - p.y1
                if gap > max(p.height, 1) * 0.9 || l.y1 < p.y0 { block += 1 }
            }
            for k in start..<end { words[k].block = block }
            if lineBox != nil { previous = lineBox }
            start = end
        }
    }

    /// The poppler library version.
    package static var version: String { String(cString: poppler_get_version()) }
}
