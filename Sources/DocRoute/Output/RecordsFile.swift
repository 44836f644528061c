import Foundation

#if canImport(Glibc)
    import Glibc
    import DocRouteModel
#endif

/// A JSON Lines file that grows by one document's records at a time, each document's lines in
/// one `write(2)`, so a `kill -9` of the writer loses at most the documents not yet written
/// and a reader never sees half a document (but for a crash mid-write, whose partial last
/// line the next `resume` cuts off). Nothing is held in memory but the keys of what is there.
///
/// Decisions: no fsync per document (a killed process loses nothing the kernel has; a power
/// cut may lose the tail, and `close` syncs); records are keyed by their source's SHA-256, or
/// by path for a file that could not be read, so `resume` skips what already has records.
public final class RecordsFile {
    public let path: String
    /// Keys (see `key(of:)`) of the documents the file already held when it was opened.
    public private(set) var recorded: Set<String> = []
    /// Keys of those documents with a `failed` record.
    public private(set) var failed: Set<String> = []
    private let fd: Int32

    /// Opens `path` for appending: emptied first, or with `resume` kept (its complete lines
    /// read for their keys, a partial last line cut off). Throws when it cannot be written.
    public init(path: String, resume: Bool) throws {
        self.path = path
        if resume, let data = FileManager.default.contents(atPath: path) {
            var keep = data.count
            if let last = data.last, last != UInt8(ascii: "\n") {
                keep = (data.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? 0
            }
            for line in data.prefix(keep).split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
                if let record = try? JSONDecoder().decode(Record.self, from: Data(line)) {
                    recorded.insert(Self.key(of: record))
                    if record.status == .failed { failed.insert(Self.key(of: record)) }
                }
            }
            if keep < data.count {
                guard truncate(path, off_t(keep)) == 0 else { throw Self.error("cannot cut", path) }
            }
        }
        let flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (resume ? 0 : O_TRUNC)
        fd = open(path, flags, 0o644)
        guard fd >= 0 else { throw Self.error("cannot write", path) }
    }

    deinit {
        _ = fsync(fd)
        close(fd)
    }

    /// Appends one document's records (one line each) in a single write.
    public func append(_ records: [Record]) throws {
        guard !records.isEmpty else { return }
        let data = Data((records.map { $0.json() }.joined(separator: "\n") + "\n").utf8)
        let failure: Int32 = data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return n < 0 ? errno : ENOSPC }
                offset += n
            }
            return 0
        }
        guard failure == 0 else { throw Self.error("cannot append to", path, code: failure) }
    }

    /// Whether the file held records of the input at `path` when it was opened — by content,
    /// or by path for a record that has no SHA-256 (a file refused before it was hashed): nil
    /// when not, else whether one of them failed.
    public func held(_ path: String) -> Bool? {
        for key in ["path:" + path, Self.key(ofFile: path)] where recorded.contains(key) {
            return failed.contains(key)
        }
        return nil
    }

    /// A record's document key: its source's SHA-256, or its path when it had none.
    public static func key(of record: Record) -> String {
        record.source.sha256.flatMap { $0.isEmpty ? nil : $0 } ?? "path:" + record.source.path
    }

    /// The key the records of the file at `path` will have (the content's SHA-256, or the path
    /// when it is not a regular file or cannot be read: the reader refuses those without
    /// hashing, and a FIFO must not be opened at all).
    public static func key(ofFile path: String) -> String {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, let sha = FileHash.sha256(path) else {
            return "path:" + path
        }
        return sha
    }

    private static func error(_ what: String, _ path: String, code: Int32 = errno) -> DocRouteError {
        .io("\(what) \(path): \(String(cString: strerror(code)))")
    }
}
