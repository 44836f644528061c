import DocRouteModel
import Foundation

/// Caps on untrusted input. Exceeding one gives `DocRouteError.limitExceeded` (or `.timeout`)
/// for that document only.
public struct ReaderLimits: Sendable, Hashable {
    /// Largest input file read at all.
    public var maxFileBytes: Int = 512 << 20
    /// Most pages (PDF pages, TIFF frames, XLSX sheets) in one document.
    public var maxPages: Int = 2_000
    /// Most pixels of one raster image frame (width × height); larger images are refused
    /// before they are decoded.
    public var maxPixels: Int = 120_000_000
    /// Most pixels of a PDF page rendered for OCR (about A3 at 300 dpi); larger pages are
    /// rendered at a lower resolution to fit.
    public var maxRenderPixels: Int = 20_000_000
    /// Wall-clock budget for reading one document (checked between pages and inside OCR).
    public var maxSeconds: Double = 120
    /// Largest uncompressed size of one ZIP entry that DocRoute reads.
    public var zipMaxEntryBytes: Int = 64 << 20
    /// Largest uncompressed size of all the ZIP entries read from one package.
    public var zipMaxTotalBytes: Int = 256 << 20
    /// Largest compression ratio (uncompressed / compressed) of an entry above 1 MiB.
    public var zipMaxRatio: Double = 200
    /// Most entries in one ZIP package.
    public var zipMaxEntries: Int = 20_000
    /// Most elements in one XML part. libxml2 keeps each element as a tree node (about 400
    /// bytes with an attribute): 3 M empty cells in a 9 MB workbook took 1.2 GB to parse, so a
    /// part is refused before parsing when it holds more (2 M: about 800 MB at worst).
    public var maxXMLElements: Int = 2_000_000
    /// Most cells in one workbook, and most words of one DOCX body.
    public var maxCells: Int = 2_000_000
    /// Most bytes (UTF-8) of text in one document, counted over words and cells: a short
    /// shared string referenced by every cell of a sheet cannot grow into gigabytes.
    public var maxTextBytes: Int = 64 << 20
    /// Resolution at which PDF pages without a text layer are rendered for OCR.
    public var renderDPI: Double = 300

    public init() {}

    /// The limits used unless a caller sets others.
    public static let `default` = ReaderLimits()
}
