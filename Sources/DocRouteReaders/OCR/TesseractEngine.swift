import CLeptonica
import CTesseract
import DocRouteModel
import Foundation

import struct DocRouteModel.Box

/// One Tesseract engine (~25 MB). Not thread-safe: an engine is used by one thread at a time,
/// which `OCREnginePool` guarantees; engines on different threads run in parallel.
package final class TesseractEngine: @unchecked Sendable {
    private let handle: OpaquePointer
    let language: String

    init(language: String) throws(DocRouteError) {
        guard let h = TessBaseAPICreate() else { throw .ocr("cannot create a Tesseract engine") }
        // Debian's tessdata is LSTM-only; OEM_LSTM_ONLY avoids the legacy engine's init failure.
        if TessBaseAPIInit2(h, nil, language, OEM_LSTM_ONLY) != 0 {
            TessBaseAPIDelete(h)
            throw .ocr("Tesseract cannot load language '\(language)' (is tesseract-ocr-\(language) installed?)")
        }
        TessBaseAPISetVariable(h, "debug_file", "/dev/null")
        handle = h
        self.language = language
    }

    deinit {
        TessBaseAPIEnd(handle)
        TessBaseAPIDelete(handle)
    }

    /// The Tesseract library version.
    static var version: String { String(cString: TessVersion()) }

    /// A recognised word: its text, box in image pixels, and 0–1 confidence.
    package struct Word {
        package var text: String
        package var box: Box
        package var confidence: Double
        var line: Int
        var block: Int
        /// Quarter turns clockwise that would make the word's block upright (0: upright; 1: the
        /// text runs bottom to top; 2: upside down; 3: top to bottom), from Tesseract's layout.
        var turns: Int = 0
    }

    /// How Tesseract segments the image before recognising.
    package enum Layout {
        /// A whole page: blocks, columns, lines.
        case page
        /// A few lines of one block (a value that wraps).
        case block
        /// One line of text (a crop around one value).
        case line

        var mode: TessPageSegMode {
            switch self {
            case .page: PSM_AUTO
            case .block: PSM_SINGLE_BLOCK
            case .line: PSM_SINGLE_LINE
            }
        }
    }

    /// Recognises `pix` (any depth) taken at `dpi`; gives up when `deadline` passes. With a
    /// `whitelist`, only those characters are recognised.
    package func recognize(
        _ pix: UnsafeMutablePointer<PIX>, dpi: Int, deadline: Deadline, layout: Layout = .page,
        whitelist: String? = nil
    ) throws(DocRouteError) -> [Word] {
        TessBaseAPISetPageSegMode(handle, layout.mode)
        if let whitelist { TessBaseAPISetVariable(handle, "tessedit_char_whitelist", whitelist) }
        defer { if whitelist != nil { TessBaseAPISetVariable(handle, "tessedit_char_whitelist", "") } }
        TessBaseAPISetImage2(handle, pix)
        TessBaseAPISetSourceResolution(handle, Int32(max(70, min(dpi, 2400))))
        let remainingMs = Int32(max(1, min(deadline.remaining * 1000, Double(Int32.max))))
        guard let monitor = TessMonitorCreate() else { throw .ocr("cannot create a Tesseract monitor") }
        defer { TessMonitorDelete(monitor) }
        TessMonitorSetDeadlineMSecs(monitor, remainingMs)
        // Debian's Tesseract links libgomp; nested OpenMP threads make it 3-5x slower on
        // small machines. This is per thread, so it is set right before recognising.
        omp_set_max_active_levels(0)
        let status = TessBaseAPIRecognize(handle, monitor)
        defer { TessBaseAPIClear(handle) }
        if status != 0 {
            try deadline.check()
            throw .ocr("Tesseract could not recognise the image")
        }
        guard let iterator = TessBaseAPIGetIterator(handle) else { return [] }
        defer { TessResultIteratorDelete(iterator) }
        let page = TessResultIteratorGetPageIterator(iterator)
        var words: [Word] = []
        var line = -1, block = -1, turns = 0
        repeat {
            if TessPageIteratorIsAtBeginningOf(page, RIL_BLOCK) != 0 {
                block += 1
                var orientation = ORIENTATION_PAGE_UP, direction = WRITING_DIRECTION_LEFT_TO_RIGHT
                var order = TEXTLINE_ORDER_TOP_TO_BOTTOM
                var angle: Float = 0
                TessPageIteratorOrientation(page, &orientation, &direction, &order, &angle)
                // "Up" of the characters points to page left: a clockwise quarter turn rights them.
                switch orientation {
                case ORIENTATION_PAGE_LEFT: turns = 1
                case ORIENTATION_PAGE_DOWN: turns = 2
                case ORIENTATION_PAGE_RIGHT: turns = 3
                default: turns = 0
                }
            }
            if TessPageIteratorIsAtBeginningOf(page, RIL_TEXTLINE) != 0 { line += 1 }
            guard let cText = TessResultIteratorGetUTF8Text(iterator, RIL_WORD) else { continue }
            let text = String(cString: cText).trimmingCharacters(in: .whitespacesAndNewlines)
            TessDeleteText(cText)
            if text.isEmpty { continue }
            var l: Int32 = 0, t: Int32 = 0, r: Int32 = 0, b: Int32 = 0
            TessPageIteratorBoundingBox(page, RIL_WORD, &l, &t, &r, &b)
            let confidence = Double(TessResultIteratorConfidence(iterator, RIL_WORD)) / 100
            words.append(
                Word(
                    text: text, box: Box(x0: Double(l), y0: Double(t), x1: Double(r), y1: Double(b)),
                    confidence: max(0, min(1, confidence)), line: max(line, 0), block: max(block, 0),
                    turns: turns))
        } while TessResultIteratorNext(iterator, RIL_WORD) != 0
        return words
    }
}
