import DocRouteModel
import Foundation
import ZIPFoundation

/// An Office Open XML package (a ZIP of XML parts) read with caps on entry count, entry
/// size, total size and compression ratio, so that a ZIP bomb is a typed error.
final class OOXMLPackage {
    private let archive: Archive
    private let limits: ReaderLimits
    private let entries: [String: Entry]
    /// Uncompressed bytes read so far from this package.
    private var bytesRead = 0

    /// A temporary copy of the package, when it was given as bytes rather than a file.
    private let temporaryFile: URL?

    /// Opens the package in the file at `url`, or, when `url` is nil, in `data`.
    ///
    /// ZIPFoundation's in-memory archive traps on some malformed offsets (a negative range in
    /// `MemoryFile.readData`), which would take the whole process down; its file-backed
    /// archive reads with `fread` and reports the same damage as an error. So bytes without a
    /// file are written to a temporary file first.
    init(data: Data, url: URL?, limits: ReaderLimits) throws(DocRouteError) {
        self.limits = limits
        var fileURL = url
        if fileURL == nil {
            let tmp = FileManager.default.temporaryDirectory
                .appendingPathComponent("docroute-\(UUID().uuidString).zip")
            do { try data.write(to: tmp) } catch {
                throw .io("cannot write a temporary copy: \(error.localizedDescription)")
            }
            fileURL = tmp
            temporaryFile = tmp
        } else {
            temporaryFile = nil
        }
        do {
            archive = try Archive(url: fileURL!, accessMode: .read)
        } catch {
            if let t = temporaryFile { try? FileManager.default.removeItem(at: t) }
            throw .corrupt("ZIP archive whose directory cannot be read")
        }
        var map: [String: Entry] = [:]
        var count = 0
        for entry in archive {
            count += 1
            if count > limits.zipMaxEntries {
                throw .limitExceeded("ZIP archive has more than \(limits.zipMaxEntries) entries")
            }
            // Part names are case-insensitive in OPC; keep the first of any duplicates.
            let key = Self.normalise(entry.path)
            if map[key] == nil { map[key] = entry }
        }
        entries = map
    }

    deinit {
        if let t = temporaryFile { try? FileManager.default.removeItem(at: t) }
    }

    private static func normalise(_ path: String) -> String {
        var p = path.replacingOccurrences(of: "\\", with: "/")
        while p.hasPrefix("/") { p.removeFirst() }
        return p.lowercased()
    }

    func contains(_ part: String) -> Bool { entries[Self.normalise(part)] != nil }

