import DocRouteExtraction
import DocRouteModel
import Foundation

/// Table fields scored against truth lists. A truth line names a row's cells flattened,
/// `FIELD.N.COLUMN` (`lines.0.name`); `names` renames truth fields and columns to the
/// pipeline's (`lines` → `line_items`, `name` → `description`). Per document only the columns
/// its truth names are scored; rows are paired with the truth's by the most cells alike.
public struct LineItemScore: Sendable, Encodable {
    /// Cells: a predicted cell is right when its value is the truth's in the paired row.
    public var cells = Evaluation.Score()
    /// Rows: right when every scored cell of the row is.
    public var rows = Evaluation.Score()
    public var byColumn: [String: Evaluation.Score] = [:]
    /// Cells whose value differs from the truth, for reading.
    public var mismatches: [String] = []

    enum CodingKeys: String, CodingKey { case cells, rows, byColumn = "by_column" }

    /// The truth rows of `field` in one truth line: keys `FIELD.N.COLUMN`, renamed by `names`.
    static func truthRows(_ t: Evaluation.Truth, field: TableFieldSpec, names: [String: String]) -> [[String:
        FieldValue]]
    {
        var rows: [Int: [String: FieldValue]] = [:]
        let columns = Set(field.columns.map(\.name))
        for (key, value) in t.fields {
            let parts = key.split(separator: ".", maxSplits: 2).map(String.init)
            guard parts.count == 3, let n = Int(parts[1]) else { continue }
            guard (names[parts[0]] ?? parts[0]) == field.name else { continue }
            let column = names[parts[2]] ?? parts[2]
            guard columns.contains(column) else { continue }
            if case .string(let s) = value, s.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            rows[n, default: [:]][column] = value
        }
        return rows.keys.sorted().map { rows[$0]! }
    }

    /// Whether a truth key belongs to `field` (so that it is not listed as unscored).
    static func names(_ key: String, field: TableFieldSpec, names: [String: String]) -> Bool {
        let parts = key.split(separator: ".", maxSplits: 2).map(String.init)
        return parts.count == 3 && (names[parts[0]] ?? parts[0]) == field.name
    }

    /// Adds one document: its truth rows and the record's rows.
    mutating func add(
        file: String, truth: [[String: FieldValue]], predicted: [[String: FieldValue]], field: TableFieldSpec
    ) {
        let scored = Set(truth.flatMap(\.keys))
        guard !scored.isEmpty else { return }
        let types = Dictionary(uniqueKeysWithValues: field.columns.map { ($0.name, $0.type) })
        let predicted = predicted.map { $0.filter { scored.contains($0.key) } }.filter { !$0.isEmpty }
        func alike(_ t: [String: FieldValue], _ p: [String: FieldValue]) -> [String] {
            t.keys.filter { k in p[k].map { FieldValue.same(t[k]!, $0, type: types[k] ?? .text) } ?? false }
        }
        // Pairs by the most cells alike, greedily.
        var pairs: [(Int, Int)] = []
        var freeT = Set(truth.indices), freeP = Set(predicted.indices)
        let candidates = truth.indices.flatMap { i in
            predicted.indices.map { j in (i, j, alike(truth[i], predicted[j]).count) }
        }
        .filter { $0.2 > 0 }.sorted { ($0.2, -$0.0, -$0.1) > ($1.2, -$1.0, -$1.1) }
        for (i, j, _) in candidates where freeT.contains(i) && freeP.contains(j) {
            pairs.append((i, j)); freeT.remove(i); freeP.remove(j)
        }
        var right = 0
        for (i, j) in pairs {
            let same = Set(alike(truth[i], predicted[j]))
            var exact = true
            for column in scored {
                var s = Evaluation.Score()
                let t = truth[i][column], p = predicted[j][column]
                if same.contains(column) {
                    s.truePositives = 1
                } else {
                    if t != nil { s.falseNegatives = 1 }
                    if p != nil { s.falsePositives = 1 }
                    if t != nil || p != nil {
                        exact = false
                        mismatches.append(
                            "\(file) row \(i + 1) \(column): expected \(t.map { "\"\($0)\"" } ?? "nothing"), got \(p.map { "\"\($0)\"" } ?? "nothing")"
                        )
                    }
                }
                cells.add(s)
                byColumn[column, default: Evaluation.Score()].add(s)
            }
            if exact { right += 1 }
        }
        // Rows left unpaired: every cell of a truth row missed, every cell of a predicted one extra.
        for (unpaired, missed) in [
            (freeT.sorted().map { truth[$0] }, true), (freeP.sorted().map { predicted[$0] }, false),
        ] {
            for row in unpaired {
                for column in row.keys {
                    var s = Evaluation.Score()
                    if missed { s.falseNegatives = 1 } else { s.falsePositives = 1 }
                    cells.add(s); byColumn[column, default: Evaluation.Score()].add(s)
                }
                let text = row.keys.sorted().map { row[$0]!.description }.joined(separator: " | ")
                mismatches.append(
                    missed ? "\(file): a truth row not found (\(text))" : "\(file): a row not in the truth (\(text))")
            }
        }
        rows.truePositives += right
        rows.falsePositives += predicted.count - right
        rows.falseNegatives += truth.count - right
    }

    /// A plain-text report.
    func table(field: String) -> String {
        var out = "\nline items (\(field))\n"
        let row = Evaluation.Score.row
        out += Evaluation.Score.header
        out += row("cells", cells) + row("rows (exact)", rows)
        for (k, s) in byColumn.sorted(by: { $0.key < $1.key }) { out += row("  " + k, s) }
        for m in mismatches.prefix(40) { out += "  " + m + "\n" }
        if mismatches.count > 40 { out += "  … \(mismatches.count - 40) more\n" }
        return out
    }
}
