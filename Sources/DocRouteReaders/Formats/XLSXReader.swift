import DocRouteModel
import Foundation

/// Reads a workbook (.xlsx/.xlsm, Transitional or Strict OOXML) into the document model:
/// each worksheet is one page of native text and one table.
///
/// Cell text: shared and inline strings as written (`_xHHHH_` escapes decoded); numbers in
/// their shortest decimal form; numbers whose number format is a date or time as ISO 8601
/// (`2021-01-01`, `2021-01-01T08:30:00`, `08:30:00`), in the workbook's 1900 or 1904 epoch,
/// and elapsed-time formats (`[h]:mm:ss`) as durations (`255:10:10`);
/// booleans as `TRUE`/`FALSE`; formulas by their cached value (the formula is kept aside).
/// Merged ranges become one cell with spans. Chart sheets have no cells and are skipped.
struct XLSXReader {
    let limits: ReaderLimits
    let deadline: Deadline

    func read(_ data: Data, url: URL?) throws(DocRouteError) -> ReadContent {
        let package = try OOXMLPackage(data: data, url: url, limits: limits)
        let workbookPart = package.mainPart(or: "xl/workbook.xml")
        guard let tree = try package.xml(workbookPart), let workbook = tree.root else {
            throw .corrupt("XLSX has no readable workbook part (\(workbookPart))")
        }
        let date1904 = ["1", "true"].contains(workbook.child("workbookPr")?.attribute("date1904")?.lowercased() ?? "")
        let rels = (try? package.relationships(of: workbookPart)) ?? [:]
        var warnings: [String] = []

        let dir = (workbookPart as NSString).deletingLastPathComponent
        let strings = try readSharedStrings(
            package,
            part: rels.values.first { $0.kind == "sharedStrings" }?.target
                ?? OOXMLPackage.resolve("sharedStrings.xml", from: dir))
        let dateStyles = readDateStyles(
            package,
            part: rels.values.first { $0.kind == "styles" }?.target
                ?? OOXMLPackage.resolve("styles.xml", from: dir), warnings: &warnings)

        var pages: [Page] = []
        var tables: [Table] = []
        var cellBudget = limits.maxCells
        var textBudget = limits.maxTextBytes
        let sheets = workbook.child("sheets")?.children.filter { $0.is("sheet") } ?? []
        if sheets.count > limits.maxPages {
            throw .limitExceeded("workbook has \(sheets.count) sheets (cap \(limits.maxPages))")
        }
        for sheet in sheets {
            try deadline.check()
            let name = sheet.attribute("name") ?? "Sheet\(pages.count + 1)"
            guard let id = sheet.attribute("id"), let rel = rels[id] else {
                warnings.append("sheet \(name) has no part; skipped")
                continue
            }
            guard rel.kind == "worksheet" else {
                warnings.append("sheet \(name) is a \(rel.kind), not a worksheet; skipped")
                continue
            }
            let sheetTree: XMLTree
            do {
                guard let t = try package.xml(rel.target) else {
                    warnings.append("sheet \(name): part \(rel.target) is missing; skipped")
                    continue
                }
                sheetTree = t
            } catch .corrupt(let m) {
                warnings.append("sheet \(name): \(m); skipped")
                continue
            }
            guard let root = sheetTree.root else { continue }
            let index = pages.count
            let table = try readSheet(
                root, page: index, name: name, strings: strings, dateStyles: dateStyles,
                date1904: date1904, budget: &cellBudget, textBudget: &textBudget)
            var layout = NativeTextLayout(limits: limits)
            for cell in table.cells where !cell.text.isEmpty {
                layout.beginBlock()
                try layout.add(cell.text.replacingOccurrences(of: "\n", with: " "), line: cell.row)
            }
            pages.append(
                Page(
                    index: index, width: 0, height: 0, unit: .none, origin: .native,
                    name: name, words: layout.words))
            tables.append(table)
        }
        return ReadContent(pages: pages, tables: tables, warnings: warnings)
    }

    // MARK: Shared strings

