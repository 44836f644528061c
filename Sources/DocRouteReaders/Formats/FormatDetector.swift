import DocRouteModel
import Foundation

/// Names a file's format from its bytes, never from its extension.
///
/// ZIP files are opened and recognised as DOCX or XLSX by their parts (`[Content_Types].xml`
/// and the main part the package relationships point to, `word/document.xml` or
/// `xl/workbook.xml` by default), which covers Strict OOXML too. Everything else is a typed
/// `unsupportedFormat` error that names what the file is when that is known.
public struct FormatDetector: Sendable {
    public var limits: ReaderLimits

    public init(limits: ReaderLimits = .default) {
        self.limits = limits
    }

    static let pngMagic: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    static let jpegMagic: [UInt8] = [0xFF, 0xD8, 0xFF]
    static let tiffMagics: [[UInt8]] = [[0x49, 0x49, 0x2A, 0x00], [0x4D, 0x4D, 0x00, 0x2A]]
    static let zipMagics: [[UInt8]] = [[0x50, 0x4B, 0x03, 0x04], [0x50, 0x4B, 0x05, 0x06]]

    /// Whether the first bytes of a file (up to 1024) are those of a PNG, JPEG, TIFF, PDF or
    /// ZIP: what `detect` reads by content.
    package static func hasDocumentSignature(_ head: [UInt8]) -> Bool {
        ([pngMagic, jpegMagic] + tiffMagics + zipMagics).contains { head.starts(with: $0) } || hasPDFHeader(head)
    }

    /// PDF readers accept the header anywhere in the first 1024 bytes.
    static func hasPDFHeader(_ head: [UInt8]) -> Bool { head.firstRange(of: Array("%PDF-".utf8)) != nil }

    /// The format of the file whose full content is `data`; `url`, when given, is that file
    /// (ZIP packages are then opened from it rather than from a temporary copy).
    public func detect(_ data: Data, url: URL? = nil) throws(DocRouteError) -> DocumentFormat {
        if data.isEmpty { throw .emptyFile }
        let head = [UInt8](data.prefix(1024))
        func starts(_ magic: [UInt8]) -> Bool { head.starts(with: magic) }

        if starts(Self.pngMagic) { return .png }
        if starts(Self.jpegMagic) { return .jpeg }
        if Self.tiffMagics.contains(where: starts) { return .tiff }
        if starts([0x49, 0x49, 0x2B, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2B]) {
            throw .unsupportedFormat(kind: "BigTIFF image")
        }
        if Self.hasPDFHeader(head) { return .pdf }
        if Self.zipMagics.contains(where: starts) {
            return try detectZip(data, url: url)
        }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            throw .unsupportedFormat(kind: CompoundFile.describe(data))
        }
        throw .unsupportedFormat(kind: Self.describeOther(head))
    }

    private func detectZip(_ data: Data, url: URL?) throws(DocRouteError) -> DocumentFormat {
        try OOXMLPackage(data: data, url: url, limits: limits).detectFormat()
    }

    /// A name for content that is none of the supported formats.
    static func describeOther(_ head: [UInt8]) -> String {
        func starts(_ s: String) -> Bool { head.starts(with: Array(s.utf8)) }
        if starts("GIF87a") || starts("GIF89a") { return "GIF image" }
        if starts("BM") && head.count > 14 { return "BMP image" }
        if head.count >= 12 && head[0..<4] == [0x52, 0x49, 0x46, 0x46] && Array(head[8..<12]) == Array("WEBP".utf8) {
            return "WebP image"
        }
        if starts("{\\rtf") { return "RTF document" }
        if starts("\u{1F}\u{8B}") || head.starts(with: [0x1F, 0x8B]) { return "gzip archive" }
        if head.starts(with: [0x52, 0x61, 0x72, 0x21]) { return "RAR archive" }
        if head.starts(with: [0x37, 0x7A, 0xBC, 0xAF]) { return "7-Zip archive" }
        let text = String(decoding: head.prefix(256), as: UTF8.self).lowercased()
        if text.contains("<html") || text.contains("<!doctype html") { return "HTML document" }
        if text.hasPrefix("<?xml") { return "XML document" }
        let printable = head.filter { $0 == 9 || $0 == 10 || $0 == 13 || ($0 >= 32 && $0 != 127) }.count
        if printable == head.count { return "plain text" }
        return "unknown binary data"
    }
}
