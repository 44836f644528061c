import CLeptonica
import Crypto
import DocRouteModel
import Foundation

import struct DocRouteModel.Box

/// Reads any supported file into a `Document`: detects the format from the content, then
/// hands the bytes to that format's reader, within the limits and the time budget.
public struct DocumentReader: Sendable {
    public var limits: ReaderLimits
    /// Prepare images and rendered pages before OCR (see `ImagePreprocessor`: each step runs
    /// only when the image's measured properties call for it). Off: Tesseract sees the pixels
    /// as they are.
    public var preprocess: Bool
    /// The OCR engines this reader shares across threads.
    public var ocr: OCREnginePool
    /// Find the pages' ruling lines (`Page.rules`, for rebuilding tables): a PDF text-layer
    /// page is rendered at 144 dpi (tens of milliseconds a page); an OCR page's lines are found
    /// on the image its words were read from. Off by default.
    public var rules = false

    public init(limits: ReaderLimits = .default, preprocess: Bool = true, ocr: OCREnginePool = OCREnginePool()) {
        self.limits = limits
        self.preprocess = preprocess
        self.ocr = ocr
    }

    /// Reads the file at `path`; time spent in OCR is added to `clock`, and the images of
    /// OCR'd pages are kept in `rasters` when given.
    public func read(path: String, clock: OCRClock? = nil, rasters: PageRasters? = nil) throws(DocRouteError)
        -> Document
    {
        let (data, url) = try load(path)
        return try read(data: data, path: path, url: url, clock: clock, rasters: rasters)
    }

    /// A one-page image file (PNG, JPEG, one-frame TIFF) decoded but not recognised, for a
    /// reader that looks at parts of it (a learned template); nil for every other file.
    package func image(path: String) throws(DocRouteError) -> DecodedImage? {
        let (data, url) = try load(path)
        let format = try FormatDetector(limits: limits).detect(data, url: url)
        guard [.png, .jpeg, .tiff].contains(format) else { return nil }
        if format == .tiff,
            try ImageReader.decode(data, format: format, frame: 1, limits: limits).map({ Leptonica.destroy($0.pix) })
                != nil
        {
            return nil
        }
        guard let decoded = try ImageReader.decode(data, format: format, frame: 0, limits: limits) else { return nil }
        return DecodedImage(
            pix: decoded.pix, dpi: decoded.dpi, warning: decoded.warning,
            source: Self.source(data, path: path, format: format))
    }

    private func load(_ path: String) throws(DocRouteError) -> (Data, URL) {
        let url = URL(fileURLWithPath: path)
        let size: Int
        do {
            let values = try url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey])
            guard values.isRegularFile == true else { throw DocRouteError.io("\(path) is not a regular file") }
            size = values.fileSize ?? 0
        } catch let e as DocRouteError {
            throw e
        } catch {
            throw .io("\(path): \(error.localizedDescription)")
        }
        if size > limits.maxFileBytes {
            throw .limitExceeded("file is \(size) bytes (cap \(limits.maxFileBytes))")
        }
        do {
            return (try Data(contentsOf: url, options: .mappedIfSafe), url)
        } catch {
            throw .io("\(path): \(error.localizedDescription)")
        }
    }

    /// Reads a file whose whole content is `data`; `path` is recorded as its source.
    public func read(data: Data, path: String, clock: OCRClock? = nil, rasters: PageRasters? = nil)
        throws(DocRouteError) -> Document
    {
        try read(data: data, path: path, url: nil, clock: clock, rasters: rasters)
    }

    private func read(data: Data, path: String, url: URL?, clock: OCRClock?, rasters: PageRasters?)
        throws(DocRouteError) -> Document
    {
        if data.count > limits.maxFileBytes {
            throw .limitExceeded("file is \(data.count) bytes (cap \(limits.maxFileBytes))")
        }
        let format = try FormatDetector(limits: limits).detect(data, url: url)
        let deadline = Deadline(seconds: limits.maxSeconds)
        let preprocessor = ImagePreprocessor(allowed: preprocess ? Set(ImagePreprocessor.Step.allCases) : [])
        let recognizer = PageRecognizer(
            pool: ocr, preprocessor: preprocessor, deadline: deadline, clock: clock, rasters: rasters, rules: rules)
        let content: ReadContent
        switch format {
        case .pdf:
            content = try PDFReader(limits: limits, deadline: deadline, recognizer: recognizer, rules: rules).read(data)
        case .docx: content = try DOCXReader(limits: limits, deadline: deadline).read(data, url: url)
        case .xlsx: content = try XLSXReader(limits: limits, deadline: deadline).read(data, url: url)
        case .png, .jpeg, .tiff:
            content = try ImageReader(limits: limits, deadline: deadline, recognizer: recognizer).read(
                data, format: format)
        }
        return Document(
            source: Self.source(data, path: path, format: format), pages: content.pages, tables: content.tables,
            warnings: content.warnings)
    }

    static func source(_ data: Data, path: String, format: DocumentFormat) -> Document.Source {
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        return Document.Source(path: path, sha256: digest, format: format, bytes: data.count)
    }
}

/// An image file decoded by `DocumentReader.image(path:)`: owns its pixels.
package final class DecodedImage: @unchecked Sendable {
    package let pix: UnsafeMutablePointer<PIX>
    package let dpi: Int
    /// Set when the resolution had to be assumed.
    package let warning: String?
    package let source: Document.Source

    init(pix: UnsafeMutablePointer<PIX>, dpi: Int, warning: String?, source: Document.Source) {
        self.pix = pix; self.dpi = dpi; self.warning = warning; self.source = source
    }

    deinit { Leptonica.destroy(pix) }
}
