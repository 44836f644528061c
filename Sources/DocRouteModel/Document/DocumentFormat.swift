/// The formats DocRoute reads, as detected from a file's content.
public enum DocumentFormat: String, Sendable, Codable, CaseIterable {
    case pdf, docx, xlsx, png, jpeg, tiff

    /// Whether the format is a raster image read through OCR.
    public var isImage: Bool { self == .png || self == .jpeg || self == .tiff }
}
