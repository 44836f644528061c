/// How a document was read, which routing and evaluation go by: its format, with a PDF whose
/// every page was OCR'd told apart as `scanned`.
public enum DocumentKind: String, Sendable, Hashable, Codable, CaseIterable {
    case docx, xlsx, pdf, scanned, png, jpeg, tiff

    /// An image format (`png`, `jpeg`, `tiff`): what a pipeline's `image` routing applies to.
    public var isImage: Bool { self == .png || self == .jpeg || self == .tiff }

    /// Read by OCR: an image or a scanned PDF.
    public var isOCR: Bool { isImage || self == .scanned }
}

extension Document {
    /// `scanned` for a PDF whose every page was OCR'd; otherwise its format.
    public var kind: DocumentKind {
        switch source.format {
        case .pdf: return !pages.isEmpty && pages.allSatisfy({ $0.origin == .ocr }) ? .scanned : .pdf
        case .docx: return .docx
        case .xlsx: return .xlsx
        case .png: return .png
        case .jpeg: return .jpeg
        case .tiff: return .tiff
        }
    }
}
