import Foundation

/// Expands command-line paths into the files to process: files as given, folders walked
/// recursively in name order, hidden files and folders skipped.
public enum FileWalker {
    public static func expand(_ paths: [String]) -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
                out.append(path)  // reported as an io error by the reader
                continue
            }
            guard isDir.boolValue else { out.append(path); continue }
            let base = URL(fileURLWithPath: path)
            guard let walker = fm.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey],
                                             options: [.skipsHiddenFiles]) else { continue }
            var found: [String] = []
            for case let url as URL in walker {
                if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                    let relative = url.path.hasPrefix(base.path + "/") ? String(url.path.dropFirst(base.path.count + 1)) : url.lastPathComponent
                    found.append((path as NSString).appendingPathComponent(relative))
                }
            }
            out += found.sorted()
        }
        return out
    }
}
