import DocRouteModel
import Foundation

extension WatchDaemon {
    /// Puts the state and the folders back in agreement after a crash, before any new work:
    /// files in `processing/` are adopted (a row is made for one the state does not know),
    /// rows whose claim never happened are dropped, JSON Lines appends a crash cut short are
    /// undone, and temporary files are removed. Unfinished rows are then picked up by the
    /// scheduler like any other.
    func recover() throws {
        let rows = try state.entries()
        let byId = Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0) })
        var present = Set<Int64>()
        var resumed = 0
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: config.processing.path)) ?? []).sorted()
        for name in names where !name.hasPrefix(".") {
            let digits = name.prefix { $0.isNumber }
            let rest = name.dropFirst(digits.count)
            if let id = Int64(digits), rest.hasPrefix("--"), let row = byId[id],
                processingURL(id: id, name: row.name).lastPathComponent == name
            {
                present.insert(id)
                if row.status == .seen { try adopt(id) }
                if row.status != .done && row.status != .failed { resumed += 1 }
                continue
            }
            // A file the state does not know (state file replaced or removed): claim it anew.
            let original =
                rest.hasPrefix("--") ? String(rest.dropFirst(2)).replacingOccurrences(of: "__", with: "/") : name
            let id = try state.insert(name: original)
            guard
                rename(config.processing.appendingPathComponent(name).path, processingURL(id: id, name: original).path)
                    == 0
            else {
                try state.delete(id)
                continue
            }
            try adopt(id)
            present.insert(id)
            resumed += 1
        }
        for row in rows where row.status == .seen && !present.contains(row.id) {
            // Killed between the row and the rename: the file is still in the inbox.
            try state.delete(row.id)
        }
        if case .jsonl(let file) = config.sink {
            for row in rows where row.status == .appending {
                if let offset = row.jsonlOffset { try RecordSink.truncate(file, to: offset) }
                try state.update(row.id, status: .extracted)
            }
        }
        // Error records a crash cut short (written beside inputs in failed/ and its subfolders).
        if let walk = FileManager.default.enumerator(atPath: config.failed.path) {
            while let rel = walk.nextObject() as? String {
                if (rel as NSString).lastPathComponent.hasPrefix(".docroute-tmp-") {
                    try? FileManager.default.removeItem(at: config.failed.appendingPathComponent(rel))
                }
            }
        }
        if resumed > 0 { logger.info("resuming", metadata: ["documents": "\(resumed)"]) }
    }
}
