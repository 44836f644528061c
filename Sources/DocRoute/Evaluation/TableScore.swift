import DocRouteExtraction
import DocRouteModel
import DocRouteReaders
import Foundation

/// The ICDAR 2013 table competition's measure: each table is taken as the set of adjacency
/// relations between its non-blank cells (a cell and the nearest non-blank cell to its right in
/// a row it covers, and below it in a column it covers), and predicted relations are counted
/// against the truth's as multisets per document. Cell contents are compared by their letters
/// and digits only, lower-cased (the competition also ignores spacing and punctuation).
package enum TableScore {
    /// One adjacency relation: `from` has `to` as its nearest non-blank neighbour `down` or to
    /// the right.
    struct Relation: Hashable {
        var from: String
        var to: String
        var down: Bool
    }

    /// The content as compared.
    static func key(_ text: String) -> String {
        String(text.lowercased().filter { $0.isLetter || $0.isNumber })
    }

    /// The adjacency relations of `table`, as a multiset (a relation twice in a table counts twice).
    static func relations(_ table: Table) -> [Relation: Int] {
        let cells = table.cells.filter { !key($0.text).isEmpty }
        var out: [Relation: Int] = [:]
        for (i, c) in cells.enumerated() {
            var right: Set<Int> = []
            var below: Set<Int> = []
            for row in c.row..<(c.row + c.rowSpan) {
                let next = cells.indices.filter { j in
                    j != i && cells[j].column >= c.column + c.columnSpan && row >= cells[j].row
                        && row < cells[j].row + cells[j].rowSpan
                }.min { cells[$0].column < cells[$1].column }
                if let next { right.insert(next) }
            }
            for column in c.column..<(c.column + c.columnSpan) {
                let next = cells.indices.filter { j in
                    j != i && cells[j].row >= c.row + c.rowSpan && column >= cells[j].column
                        && column < cells[j].column + cells[j].columnSpan
                }.min { cells[$0].row < cells[$1].row }
                if let next { below.insert(next) }
            }
            for j in right { out[Relation(from: key(c.text), to: key(cells[j].text), down: false), default: 0] += 1 }
            for j in below { out[Relation(from: key(c.text), to: key(cells[j].text), down: true), default: 0] += 1 }
        }
        return out
    }

    /// Relations of `predicted` found in `truth` (true positives), not in it (false positives),
    /// and of `truth` not predicted (false negatives), over all the tables of one document.
    static func score(predicted: [Table], truth: [Table]) -> Evaluation.Score {
        var p: [Relation: Int] = [:]
        var t: [Relation: Int] = [:]
        for table in predicted { p.merge(relations(table), uniquingKeysWith: +) }
        for table in truth { t.merge(relations(table), uniquingKeysWith: +) }
        var s = Evaluation.Score()
        for (r, n) in p {
            let hit = min(n, t[r] ?? 0)
            s.truePositives += hit
            s.falsePositives += n - hit
        }
        for (r, n) in t { s.falseNegatives += max(0, n - (p[r] ?? 0)) }
        return s
    }
}

extension TableScore {
    /// One table of a `truth-tables.jsonl` line (the ICDAR 2013 structure files as JSON): its
    /// document, its number there, and its cells over one or more page regions (0-based rows
    /// and columns, inclusive ends; boxes in PDF points from the bottom left).
    struct Truth: Decodable {
        struct Region: Decodable {
            struct Cell: Decodable {
                var startRow: Int
                var endRow: Int
                var startCol: Int
                var endCol: Int
                var content: String

                enum CodingKeys: String, CodingKey {
                    case content
                    case startRow = "start_row"
                    case endRow = "end_row"
                    case startCol = "start_col"
                    case endCol = "end_col"
                }
            }
            var page: Int
            var cells: [Cell]
        }
        var file: String
        /// The structure file it came from: the unit the competition scores (a document may
        /// have two, `-a` and `-b`, each a table set of the same PDF).
        var gt: String?
        var table: String
        var regions: [Region]

        /// The tables to score: one, or one per region when regions number their cells over
        /// again (a long list set in several column groups side by side, each region one group:
        /// their cells' relations are within a region, never across).
        var models: [DocRouteModel.Table] {
            var seen: Set<[Int]> = []
            let repeated = regions.contains { r in
                let starts = Set(r.cells.map { [$0.startRow, $0.startCol] })
                defer { seen.formUnion(starts) }
                return !seen.isDisjoint(with: starts)
            }
            guard repeated else { return [model] }
            return regions.map { r in Truth(file: file, gt: gt, table: table, regions: [r]).model }
        }

