import CLeptonica
import CPoppler
import Foundation

/// Reads a PDF with poppler-glib: each page's text layer in poppler's reading order with one
/// box per word (PDF points, origin top left). A page without a text layer is recognised by
/// Tesseract (`PDFReader+Scans`); its page is marked `ocr` and its boxes are converted to
/// points as well.
///
/// A PDF that needs a password to open is a typed `encrypted` error; one with only an owner
/// password (an empty user password) is read.
struct PDFReader {
    let limits: ReaderLimits
    let deadline: Deadline
    let recognizer: PageRecognizer

    func read(_ data: Data) throws(DocRouteError) -> ReadContent {
        let bytes: OpaquePointer? = data.withUnsafeBytes { raw in g_bytes_new(raw.baseAddress, gsize(raw.count)) }
        defer { g_bytes_unref(bytes) }
        var error: UnsafeMutablePointer<GError>? = nil
        guard let document = poppler_document_new_from_bytes(bytes, nil, &error) else {
            defer { docroute_g_error_free(error) }
            if let e = error?.pointee, e.domain == poppler_error_quark(), e.code == Int32(POPPLER_ERROR_ENCRYPTED.rawValue) {
                throw .encrypted("PDF needs a password to open")
            }
            let message = error.flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "unreadable"
            throw .corrupt("PDF cannot be opened: \(message)")
        }
        defer { docroute_g_object_unref(UnsafeMutableRawPointer(document)) }

        let count = Int(poppler_document_get_n_pages(document))
        if count > limits.maxPages { throw .limitExceeded("PDF has \(count) pages (cap \(limits.maxPages))") }
        if count <= 0 { throw .corrupt("PDF has no pages") }
        var pages: [Page] = []
        var warnings: [String] = []
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
                pages.append(Page(index: i, width: width, height: height, unit: .pt, origin: .textLayer, words: words))
            } else {
                if imagesFit == nil { imagesFit = Self.imagesFit(in: data, maxPixels: limits.maxRenderPixels) }
                let (ocrPage, notes) = try recognise(page, index: i, width: width, height: height,
                                                     storedImages: imagesFit ?? false)
                pages.append(ocrPage)
                warnings += notes
            }
        }
        return ReadContent(pages: pages, tables: [], warnings: warnings)
    }

    /// The page's text-layer words with their boxes, lines and blocks.
    private func textLayer(_ page: OpaquePointer) -> [TextSpan] {
        guard let cText = poppler_page_get_text(page) else { return [] }
        defer { g_free(cText) }
        let text = String(cString: cText)
        guard text.contains(where: { !$0.isWhitespace }) else { return [] }
        var rects: UnsafeMutablePointer<PopplerRectangle>? = nil
        var n: guint = 0
        let hasLayout = poppler_page_get_text_layout(page, &rects, &n) != 0
        defer { g_free(rects) }
        let scalars = Array(text.unicodeScalars)
        // poppler gives one rectangle per Unicode scalar of the page text.
        let boxesUsable = hasLayout && Int(n) == scalars.count

        var words: [TextSpan] = []
        var current = String.UnicodeScalarView()
        var box: Box? = nil
        var line = 0
        var previousBox: Box? = nil
        func flush() {
            guard !current.isEmpty else { return }
            words.append(TextSpan(text: String(current), box: box, confidence: nil, line: line, block: 0,
                                  order: words.count))
            current = String.UnicodeScalarView()
            box = nil
        }
        for (i, s) in scalars.enumerated() {
            if s == "\n" {
                flush()
                line += 1
            } else if s.properties.isWhitespace {
                flush()
            } else {
                if boxesUsable, let r = rects?[i] {
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
    static var version: String { String(cString: poppler_get_version()) }
}
