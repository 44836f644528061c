import Crypto
import Foundation

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

    public init(limits: ReaderLimits = .default, preprocess: Bool = true, ocr: OCREnginePool = OCREnginePool()) {
        self.limits = limits
        self.preprocess = preprocess
        self.ocr = ocr
    }

    /// Reads the file at `path`; time spent in OCR is added to `clock`, and the images of
    /// OCR'd pages are kept in `rasters` when given.
    public func read(path: String, clock: OCRClock? = nil, rasters: PageRasters? = nil) throws(DocRouteError) -> Document {
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
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw .io("\(path): \(error.localizedDescription)")
        }
        return try read(data: data, path: path, url: url, clock: clock, rasters: rasters)
    }

    /// Reads a file whose whole content is `data`; `path` is recorded as its source.
    public func read(data: Data, path: String, clock: OCRClock? = nil, rasters: PageRasters? = nil) throws(DocRouteError) -> Document {
        try read(data: data, path: path, url: nil, clock: clock, rasters: rasters)
    }

    private func read(data: Data, path: String, url: URL?, clock: OCRClock?, rasters: PageRasters?) throws(DocRouteError) -> Document {
        if data.count > limits.maxFileBytes {
            throw .limitExceeded("file is \(data.count) bytes (cap \(limits.maxFileBytes))")
        }
        let format = try FormatDetector(limits: limits).detect(data, url: url)
        let deadline = Deadline(seconds: limits.maxSeconds)
        let preprocessor = ImagePreprocessor(allowed: preprocess ? Set(ImagePreprocessor.Step.allCases) : [])
        let recognizer = PageRecognizer(pool: ocr, preprocessor: preprocessor, deadline: deadline, clock: clock, rasters: rasters)
        let content: ReadContent
        switch format {
        case .pdf: content = try PDFReader(limits: limits, deadline: deadline, recognizer: recognizer).read(data)
        case .docx: content = try DOCXReader(limits: limits, deadline: deadline).read(data, url: url)
        case .xlsx: content = try XLSXReader(limits: limits, deadline: deadline).read(data, url: url)
        case .png, .jpeg, .tiff:
            content = try ImageReader(limits: limits, deadline: deadline, recognizer: recognizer).read(data, format: format)
        }
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let source = Document.Source(path: path, sha256: digest, format: format, bytes: data.count)
        return Document(source: source, pages: content.pages, tables: content.tables, warnings: content.warnings)
    }
}