        /// The table as the document model holds one (on the first region's page, 0-based).
        var model: DocRouteModel.Table {
            let all = regions.flatMap(\.cells)
            let cells = all.map { c in
                DocRouteModel.Cell(
                    row: c.startRow, column: c.startCol, rowSpan: c.endRow - c.startRow + 1,
                    columnSpan: c.endCol - c.startCol + 1, text: c.content)
            }
            return DocRouteModel.Table(
                page: max(0, (regions.first?.page ?? 1) - 1), rowCount: (all.map(\.endRow).max() ?? -1) + 1,
                columnCount: (all.map(\.endCol).max() ?? -1) + 1, cells: cells)
        }
    }

    /// The truth tables of `path` (JSON Lines), by scoring unit (the structure file, or else
    /// the document).
    static func loadTruth(path: String) throws -> [String: [Truth]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var out: [String: [Truth]] = [:]
        for line in text.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let t = try JSONDecoder().decode(Truth.self, from: Data(line.utf8))
            out[t.gt ?? t.file, default: []].append(t)
        }
        return out
    }
}

extension TableScore {
    /// How the tables found in one document compare with its truth.
    public struct DocumentResult: Sendable {
        public var file: String
        public var score: Evaluation.Score
        public var expected: Int
        public var found: Int
        /// Why nothing was scored (the file could not be read).
        public var error: String?
        /// Milliseconds the table finder took on the document (reading not counted), and its pages.
        public var findMs = 0.0
        public var pages = 0
        /// The tables found, as rows of cells joined by " | " (for `eval-tables --show`).
        public var tables: [[String]] = []
        /// Truth tables whose found table (the one sharing most relations with it) has exactly
        /// their number of rows, and of columns.
        public var rowsExact = 0
        public var columnsExact = 0
    }

    /// How many of `truth`'s tables have a found table with their number of rows, and of
    /// columns; a truth table's found table is the one sharing most relations with it (none
    /// when no relation is shared).
    static func exact(predicted: [Table], truth: [Table]) -> (rows: Int, columns: Int) {
        var rows = 0, columns = 0
        for t in truth {
            let best = predicted.map { ($0, score(predicted: [$0], truth: [t]).truePositives) }.max { $0.1 < $1.1 }
            guard let best, best.1 > 0 else { continue }
            let f = best.0
            if f.rowCount == t.rowCount { rows += 1 }
            if f.columnCount == t.columnCount { columns += 1 }
        }
        return (rows, columns)
    }

    /// Reads every document `truthPath` names (in `directory`) with `reader`, finds its tables
    /// and scores them against the truth's: per document, and over all (relations summed).
    public static func evaluate(directory: String, truthPath: String, reader: DocumentReader) throws -> (
        overall: Evaluation.Score, documents: [DocumentResult]
    ) {
        let truth = try loadTruth(path: truthPath)
        var overall = Evaluation.Score()
        var results: [DocumentResult] = []
        for unit in truth.keys.sorted() {
            let file = truth[unit]![0].file
            let expected = truth[unit]!.flatMap(\.models)
            var r = DocumentResult(file: unit, score: Evaluation.Score(), expected: expected.count, found: 0)
            do {
                let document = try reader.read(path: (directory as NSString).appendingPathComponent(file))
                let start = DispatchTime.now().uptimeNanoseconds
                let found = TableFinder.tables(in: document)
                r.findMs = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
                r.pages = document.pages.count
                r.found = found.count
                r.tables = found.map { t in
                    (0..<t.rowCount).map { row in
                        t.cells.filter { $0.row == row }.sorted { $0.column < $1.column }
                            .map { "[\($0.column)\($0.columnSpan > 1 ? "+\($0.columnSpan - 1)" : "")] \($0.text)" }
                            .joined(separator: " | ")
                    }
                }
                r.score = score(predicted: found, truth: expected)
                (r.rowsExact, r.columnsExact) = exact(predicted: found, truth: expected)
            } catch {
                r.error = "\(error)"
                r.score = score(predicted: [], truth: expected)
            }
            overall.add(r.score)
            results.append(r)
        }
        return (overall, results)
    }
}
