import CLeptonica
import DocRouteModel
import Foundation

import struct DocRouteModel.Box

/// Reads PNG, JPEG and TIFF (every frame of a multi-page TIFF) with leptonica and recognises
/// each frame with Tesseract: one page per frame, boxes in image pixels.
///
/// Images without resolution metadata are taken to be 300 dpi (a warning says so). The pixel
/// count of each frame is checked from its header before it is decoded.
struct ImageReader {
    let limits: ReaderLimits
    let deadline: Deadline
    let recognizer: PageRecognizer
    static let assumedDPI = 300

    func read(_ data: Data, format: DocumentFormat) throws(DocRouteError) -> ReadContent {
        var pages: [Page] = []
        var warnings: [String] = []
        // The frame cap, before any frame is decoded or recognised (a TIFF of 2,001 frames was
        // refused only after 2,000 had been OCR'd): only headers are read to reach it.
        if format == .tiff, Self.tiffHasFrame(data, index: limits.maxPages) {
            throw .limitExceeded("TIFF has more than \(limits.maxPages) frames")
        }
        var frame = 0
        while true {
            try deadline.check()
            guard let decoded = try Self.decode(data, format: format, frame: frame, limits: limits) else { break }
            defer { Leptonica.destroy(decoded.pix) }
            if let w = decoded.warning { warnings.append(w) }
            let page = try recognizer.page(
                decoded.pix, index: frame, dpi: Double(decoded.dpi), boxScale: 1,
                width: Double(pixGetWidth(decoded.pix)), height: Double(pixGetHeight(decoded.pix)), unit: .px)
            pages.append(page)
            frame += 1
            if format != .tiff { break }
        }
        return ReadContent(pages: pages, tables: [], warnings: warnings)
    }

    /// Whether a TIFF has a frame at 0-based `index` (its header can be read).
    static func tiffHasFrame(_ data: Data, index: Int) -> Bool {
        _ = Leptonica.silenced
        return data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Bool in
            guard let bytes = raw.bindMemory(to: UInt8.self).baseAddress else { return false }
            var w: Int32 = 0, h: Int32 = 0, bps: Int32 = 0, spp: Int32 = 0, res: Int32 = 0, cmap: Int32 = 0,
                fmt: Int32 = 0
            return readHeaderMemTiff(bytes, raw.count, Int32(index), &w, &h, &bps, &spp, &res, &cmap, &fmt) == 0
        }
    }

    /// Frame `frame` (0-based) of an image file, decoded (the caller destroys it), with its
    /// resolution and a warning when that had to be assumed; nil when a TIFF has no such frame.
    /// The pixel count is checked from the header before anything is decoded (the TIFF frame
    /// cap is `read`'s, before frame 0).
    static func decode(
        _ data: Data, format: DocumentFormat, frame: Int,
        limits: ReaderLimits
    ) throws(DocRouteError) -> (pix: UnsafeMutablePointer<PIX>, dpi: Int, warning: String?)? {
        _ = Leptonica.silenced
        return try data.withBytes {
            (raw: UnsafeRawBufferPointer) throws(DocRouteError) -> (
                pix: UnsafeMutablePointer<PIX>, dpi: Int, warning: String?
            )? in
            let bytes = raw.bindMemory(to: UInt8.self).baseAddress!
            let size = raw.count
            var w: Int32 = 0, h: Int32 = 0, bps: Int32 = 0, spp: Int32 = 0, res: Int32 = 0, cmap: Int32 = 0,
                fmt: Int32 = 0
            let headerOK: Bool
            if format == .tiff {
                headerOK = readHeaderMemTiff(bytes, size, Int32(frame), &w, &h, &bps, &spp, &res, &cmap, &fmt) == 0
            } else {
                headerOK = pixReadHeaderMem(bytes, size, &fmt, &w, &h, &bps, &spp, &cmap) == 0
            }
            if !headerOK {
                if frame == 0 { throw .corrupt("\(format.rawValue.uppercased()) image header cannot be read") }
                return nil  // no more TIFF frames
            }
            let pixels = Int(w) * Int(h)
            if w <= 0 || h <= 0 { throw .corrupt("image frame \(frame + 1) has no pixels") }
            if pixels > limits.maxPixels {
                throw .limitExceeded("image frame \(frame + 1) is \(w)×\(h) pixels (cap \(limits.maxPixels))")
            }
            let decoded = format == .tiff ? pixReadMemTiff(bytes, size, Int32(frame)) : pixReadMem(bytes, size)
            guard let pix = decoded else {
                throw .corrupt("image frame \(frame + 1) cannot be decoded")
            }
            var dpi = Int(pixGetXRes(pix))
            var warning: String? = nil
            if dpi < 70 || dpi > 2400 {
                warning = "page \(frame + 1) has no usable resolution (\(dpi)); assumed \(assumedDPI) dpi"
                dpi = assumedDPI
            }
            return (pix, dpi, warning)
        }
    }
}

extension Data {
    /// `withUnsafeBytes` for a body that throws `DocRouteError` (the standard one rethrows untyped).
    func withBytes<T>(_ body: (UnsafeRawBufferPointer) throws(DocRouteError) -> T) throws(DocRouteError) -> T {
        let result: Result<T, DocRouteError> = withUnsafeBytes { raw in
            do throws(DocRouteError) { return .success(try body(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
