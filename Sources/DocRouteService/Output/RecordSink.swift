import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
    import DocRouteModel
#endif

/// Where the daemon's records go, durably and exactly once.
///
/// - `directory`: one file per document, `<sha256>.jsonl` (JSON Lines: one line per record,
///   usually one), written to a temporary name, fsynced, renamed, and the folder fsynced. The
///   same work done twice replaces the file with the same record, never a second file. A
///   duplicate drop of the same content gets `<sha256>-<id>.jsonl`.
/// - `jsonl`: lines appended to one file. Before appending, the state records the file's size;
///   a crash mid-append is undone on restart by truncating back to it (see `WatchDaemon`).
public enum RecordSink: Sendable, Hashable {
    case directory(URL)
    case jsonl(URL)

    /// Parses `--out`: a path ending in `.jsonl` is a file, anything else a folder.
    public init(path: String) {
        let url = URL(fileURLWithPath: path)
        self = url.pathExtension.lowercased() == "jsonl" ? .jsonl(url) : .directory(url)
    }

    /// Creates the folder (or the file's folder).
    func prepare() throws {
        switch self {
        case .directory(let dir):
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            // Temporary files of writes a crash interrupted.
            for name in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            where name.hasPrefix(".docroute-tmp-") {
                try? FileManager.default.removeItem(at: dir.appendingPathComponent(name))
            }
        case .jsonl(let file):
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        }
    }

    /// Writes `data` to `url` atomically and durably (temporary file in the same folder, fsync,
    /// rename, fsync of the folder).
    static func writeDurably(_ data: Data, to url: URL) throws {
        let dir = url.deletingLastPathComponent()
        let tmp = dir.appendingPathComponent(".docroute-tmp-\(getpid())-\(UUID().uuidString.prefix(8))")
        let fd = open(tmp.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SinkError.io("cannot create \(tmp.path): \(String(cString: strerror(errno)))") }
        let failure = writeAndSync(fd, data)
        close(fd)
        guard failure == 0 else {
            unlink(tmp.path)
            throw SinkError.io("cannot write \(url.lastPathComponent): \(String(cString: strerror(failure)))")
        }
        guard rename(tmp.path, url.path) == 0 else {
            let e = errno
            unlink(tmp.path)
            throw SinkError.io("cannot rename into \(url.path): \(String(cString: strerror(e)))")
        }
        syncDirectory(dir)
    }

    /// Writes all of `data` to `fd`, then fsyncs it; 0, or the errno of the first failure.
    static func writeAndSync(_ fd: Int32, _ data: Data) -> Int32 {
        var failure: Int32 = 0
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { failure = n < 0 ? errno : ENOSPC; return }
                offset += n
            }
        }
        if failure == 0 && fsync(fd) != 0 { failure = errno }
        return failure
    }

    /// fsync of a folder, so that a rename in it survives a power cut.
    static func syncDirectory(_ dir: URL) {
        let fd = open(dir.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { _ = fsync(fd); close(fd) }
    }

    /// Size of the JSON Lines file (0 when absent).
    static func size(of file: URL) throws -> Int64 {
        var st = stat()
        if stat(file.path, &st) != 0 {
            if errno == ENOENT { return 0 }
            throw SinkError.io("cannot stat \(file.path): \(String(cString: strerror(errno)))")
        }
        return Int64(st.st_size)
    }

    /// Appends `text` to `file` and fsyncs it.
    static func append(_ text: String, to file: URL) throws {
        let fd = open(file.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SinkError.io("cannot open \(file.path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let failure = writeAndSync(fd, Data(text.utf8))
        if failure != 0 { throw SinkError.io("cannot append to \(file.path): \(String(cString: strerror(failure)))") }
    }

    /// Appends `text` to `file` so that no partial line is ever followed by another append:
    /// bytes an earlier failed append left and could not cut (`dirty`) are cut first; the
    /// append's starting size goes to `starting` before it is made and `written` runs once it is
    /// synced; a failed append is cut at once (or, if that fails too, left in `dirty` for the
    /// next one), `failed` runs, and the error is thrown.
    static func append(
        _ text: String, to file: URL, dirty: borrowing Mutex<Int64?>, starting: (Int64) throws -> Void,
        written: () throws -> Void, failed: () throws -> Void
    ) throws {
        if let size = dirty.withLock({ $0 }) {
            try truncate(file, to: size)
            dirty.withLock { $0 = nil }
        }
        let offset = try size(of: file)
        try starting(offset)
        do {
            try append(text, to: file)
            try written()
        } catch {
            // A partial line (disk full): cut it now, or before the next append.
            do { try truncate(file, to: offset) } catch { dirty.withLock { $0 = offset } }
            try failed()
            throw error
        }
    }

    /// Cuts `file` back to `size` bytes (undoing an append a crash interrupted).
    static func truncate(_ file: URL, to size: Int64) throws {
        guard FileManager.default.fileExists(atPath: file.path) else { return }
        guard Glibc.truncate(file.path, off_t(size)) == 0 else {
            throw SinkError.io("cannot truncate \(file.path): \(String(cString: strerror(errno)))")
        }
        let fd = open(file.path, O_WRONLY | O_CLOEXEC)
        if fd >= 0 { _ = fsync(fd); close(fd) }
    }
}

/// A failure to write records or move inputs: the folder is read-only, full, or gone.
public enum SinkError: Error, Sendable, CustomStringConvertible {
    case io(String)

    public var description: String {
        switch self {
        case .io(let m): m
        }
    }
}
