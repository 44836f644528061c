import CLeptonica
import Foundation

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
        _ = Leptonica.silenced
        return try data.withBytes { (raw: UnsafeRawBufferPointer) throws(DocRouteError) -> ReadContent in
            let bytes = raw.bindMemory(to: UInt8.self).baseAddress!
            let size = raw.count
            var pages: [Page] = []
            var warnings: [String] = []
            var frame = 0
            while true {
                try deadline.check()
                var w: Int32 = 0, h: Int32 = 0, bps: Int32 = 0, spp: Int32 = 0, res: Int32 = 0, cmap: Int32 = 0, fmt: Int32 = 0
                let headerOK: Bool
                if format == .tiff {
                    headerOK = readHeaderMemTiff(bytes, size, Int32(frame), &w, &h, &bps, &spp, &res, &cmap, &fmt) == 0
                } else {
                    headerOK = pixReadHeaderMem(bytes, size, &fmt, &w, &h, &bps, &spp, &cmap) == 0
                }
                if !headerOK {
                    if frame == 0 { throw .corrupt("\(format.rawValue.uppercased()) image header cannot be read") }
                    break  // no more TIFF frames
                }
                if frame >= limits.maxPages {
                    throw .limitExceeded("TIFF has more than \(limits.maxPages) frames")
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
                defer { Leptonica.destroy(pix) }
                var dpi = Int(pixGetXRes(pix))
                if dpi < 70 || dpi > 2400 {
                    warnings.append("page \(frame + 1) has no usable resolution (\(dpi)); assumed \(Self.assumedDPI) dpi")
                    dpi = Self.assumedDPI
                }
                let page = try recognizer.page(pix, index: frame, dpi: Double(dpi), boxScale: 1,
                                                        width: Double(w), height: Double(h), unit: .px)
                pages.append(page)
                frame += 1
                if format != .tiff { break }
            }
            return ReadContent(pages: pages, tables: [], warnings: warnings)
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
