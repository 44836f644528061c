import DocRouteModel
import Foundation

extension Router {
    /// Confidence of a table field whose rows passed every check that could run.
    static let tableConfidence = 0.9
    /// Confidence of a table whose amounts add up to a printed total and whose rows all agree.
    static let checkedTableConfidence = 0.97
    /// Confidence of a table a check disagrees with: below any review threshold.
    static let disputedTableConfidence = 0.45

    /// Reads each table field's rows (`LineItemReader`), validates every cell by its column's
    /// type and runs the field's checks: amount = quantity × price on each row, and the amounts'
    /// sum against the totals the field names (a total it equals is confirmed, as `sum` does).
    /// A disagreement is kept as read and sent to review, never corrected.
    func readTables(_ document: Document, layout: TextLayout, state: inout FillState) -> [String: Record.Field] {
        var out: [String: Record.Field] = [:]
        for reader in tableReaders {
            let table = reader.field
            let reading = reader.read(document, layout: layout)
            var doubts: [String] = []
            var rows: [Record.Row] = []
            for raw in reading.rows {
                var cells: [String: Record.Field] = [:]
                for (c, var cell) in raw.cells {
                    let column = table.columns[c]
                    if column.type == .text, let reread = rereadCell(cell, page: raw.page, document, state: &state) {
                        cell.text = reread
                    }
                    switch reader.value(cell.text, column: c) {
                    case .success(let v):
                        var f = Record.Field(
                            value: v.value, raw: cell.text, currency: v.currency,
                            confidence: Self.tableConfidence * cell.confidence, strategy: .table, page: raw.page + 1,
                            box: cell.box, valid: true, tried: [.table])
                        f.found = "table_row"
                        cells[column.name] = f
                    case .failure(let failure):
                        cells[column.name] = Record.Field(
                            value: nil, raw: cell.text, confidence: 0, strategy: .table, page: raw.page + 1,
                            box: cell.box, valid: false, reason: failure.reason, tried: [.table])
                        doubts.append("row \(rows.count + 1): \(column.name) \"\(cell.text)\" not read")
                    }
                }
                var row = Record.Row(cells: cells, page: raw.page + 1)
                if let p = table.product { check(p, row: &row, number: rows.count + 1, doubts: &doubts) }
                rows.append(row)
            }
            guard !rows.isEmpty else {
                out[table.name] = Record.Field(
                    value: nil, raw: nil, confidence: 0, strategy: nil, page: nil, box: nil, valid: false,
                    reason: "no table whose header names these columns", tried: [.table])
                continue
            }
            var field = Record.Field(
                value: .rows(rows.map { $0.cells.compactMapValues { $0.valid ? $0.value : nil } }), raw: nil,
                confidence: Self.tableConfidence, strategy: .table, page: rows.first?.page, box: nil, valid: true,
                tried: [.table])
            field.rows = rows
            field.excluded = reading.excluded.isEmpty ? nil : reading.excluded
            if let total = table.total { check(total, field: &field, state: &state, doubts: &doubts) }
            if !doubts.isEmpty {
                field.confidence = Self.disputedTableConfidence
                field.doubt = doubts.joined(separator: "; ")
            }
            out[table.name] = field
        }
        return out
    }

    /// A text cell of an OCR'd page read again by the pipeline's values model (see `OCRSpec`),
    /// when it reads the same letters but for accents (Burostuhl → Bürostuhl); nil otherwise.
    func rereadCell(
        _ cell: LineItemReader.RawCell, page: Int, _ document: Document, state: inout FillState
    ) -> String? {
        guard spec.ocr.values != nil, let box = cell.box, document.pages.indices.contains(page),
            document.pages[page].origin == .ocr, cell.text.contains(where: \.isLetter)
        else { return nil }
        let lines = cell.text.split(separator: "\n").count
        guard let r = state.reread(page: page, box: box, lines: lines, whitelist: nil), r.text != cell.text,
            TextNormalizer.matchKey(r.text) == TextNormalizer.matchKey(cell.text)
        else { return nil }
        // The re-read's accents, the page's word breaks (a crop can split a word: Bü rostuhl).
        return TextNormalizer.spaced(r.text, like: cell.text)
    }

    /// amount = quantity × price × (1 − discount / 100), to the cent, on one row.
    func check(_ p: ProductCheck, row: inout Record.Row, number: Int, doubts: inout [String]) {
        func num(_ name: String) -> Decimal? {
            guard let f = row.cells[name], f.valid, case .number(let d)? = f.value else { return nil }
            return d
        }
        guard let q = num(p.quantity), let price = num(p.price), let amount = num(p.amount) else { return }
        var expected = q * price
        if let name = p.discount, let d = num(name) { expected = expected * (100 - d) / 100 }
        if abs(Self.cents(expected) - Self.cents(amount)) <= 1 {
            row.checks["product"] = .agrees
            let c = row.cells[p.amount]?.confidence ?? 0
            row.cells[p.amount]?.confidence = max(c, Self.checkedTableConfidence)
        } else {
            row.checks["product"] = .disagrees
            row.cells[p.amount]?.confidence *= Self.disagreementFactor
            doubts.append("row \(number): \(q) × \(price) is not \(amount)")
        }
    }

    /// The rows' amounts against the totals the field names.
    func check(_ t: TotalCheck, field: inout Record.Field, state: inout FillState, doubts: inout [String]) {
        var sum = Decimal(0)
        for row in field.rows ?? [] {
            guard let f = row.cells[t.column] else { continue }
            guard f.valid, case .number(let d)? = f.value else { return }  // an unread amount proves nothing
            sum += d
        }
        let printed = t.fields.compactMap { name -> (String, Decimal)? in
            guard let f = state.filled[name], f.valid, case .number(let d)? = f.value else { return nil }
            return (name, d)
        }
        guard !printed.isEmpty else { return }
        if let (name, _) = printed.first(where: { Self.cents($0.1) == Self.cents(sum) }) {
            field.checks["total"] = .agrees
            if field.rows?.allSatisfy({ $0.checks["product"] != .disagrees }) == true {
                field.confidence = Self.checkedTableConfidence
            }
            if state.filled[name]?.checks["sum"] == nil {
                state.filled[name]?.checks["sum"] = .agrees
                let c = state.filled[name]?.confidence ?? 0
                state.filled[name]?.confidence = max(c, Self.zoneConfidence)
            }
        } else {
            field.checks["total"] = .disagrees
            let list = printed.map { "\($0.1) (\($0.0))" }.joined(separator: " or ")
            doubts.append("the rows' \(t.column) add up to \(sum), not \(list)")
        }
    }

    /// A decimal in whole cents, rounded half up.
    static func cents(_ d: Decimal) -> Decimal {
        var x = d * 100
        var r = Decimal()
        NSDecimalRound(&r, &x, 0, .plain)
        return r
    }
}
