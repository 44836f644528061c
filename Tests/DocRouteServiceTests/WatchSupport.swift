import DocRouteModel
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Helpers for running the real `docroute watch` binary as a child process and checking the
/// folders it leaves.
enum WatchSupport {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let identity = packageRoot.appendingPathComponent("Samples/identity")
    /// The identity pipeline's spec, by path (children do not run in the package folder).
    static let pipeline = packageRoot.appendingPathComponent("Pipelines/identity.yaml").path

    static func temporaryDirectory(_ tag: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "docroute-\(tag)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Writes `data` to `url` in `pieces` chunks with `pause` seconds between them (a slow copy).
    static func slowCopy(_ data: Data, to url: URL, pieces: Int, pause: Double) throws {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        let size = max(1, (data.count + pieces - 1) / pieces)
        var offset = 0
        while offset < data.count {
            let end = min(data.count, offset + size)
            try handle.write(contentsOf: data[offset..<end])
            offset = end
            if offset < data.count { Thread.sleep(forTimeInterval: pause) }
        }
    }

    /// Every JSON object of a JSON Lines text.
    static func objects(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map {
            guard let o = try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] else {
                throw NSError(domain: "json", code: 1)
            }
            return o
        }
    }

    /// Files under `dir` (relative paths), recursively, hidden ones included.
    static func files(_ dir: URL) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: dir.path) else { return [] }
        var out: [String] = []
        while let p = e.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent(p).path, isDirectory: &isDir),
                !isDir.boolValue
            {
                out.append(p)
            }
        }
        return out.sorted()
    }
}
