import CPoppler
import DocRouteModel
import Foundation

extension PDFReader {
    /// Opens `data` with poppler: the bytes (to release after the document) and the document.
    static func open(_ data: Data) throws(DocRouteError) -> (OpaquePointer?, OpaquePointer) {
        let bytes: OpaquePointer? = data.withUnsafeBytes { raw in g_bytes_new(raw.baseAddress, gsize(raw.count)) }
        var error: UnsafeMutablePointer<GError>? = nil
        guard let document = poppler_document_new_from_bytes(bytes, nil, &error) else {
            g_bytes_unref(bytes)
            defer { docroute_g_error_free(error) }
            if let e = error?.pointee, e.domain == poppler_error_quark(),
                e.code == Int32(POPPLER_ERROR_ENCRYPTED.rawValue)
            {
                throw .encrypted("PDF needs a password to open")
            }
            let message = error.flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "unreadable"
            throw .corrupt("PDF cannot be opened: \(message)")
        }
        return (bytes, document)
    }

    /// The PDF with every page tree `/Count` larger than the page objects in sight written
    /// as that number instead, zero-padded to the same width (so no byte offset moves), and
    /// the largest count claimed; nil when no count needed it. Page objects inside compressed
    /// object streams are not in sight: such a file is left as it is.
    static func withPageCountRepaired(_ data: Data) -> (data: Data, claimed: Int)? {
        let bytes = [UInt8](data)
        let pages = max(1, occurrences(of: Array("/Type".utf8), followedBy: Array("/Page".utf8), in: bytes))
        var fixed = bytes
        var claimed = 0
        let key = Array("/Count".utf8)
        var i = 0
        while let at = find(key, in: bytes, from: i) {
            var j = at + key.count
            while j < bytes.count, [0x20, 0x0a, 0x0d, 0x09, 0x0c, 0x00].contains(bytes[j]) { j += 1 }
            let start = j
            while j < bytes.count, (0x30...0x39).contains(bytes[j]), j - start < 19 { j += 1 }
            i = max(j, at + 1)
            guard j > start, let n = Int(String(decoding: bytes[start..<j], as: UTF8.self)), n > pages else { continue }
            let digits = Array(String(pages).utf8)
            guard digits.count <= j - start else { continue }
            let padded = [UInt8](repeating: 0x30, count: j - start - digits.count) + digits
            fixed.replaceSubrange(start..<j, with: padded)
            claimed = max(claimed, n)
        }
        return claimed > 0 ? (Data(fixed), claimed) : nil
    }

    /// How often `first`, then optional white space, then `second` not followed by a letter
    /// (so `/Page` but not `/Pages`) occurs in `bytes`.
    private static func occurrences(of first: [UInt8], followedBy second: [UInt8], in bytes: [UInt8]) -> Int {
        var count = 0, i = 0
        while let at = find(first, in: bytes, from: i) {
            var j = at + first.count
            while j < bytes.count, [0x20, 0x0a, 0x0d, 0x09].contains(bytes[j]) { j += 1 }
            i = at + 1
            guard j + second.count <= bytes.count, Array(bytes[j..<j + second.count]) == second else { continue }
            let next = j + second.count
            if next < bytes.count, (0x41...0x5a).contains(bytes[next]) || (0x61...0x7a).contains(bytes[next]) {
                continue
            }
            count += 1
        }
        return count
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard let first = needle.first, from < bytes.count else { return nil }
        var i = from
        while i + needle.count <= bytes.count {
            guard let at = bytes[i...].firstIndex(of: first) else { return nil }
            if at + needle.count <= bytes.count, bytes[at..<at + needle.count].elementsEqual(needle) { return at }
            i = at + 1
        }
        return nil
    }
}
