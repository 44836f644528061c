import Crypto
import DocRouteModel
import Foundation

/// The SHA-256 of a file's content, read in 1 MiB pieces: how records, `--resume` and the
/// watch daemon name a document.
public enum FileHash {
    /// Lower-case hex; nil when the file cannot be opened or read.
    public static func sha256(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var hasher = SHA256()
        do {
            // `read` gives nil (or nothing) at the end, and throws when the file cannot be read.
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        } catch {
            return nil
        }
        return hex(hasher.finalize())
    }

    /// The SHA-256 of bytes in hand, lower-case hex.
    public static func sha256(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

    static func hex(_ digest: SHA256.Digest) -> String { digest.map { String(format: "%02x", $0) }.joined() }
}
