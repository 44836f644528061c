import DocRouteModel
import Foundation

/// Lists the documents waiting in an inbox and says which have stopped changing: a file is
/// taken only once its size and modification time have stayed the same for `settle` seconds,
/// so a half-copied file is never read.
package struct InboxScanner {
    /// A file in the inbox.
    package struct Entry: Hashable {
        /// Path relative to the inbox.
        package var name: String
        package var size: Int64
        package var modified: Double
    }

    /// The daemon's own folders inside the inbox; never scanned.
    package static let reserved: Set<String> = ["processing", "done", "failed"]

    let inbox: URL
    let recursive: Bool
    let settle: Double
    /// First time each file was seen with its current size and modification time.
    private var since: [String: (size: Int64, modified: Double, at: Double)] = [:]

    package init(inbox: URL, recursive: Bool, settle: Double) {
        self.inbox = inbox
        self.recursive = recursive
        self.settle = settle
    }

    /// Hidden files and the names copy tools give files in transit.
    static func ignored(_ name: String) -> Bool {
        let lower = name.lowercased()
        if name.hasPrefix(".") || name.hasPrefix("~$") || name.hasSuffix("~") { return true }
        return [".part", ".tmp", ".crdownload", ".partial", ".download", ".swp"].contains { lower.hasSuffix($0) }
    }

    /// Regular files of the inbox (and its subfolders with `recursive`), skipping ignored names,
    /// symbolic links and the daemon's folders.
    func list() -> [Entry] { scan().files }

    /// One walk: the files (as `list()`) and the folders walked, the inbox first (those are
    /// the folders to watch for events).
    package func scan() -> (files: [Entry], directories: [URL]) {
        var files: [Entry] = []
        var directories: [URL] = []
        func walk(_ dir: URL, prefix: String) {
            directories.append(dir)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return }
            for name in names.sorted() where !Self.ignored(name) {
                if prefix.isEmpty && Self.reserved.contains(name) { continue }
                var st = stat()
                guard lstat(dir.appendingPathComponent(name).path, &st) == 0 else { continue }
                let rel = prefix.isEmpty ? name : prefix + "/" + name
                switch st.st_mode & S_IFMT {
                case S_IFREG:
                    files.append(
                        Entry(
                            name: rel, size: Int64(st.st_size),
                            modified: Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9))
                case S_IFDIR where recursive:
                    walk(dir.appendingPathComponent(name), prefix: rel)
                default:
                    break
                }
            }
        }
        walk(inbox, prefix: "")
        return (files, directories)
    }

    /// The entries whose size and modification time have not changed for `settle` seconds at
    /// `now`; `unsettled` is how many are still changing or too recent.
    package mutating func settled(_ entries: [Entry], now: Double) -> (ready: [Entry], unsettled: Int) {
        var ready: [Entry] = []
        var seen = Set<String>()
        var unsettled = 0
        for e in entries {
            seen.insert(e.name)
            if let s = since[e.name], s.size == e.size, s.modified == e.modified {
                // Unchanged since first seen; also older than `settle` by its own clock.
                if now - s.at >= settle && now - e.modified >= settle { ready.append(e) } else { unsettled += 1 }
            } else {
                since[e.name] = (e.size, e.modified, now)
                // A file already old when first seen (there before the daemon started) is ready
                // at once; a fresh one waits.
                if now - e.modified >= settle * 2 && settle > 0 {
                    ready.append(e)
                } else if settle == 0 {
                    ready.append(e)
                } else {
                    unsettled += 1
                }
            }
        }
        for name in since.keys where !seen.contains(name) { since.removeValue(forKey: name) }
        return (ready, unsettled)
    }

    /// Forgets a file (claimed or gone).
    package mutating func forget(_ name: String) {
        since.removeValue(forKey: name)
    }
}
