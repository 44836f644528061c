import Foundation
import Testing

@testable import DocRoute
@testable import DocRouteModel

/// The ICDAR 2013 adjacency measure, on tables small enough to count by hand.
@Suite struct TableScoreTests {
    /// |    | Q1 | Q2 |
    /// | 04 | 1  | 2  |
    /// | 05 |    | 4  |   (a blank cell: 05's right neighbour is 4)
    static let grid = Table(
        page: 0, rowCount: 3, columnCount: 3,
        cells: [
            Cell(row: 0, column: 1, text: "Q1"), Cell(row: 0, column: 2, text: "Q2"),
            Cell(row: 1, column: 0, text: "04"), Cell(row: 1, column: 1, text: "1"), Cell(row: 1, column: 2, text: "2"),
            Cell(row: 2, column: 0, text: "05"), Cell(row: 2, column: 1, text: " "), Cell(row: 2, column: 2, text: "4"),
        ])

    @Test func shapesAreExactOnlyForTheFoundTableSharingMostRelations() {
        // One row too many (the header split in two) and an unrelated table of the same shape.
        var taller = Self.grid
        taller.rowCount = 4
        taller.cells = taller.cells.map { c in
            var c = c
            if c.row > 0 { c.row += 1 }
            return c
        }
        let other = Table(
            page: 0, rowCount: 3, columnCount: 3,
            cells: [Cell(row: 0, column: 0, text: "x"), Cell(row: 2, column: 2, text: "y")])
        let r = TableScore.exact(predicted: [other, taller], truth: [Self.grid])
        #expect(r.rows == 0 && r.columns == 1)
        #expect(TableScore.exact(predicted: [Self.grid], truth: [Self.grid]) == (rows: 1, columns: 1))
        #expect(TableScore.exact(predicted: [other], truth: [Self.grid]) == (rows: 0, columns: 0))
    }

    @Test func relationsSkipBlankCells() {
        let r = TableScore.relations(Self.grid)
        let expected: [TableScore.Relation] = [
            .init(from: "q1", to: "q2", down: false), .init(from: "q1", to: "1", down: true),
            .init(from: "q2", to: "2", down: true), .init(from: "04", to: "1", down: false),
            .init(from: "04", to: "05", down: true), .init(from: "1", to: "2", down: false),
            .init(from: "2", to: "4", down: true), .init(from: "05", to: "4", down: false),
        ]
        #expect(r == Dictionary(uniqueKeysWithValues: expected.map { ($0, 1) }))
    }

    @Test func aSpanningHeaderRelatesToEveryColumnBelowIt() {
        let table = Table(
            page: 0, rowCount: 2, columnCount: 2,
            cells: [
                Cell(row: 0, column: 0, columnSpan: 2, text: "Total"),
                Cell(row: 1, column: 0, text: "a"), Cell(row: 1, column: 1, text: "b"),
            ])
        let r = TableScore.relations(table)
        #expect(r[.init(from: "total", to: "a", down: true)] == 1)
        #expect(r[.init(from: "total", to: "b", down: true)] == 1)
        #expect(r[.init(from: "a", to: "b", down: false)] == 1)
        #expect(r.values.reduce(0, +) == 3)
    }

    @Test func mergedColumnsLoseTheirRelations() {
        // Q1 and Q2 read as one cell "Q1 Q2", the rows below as "1 2" and "4".
        let merged = Table(
            page: 0, rowCount: 3, columnCount: 2,
            cells: [
                Cell(row: 0, column: 1, text: "Q1 Q2"),
                Cell(row: 1, column: 0, text: "04"), Cell(row: 1, column: 1, text: "1 2"),
                Cell(row: 2, column: 0, text: "05"), Cell(row: 2, column: 1, text: "4"),
            ])
        let s = TableScore.score(predicted: [merged], truth: [Self.grid])
        // Merged: q1q2→12 ↓, 04→12 →, 04→05 ↓, 12→4 ↓, 05→4 →: only 04→05 and 05→4 are true.
        #expect(s.truePositives == 2)
        #expect(s.falsePositives == 3)
        #expect(s.falseNegatives == 6)
    }

    @Test func truthLinesBecomeTables() throws {
        let line = """
            {"file": "x.pdf", "table": "1", "regions": [{"page": 2, "cells": [\
            {"start_row": 0, "end_row": 0, "start_col": 0, "end_col": 1, "bbox": [1, 2, 3, 4], "content": "Head"},\
            {"start_row": 1, "end_row": 1, "start_col": 0, "end_col": 0, "bbox": [1, 2, 3, 4], "content": "a"}]}]}
            """
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tables-\(UUID().uuidString).jsonl")
        try line.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let truth = try TableScore.loadTruth(path: url.path)
        let table = try #require(truth["x.pdf"]?.first?.model)
        #expect(table.page == 1 && table.rowCount == 2 && table.columnCount == 2)
        #expect(table.cells.first?.columnSpan == 2)
    }

    @Test func regionsNumberedOverAgainAreScoredApart() throws {
        func region(_ page: Int, _ a: String, _ b: String) -> String {
            """
            {"page": \(page), "cells": [\
            {"start_row": 0, "end_row": 0, "start_col": 0, "end_col": 0, "content": "\(a)"},\
            {"start_row": 0, "end_row": 0, "start_col": 1, "end_col": 1, "content": "\(b)"}]}
            """
        }
        let line = """
            {"file": "x.pdf", "table": "1", "regions": [\(region(1, "a", "b")), \(region(1, "c", "d"))]}
            """
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tables-\(UUID().uuidString).jsonl")
        try line.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let truth = try #require(TableScore.loadTruth(path: url.path)["x.pdf"]?.first)
        #expect(truth.models.count == 2)
        // Pairs within a region only: a→b and c→d, never a→d.
        let s = TableScore.score(predicted: truth.models, truth: truth.models)
        #expect(s.truePositives == 2 && s.falsePositives == 0)
    }
}
