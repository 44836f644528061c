import Foundation

#if canImport(Glibc)
    import Glibc
    import DocRouteModel
    import DocRouteReaders
#endif

/// Expands command-line paths into the files to process: files as given, folders walked
/// recursively in name order, hidden files and folders skipped.
///
/// Every entry that is not a folder is an input — symlinks, FIFOs, sockets and devices too —
/// so that each gets a record (the reader refuses what is not a regular file with an `io`
/// error) instead of vanishing. A folder that cannot be opened is an input for the same
/// reason; a name that is not UTF-8 keeps its place with U+FFFD for its bad bytes (and gets
/// the reader's `io` error). Symlinked folders are not followed.
public enum FileWalker {
    /// `recursive: false` takes only the entries directly inside each folder.
    public static func expand(_ paths: [String], recursive: Bool = true) -> [String] {
        var out: [String] = []
        for path in paths {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else {
                out.append(path)  // a file, or reported as an io error by the reader
                continue
            }
            var found: [String] = []
            walk(path, relative: "", recursive: recursive, into: &found)
            out += found.sorted().map { (path as NSString).appendingPathComponent($0) }
        }
        return out
    }

    /// Endings of the data files that live beside documents — truth and record files, pipeline
    /// specs, manifests, notes: `jsonl`, `json`, `yaml`, `yml`, `md`.
    public static let dataExtensions: Set<String> = ["jsonl", "json", "yaml", "yml", "md"]

    /// `expand`, with the data files found by walking a folder set apart: a file whose name
    /// ends in one of `dataExtensions` and whose first bytes are not a document's
    /// (`FormatDetector.hasDocumentSignature`). Files named on the command line are always inputs.
    public static func inputs(_ paths: [String], recursive: Bool = true) -> (files: [String], skipped: [String]) {
        var files: [String] = [], skipped: [String] = []
        for path in paths {
            var isDir: ObjCBool = false
            let walked = FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
            for file in expand([path], recursive: recursive) {
                if walked && isDataFile(file) { skipped.append(file) } else { files.append(file) }
            }
        }
        return (files, skipped)
    }

    static func isDataFile(_ path: String) -> Bool {
        guard dataExtensions.contains((path as NSString).pathExtension.lowercased()) else { return false }
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG,
            let handle = FileHandle(forReadingAtPath: path)
        else { return false }
        defer { try? handle.close() }
        return !FormatDetector.hasDocumentSignature([UInt8]((try? handle.read(upToCount: 1024)) ?? Data()))
    }

    private static func walk(_ base: String, relative: String, recursive: Bool, into found: inout [String]) {
        let folder = relative.isEmpty ? base : (base as NSString).appendingPathComponent(relative)
        guard let dir = opendir(folder) else {
            if !relative.isEmpty { found.append(relative) }
            return
        }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix(".") { continue }  // hidden, and . and ..
            let child = relative.isEmpty ? name : (relative as NSString).appendingPathComponent(name)
            var info = stat()
            let isFolder =
                lstat((base as NSString).appendingPathComponent(child), &info) == 0
                && (info.st_mode & S_IFMT) == S_IFDIR
            if isFolder {
                if recursive { walk(base, relative: child, recursive: true, into: &found) }
            } else {
                found.append(child)
            }
        }
    }
}