    /// The uncompressed bytes of `part`, or nil if the package has no such part.
    func read(_ part: String) throws(DocRouteError) -> Data? {
        guard let entry = entries[Self.normalise(part)] else { return nil }
        let declared = Int(clamping: entry.uncompressedSize)
        let compressed = max(Int(clamping: entry.compressedSize), 1)
        if declared > limits.zipMaxEntryBytes {
            throw .limitExceeded("ZIP entry \(part) declares \(declared) bytes (cap \(limits.zipMaxEntryBytes))")
        }
        if declared > 1 << 20 && Double(declared) / Double(compressed) > limits.zipMaxRatio {
            throw .limitExceeded(
                "ZIP entry \(part) has compression ratio \(declared / compressed):1 (cap \(Int(limits.zipMaxRatio)):1)")
        }
        // The declared sizes can lie: count what is really inflated and stop at the caps.
        var out = Data()
        out.reserveCapacity(min(declared, 1 << 20))
        let entryCap = limits.zipMaxEntryBytes
        let totalLeft = limits.zipMaxTotalBytes - bytesRead
        let ratioCap = limits.zipMaxRatio
        var capError: DocRouteError?
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                out.append(chunk)
                if out.count > entryCap {
                    capError = .limitExceeded("ZIP entry \(part) inflates past \(entryCap) bytes")
                } else if out.count > totalLeft {
                    capError = .limitExceeded("ZIP package inflates past \(self.limits.zipMaxTotalBytes) bytes")
                } else if out.count > 1 << 20 && Double(out.count) / Double(compressed) > ratioCap {
                    capError = .limitExceeded("ZIP entry \(part) inflates past ratio \(Int(ratioCap)):1")
                }
                if capError != nil { throw CancellationError() }
            }
        } catch {
            if let capError { throw capError }
            throw .corrupt("ZIP entry \(part) cannot be inflated")
        }
        bytesRead += out.count
        return out
    }

    /// An XML part parsed safely, or nil if absent.
    func xml(_ part: String) throws(DocRouteError) -> XMLTree? {
        guard let data = try read(part) else { return nil }
        return try XMLTree(data: data, name: part, maxElements: limits.maxXMLElements)
    }

    /// Relationships of `part` (from `_rels/<name>.rels` beside it): id → (type, target part).
    func relationships(of part: String) throws(DocRouteError) -> [String: Relationship] {
        let dir = (part as NSString).deletingLastPathComponent
        let name = (part as NSString).lastPathComponent
        let relsPath = dir.isEmpty ? "_rels/\(name).rels" : "\(dir)/_rels/\(name).rels"
        guard let tree = try xml(relsPath), let root = tree.root else { return [:] }
        var out: [String: Relationship] = [:]
        for rel in root.children where rel.name == "Relationship" {
            guard let id = rel.attribute("Id"), let target = rel.attribute("Target") else { continue }
            let type = rel.attribute("Type") ?? ""
            if rel.attribute("TargetMode") == "External" { continue }
            out[id] = Relationship(type: type, target: Self.resolve(target, from: dir))
        }
        return out
    }

    /// A package relationship: its type URI and the part it points to.
    struct Relationship {
        var type: String
        var target: String
        /// The last path component of the type URI (`officeDocument`, `header`, `worksheet`, ...).
        /// Transitional and Strict OOXML use different URI prefixes with the same last component.
        var kind: String { type.split(separator: "/").last.map(String.init) ?? "" }
    }

    /// A relationship target resolved against the folder of its source part.
    static func resolve(_ target: String, from dir: String) -> String {
        var t = target
        if t.hasPrefix("/") { t.removeFirst(); return standardise(t) }
        return standardise(dir.isEmpty ? t : dir + "/" + t)
    }

    private static func standardise(_ path: String) -> String {
        var parts: [Substring] = []
        for c in path.split(separator: "/") {
            if c == "." { continue }
            if c == ".." { _ = parts.popLast(); continue }
            parts.append(c)
        }
        return parts.joined(separator: "/")
    }

    /// The main part named by the package relationships (`officeDocument`), if any.
    func mainPart() throws(DocRouteError) -> String? {
        let rels = try relationships(of: "")
        return rels.values.first { $0.kind == "officeDocument" }?.target
    }

    /// The main part if the package relationships name one that exists, else `fallback`.
    func mainPart(or fallback: String) -> String {
        if let main = (try? mainPart()) ?? nil, contains(main) { return main }
        return fallback
    }

    /// DOCX or XLSX, from the package's parts; a typed error for any other ZIP.
    func detectFormat() throws(DocRouteError) -> DocumentFormat {
        guard contains("[Content_Types].xml") else {
            throw .unsupportedFormat(kind: "ZIP archive that is not OOXML (no [Content_Types].xml)")
        }
        let main = (try? mainPart()) ?? nil
        if let main, contains(main) {
            let lower = main.lowercased()
            if lower.hasPrefix("word/") { return .docx }
            if lower.hasPrefix("xl/") { return .xlsx }
            if lower.hasPrefix("ppt/") { throw .unsupportedFormat(kind: "PowerPoint presentation (.pptx)") }
        }
        if contains("word/document.xml") { return .docx }
        if contains("xl/workbook.xml") { return .xlsx }
        if contains("ppt/presentation.xml") { throw .unsupportedFormat(kind: "PowerPoint presentation (.pptx)") }
        throw .unsupportedFormat(kind: "OOXML package that is neither a Word document nor a workbook")
    }
}