    private func readSharedStrings(_ package: OOXMLPackage, part: String) throws(DocRouteError) -> [String] {
        guard let tree = try package.xml(part), let root = tree.root else { return [] }
        var out: [String] = []
        var total = 0
        try root.forEachChild { si throws(DocRouteError) in
            guard si.is("si") else { return }
            let s = Self.richText(si)
            total += 1
            if total > limits.maxCells { throw .limitExceeded("more than \(limits.maxCells) shared strings") }
            out.append(s)
        }
        return out
    }

    /// The text of a string item (`si` or `is`): its `t` elements, phonetic runs left out.
    static func richText(_ item: XMLElement) -> String {
        var s = ""
        func walk(_ e: XMLElement) {
            e.forEachChild { c in
                if c.is("t") { s += c.text } else if !c.is("rPh") && !c.is("phoneticPr") { walk(c) }
            }
        }
        walk(item)
        return decodeEscapes(s)
    }

    /// Decodes OOXML's `_xHHHH_` escapes (e.g. `_x000D_` for a carriage return).
    static func decodeEscapes(_ s: String) -> String {
        guard s.contains("_x") else { return s }
        var out = ""
        var rest = Substring(s)
        while let r = rest.range(of: "_x") {
            out += rest[..<r.lowerBound]
            let after = rest[r.upperBound...]
            let hex = after.prefix(4)
            if hex.count == 4, after.dropFirst(4).first == "_", let v = UInt32(hex, radix: 16),
                let u = Unicode.Scalar(v)
            {
                out.unicodeScalars.append(u)
                rest = after.dropFirst(5)
            } else {
                out += "_x"
                rest = after
            }
        }
        return out + rest
    }

    // MARK: Styles and dates

    /// Style indices (`s` of a cell) whose number format shows a date or time, with what they show.
    private func readDateStyles(_ package: OOXMLPackage, part: String, warnings: inout [String]) -> [Int: DateKind] {
        guard let tree = try? package.xml(part), let root = tree.root else { return [:] }
        var custom: [Int: String] = [:]
        for f in root.child("numFmts")?.children ?? [] where f.is("numFmt") {
            if let id = Int(f.attribute("numFmtId") ?? ""), let code = f.attribute("formatCode") { custom[id] = code }
        }
        var out: [Int: DateKind] = [:]
        for (i, xf) in (root.child("cellXfs")?.children.filter { $0.is("xf") } ?? []).enumerated() {
            let id = Int(xf.attribute("numFmtId") ?? "0") ?? 0
            let kind = custom[id].map(Self.dateKind(ofFormat:)) ?? Self.builtinDateKind(id)
            if let kind { out[i] = kind }
        }
        return out
    }

    /// What a number format shows of a serial date.
    enum DateKind { case date, time, dateTime, duration }

    static func builtinDateKind(_ id: Int) -> DateKind? {
        switch id {
        case 14...17, 27...31, 34...36, 50...58: .date
        case 46: .duration
        case 18...21, 32, 33, 45, 47: .time
        case 22: .dateTime
        default: nil
        }
    }

