import ArgumentParser
import DocRoute
import DocRouteReaders
import Foundation

/// `docroute eval-tables DIR`: the tables found in each document against table truth, by the
/// ICDAR 2013 adjacency measure (see `TableScore`).
struct EvalTablesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval-tables",
        abstract: "Score the tables found in labelled documents by cell adjacency (ICDAR 2013): P/R/F1.")

    @Argument(help: "Folder holding the documents.")
    var directory: String

    @Option(help: "Table truth, JSON Lines (default: DIR/truth-tables.jsonl).")
    var truth: String?

    @Flag(help: "Print the tables found, row by row.")
    var show = false

    @Flag(help: "Read tables from the text alone: do not look for the pages' ruling lines.")
    var noRules = false

    @Option(help: "Fail (exit 1) when the overall relation F1 is below this.")
    var minF1: Double?

    func run() throws {
        let path = truth ?? (directory as NSString).appendingPathComponent("truth-tables.jsonl")
        var reader = DocumentReader()
        reader.rules = !noRules
        let (overall, documents) = try TableScore.evaluate(directory: directory, truthPath: path, reader: reader)
        for d in documents {
            let s = d.score
            print(
                String(
                    format: "%@ tables %d/%d  P %.3f R %.3f F1 %.3f  rows exact %d, columns exact %d%@", d.file,
                    d.found, d.expected, s.precision, s.recall, s.f1, d.rowsExact, d.columnsExact,
                    d.error.map { "  (\($0))" } ?? ""))
            if show {
                for (n, rows) in d.tables.enumerated() {
                    print("  table \(n + 1):")
                    for row in rows { print("    " + row) }
                }
            }
        }
        print(
            String(
                format: "all: %d documents, relations tp %d fp %d fn %d  P %.4f R %.4f F1 %.4f", documents.count,
                overall.truePositives, overall.falsePositives, overall.falseNegatives, overall.precision,
                overall.recall, overall.f1))
        // Rows and columns exact: of the truth's tables, those whose found table has their shape.
        let tables = documents.map(\.expected).reduce(0, +)
        let rows = documents.map(\.rowsExact).reduce(0, +), columns = documents.map(\.columnsExact).reduce(0, +)
        print(
            String(
                format: "tables: %d in the truth; rows exact %d (%.1f%%), columns exact %d (%.1f%%)", tables, rows,
                100 * Double(rows) / Double(max(1, tables)), columns, 100 * Double(columns) / Double(max(1, tables))))
        let perPage = documents.filter { $0.pages > 0 }.map { $0.findMs / Double($0.pages) }.sorted()
        if !perPage.isEmpty {
            print(
                String(
                    format: "table finder: median %.2f ms per page, slowest %.2f ms per page (reading not counted)",
                    perPage[(perPage.count - 1) / 2], perPage.last!))
        }
        if let minF1, overall.f1 < minF1 {
            FileHandle.standardError.write(
                Data(String(format: "eval-tables: below threshold: F1 %.4f < %.2f\n", overall.f1, minF1).utf8))
            throw ExitCode(1)
        }
    }
}
