import Foundation

/// Expands command-line paths into the files to process: files as given, folders walked
/// recursively in name order, hidden files and folders skipped.
public enum FileWalker {
    /// `recursive: false` takes only the files directly inside each folder.
    public static func expand(_ paths: [String], recursive: Bool = true) -> [String] {
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
            var options: FileManager.DirectoryEnumerationOptions = [.skipsHiddenFiles]
            if !recursive { options.insert(.skipsSubdirectoryDescendants) }
            guard let walker = fm.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey],
                                             options: options) else { continue }
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