    /// Classifies a custom number format code: date, time, both, or not a date (nil).
    static func dateKind(ofFormat code: String) -> DateKind? {
        // Only the first section (positive numbers) matters.
        var cleaned = ""
        var chars = Array(code)
        var i = 0
        var elapsed = false
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "\"":
                i += 1
                while i < chars.count && chars[i] != "\"" { i += 1 }
            case "\\", "_", "*":
                i += 1  // the next character is literal or padding
            case "[":
                var j = i + 1
                var inner = ""
                while j < chars.count && chars[j] != "]" { inner.append(chars[j]); j += 1 }
                let l = inner.lowercased()
                if !l.isEmpty && l.allSatisfy({ "hms".contains($0) }) { elapsed = true }
                i = j
            case ";":
                i = chars.count
                continue
            default:
                cleaned.append(c)
            }
            i += 1
        }
        chars = Array(cleaned.lowercased())
        let hasDate = chars.contains { $0 == "d" || $0 == "y" }
        let hasTime = elapsed || chars.contains { $0 == "h" || $0 == "s" }
        let hasMonth = chars.contains("m")
        if cleaned.lowercased().contains("general") { return nil }
        if elapsed { return .duration }
        switch (hasDate || (hasMonth && !hasTime), hasTime) {
        case (true, true): return .dateTime
        case (true, false): return .date
        case (false, true): return .time
        default: return nil
        }
    }

    /// An Excel serial date as ISO 8601, in the 1900 (with Lotus' 1900-02-29) or 1904 epoch.
    static func isoDate(serial: Double, date1904: Bool, kind: DateKind) -> String? {
        guard serial.isFinite, serial >= 0, serial < 2_958_466 else { return nil }
        if kind == .duration {
            let total = Int((serial * 86_400).rounded())
            return String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
        }
        var days = Int(serial.rounded(.down))
        var seconds = Int(((serial - Double(days)) * 86_400).rounded())
        if seconds >= 86_400 { days += 1; seconds -= 86_400 }
        var dateText: String
        if date1904 {
            dateText = civil(daysSince1970: days + daysFrom1970(1904, 1, 1))
        } else if days == 60 {
            dateText = "1900-02-29"
        } else {
            let base = days < 60 ? daysFrom1970(1899, 12, 31) : daysFrom1970(1899, 12, 30)
            dateText = civil(daysSince1970: base + days)
        }
        let timeText = String(format: "%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        switch kind {
        case .date: return seconds == 0 ? dateText : dateText + "T" + timeText
        case .time: return days == 0 ? timeText : dateText + "T" + timeText
        case .dateTime, .duration: return dateText + "T" + timeText
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFrom1970(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(daysSince1970 z0: Int) -> String {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    /// The shortest decimal text of a stored number (`42`, `0.1`, `1234.5`).
    static func numberText(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }

    // MARK: Sheets

    /// (row, column), 0-based, of an A1-style reference; nil if malformed.
    static func parseReference(_ ref: Substring) -> (row: Int, column: Int)? {
        var column = 0, row = 0, sawLetter = false, sawDigit = false
        for ch in ref.utf8 {
            switch ch {
            case UInt8(ascii: "$"): continue
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
                guard !sawDigit else { return nil }
                column = column * 26 + Int((ch | 0x20) - UInt8(ascii: "a")) + 1
                sawLetter = true
                if column > 16_384 { return nil }
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                row = row * 10 + Int(ch - UInt8(ascii: "0"))
                sawDigit = true
                if row > 1_048_576 { return nil }
            default: return nil
            }
        }
        guard sawLetter, sawDigit, row > 0 else { return nil }
        return (row - 1, column - 1)
    }

    private func readSheet(
        _ root: XMLElement, page: Int, name: String, strings: [String], dateStyles: [Int: DateKind],
        date1904: Bool, budget: inout Int, textBudget: inout Int
    ) throws(DocRouteError) -> Table {
        var cells: [Cell] = []
        var position: [Int64: Int] = [:]  // row << 20 | column → index in cells
        var nextRow = 0
        guard let data = root.child("sheetData") else {
            return Table(page: page, name: name, rowCount: 0, columnCount: 0, cells: [])
        }
        for row in data.children where row.is("row") {
            let r = (Int(row.attribute("r") ?? "") ?? (nextRow + 1)) - 1
            guard r >= 0 && r < 1_048_576 else { continue }
            nextRow = r + 1
            var nextColumn = 0
            for c in row.children where c.is("c") {
                var rc = (row: r, column: nextColumn)
                if let ref = c.attribute("r"), let p = Self.parseReference(Substring(ref)) { rc = p }
                nextColumn = rc.column + 1
                guard let (text, kind) = cellValue(c, strings: strings, dateStyles: dateStyles, date1904: date1904)
                else {
                    continue
                }
                try spendCell(&budget)
                textBudget -= text.utf8.count
                if textBudget < 0 {
                    throw .limitExceeded("more than \(limits.maxTextBytes) bytes of cell text in one workbook")
                }
                let formula = c.child("f").map(\.text).flatMap { $0.isEmpty ? nil : $0 }
                position[Int64(rc.row) << 20 | Int64(rc.column)] = cells.count
                cells.append(Cell(row: rc.row, column: rc.column, text: text, kind: kind, formula: formula))
            }
            if cells.count % 4096 == 0 { try deadline.check() }
        }
        // Merged ranges: one cell at the top left with spans; covered cells dropped.
        var covered = Set<Int>()
        for m in root.child("mergeCells")?.children ?? [] where m.is("mergeCell") {
            let parts = (m.attribute("ref") ?? "").split(separator: ":")
            guard parts.count == 2, let a = Self.parseReference(parts[0]), let b = Self.parseReference(parts[1]),
                b.row >= a.row, b.column >= a.column
            else { continue }
            let key = Int64(a.row) << 20 | Int64(a.column)
            let index: Int
            if let i = position[key] {
                index = i
            } else {
                try spendCell(&budget)
                index = cells.count
                cells.append(Cell(row: a.row, column: a.column, text: ""))
                position[key] = index
            }
            cells[index].rowSpan = b.row - a.row + 1
            cells[index].columnSpan = b.column - a.column + 1
            // Walk whichever is smaller: the merged rectangle or the sheet's cells.
            let area = (b.row - a.row + 1) * (b.column - a.column + 1)
            if area <= position.count {
                for rr in a.row...b.row {
                    for cc in a.column...b.column {
                        if let i = position[Int64(rr) << 20 | Int64(cc)], i != index { covered.insert(i) }
                    }
                }
            } else {
                for (k, i) in position where i != index {
                    let rr = Int(k >> 20), cc = Int(k & 0xFFFFF)
                    if rr >= a.row && rr <= b.row && cc >= a.column && cc <= b.column { covered.insert(i) }
                }
            }
            try deadline.check()
        }
        if !covered.isEmpty {
            cells = cells.enumerated().filter { !covered.contains($0.offset) }.map(\.element)
        }
        cells.sort { ($0.row, $0.column) < ($1.row, $1.column) }
        let rows = cells.map { $0.row + $0.rowSpan }.max() ?? 0
        let columns = cells.map { $0.column + $0.columnSpan }.max() ?? 0
        return Table(page: page, name: name, rowCount: rows, columnCount: columns, cells: cells)
    }

    /// Counts one more cell against the workbook's cap.
    private func spendCell(_ budget: inout Int) throws(DocRouteError) {
        budget -= 1
        if budget < 0 { throw .limitExceeded("more than \(limits.maxCells) cells in one workbook") }
    }

    /// A cell's display text and kind, or nil for a cell with no value.
    private func cellValue(
        _ c: XMLElement, strings: [String], dateStyles: [Int: DateKind],
        date1904: Bool
    ) -> (String, Cell.Kind)? {
        let type = c.attribute("t") ?? "n"
        let v = c.child("v")?.text
        switch type {
        case "s":
            guard let v, let i = Int(v.trimmingCharacters(in: .whitespaces)), i >= 0, i < strings.count else {
                return nil
            }
            return (strings[i], .text)
        case "inlineStr":
            guard let item = c.child("is") else { return v.map { ($0, .text) } }
            return (Self.richText(item), .text)
        case "str":
            return v.map { (Self.decodeEscapes($0), .text) }
        case "b":
            guard let v else { return nil }
            return (v.trimmingCharacters(in: .whitespaces) == "1" ? "TRUE" : "FALSE", .boolean)
        case "e":
            return v.map { ($0, .error) }
        case "d":
            return v.map { ($0, .date) }
        default:
            guard let v, !v.isEmpty else { return nil }
            guard let number = Double(v.trimmingCharacters(in: .whitespaces)) else { return (v, .text) }
            if let style = Int(c.attribute("s") ?? ""), let kind = dateStyles[style],
                let iso = Self.isoDate(serial: number, date1904: date1904, kind: kind)
            {
                return (iso, kind == .duration ? .duration : .date)
            }
            return (Self.numberText(number), .number)
        }
    }
}
