import DocRouteModel
import Foundation

/// Reads a Word document (.docx, Transitional or Strict OOXML) into the document model.
///
/// The body becomes one page of native text (no geometric boxes: Word lays out pages at
/// display time). Order: page headers, body, page footers; inside the body, paragraphs and
/// tables in document order, text boxes right after the paragraph that anchors them,
/// content controls unwrapped. Tables keep merged cells (`gridSpan` → column span,
/// `vMerge` → row span). Deleted revisions, field codes, footnotes and comments are not read.
struct DOCXReader {
    let limits: ReaderLimits
    let deadline: Deadline

    func read(_ data: Data, url: URL?) throws(DocRouteError) -> ReadContent {
        let package = try OOXMLPackage(data: data, url: url, limits: limits)
        let mainPart = package.mainPart(or: "word/document.xml")
        guard let tree = try package.xml(mainPart), let root = tree.root, let body = root.child("body") else {
            throw .corrupt("DOCX has no readable document body (\(mainPart))")
        }
        var state = State(layout: NativeTextLayout(limits: limits))
        let rels = (try? package.relationships(of: mainPart)) ?? [:]
        let sortedRels = rels.values.sorted { $0.target < $1.target }
        var warnings: [String] = []

        func readPart(_ rel: OOXMLPackage.Relationship) throws(DocRouteError) {
            do {
                guard let t = try package.xml(rel.target), let r = t.root else { return }
                _ = try readBlocks(r, &state)
            } catch .corrupt(let m) {
                warnings.append("skipped \(rel.kind) part: \(m)")
            }
        }
        for rel in sortedRels where rel.kind == "header" { try readPart(rel) }
        try deadline.check()
        _ = try readBlocks(body, &state)
        for rel in sortedRels where rel.kind == "footer" { try readPart(rel) }

        var width = 0.0, height = 0.0
        if let size = body.child("sectPr")?.child("pgSz") {
            width = Double(size.attribute("w") ?? "").map { $0 / 20 } ?? 0
            height = Double(size.attribute("h") ?? "").map { $0 / 20 } ?? 0
        }
        let page = Page(
            index: 0, width: width, height: height, unit: width > 0 ? .pt : .none,
            origin: .native, words: state.layout.words)
        return ReadContent(pages: [page], tables: state.tables, warnings: warnings)
    }

    private struct State {
        var layout: NativeTextLayout
        var tables: [Table] = []
    }

    /// Reads block-level content (paragraphs, tables, content controls); returns its text lines.
    private func readBlocks(_ container: XMLElement, _ state: inout State) throws(DocRouteError) -> [String] {
        var lines: [String] = []
        for c in container.children {
            if c.is("p") {
                var text = ""
                var boxes: [XMLElement] = []
                collectInline(c, into: &text, textBoxes: &boxes)
                state.layout.beginBlock()
                try state.layout.add(text)
                lines.append(text)
                for box in boxes { lines += try readBlocks(box, &state) }
            } else if c.is("tbl") {
                lines += try readTable(c, &state)
            } else if c.is("sdt") {
                if let content = c.child("sdtContent") { lines += try readBlocks(content, &state) }
            } else if c.is("AlternateContent") {
                if let chosen = Self.choice(c) { lines += try readBlocks(chosen, &state) }
            } else if c.is("customXml") || c.is("ins") || c.is("moveTo") || c.is("smartTag") {
                lines += try readBlocks(c, &state)
            }
        }
        return lines
    }

    /// The branch of `mc:AlternateContent` to read: the first Choice, else the Fallback.
    private static func choice(_ alternate: XMLElement) -> XMLElement? {
        alternate.child("Choice") ?? alternate.child("Fallback")
    }

    /// The visible text of a paragraph's inline content; text boxes are collected aside.
    private func collectInline(_ e: XMLElement, into text: inout String, textBoxes: inout [XMLElement]) {
        e.forEachChild { c in
            if c.is("t") {
                text += c.text
            } else if c.is("tab") || c.is("ptab") {
                text += "\t"
            } else if c.is("br") || c.is("cr") {
                text += "\n"
            } else if c.is("noBreakHyphen") {
                text += "-"
            } else if c.is("txbxContent") {
                textBoxes.append(c)
            } else if c.is("AlternateContent") {
                if let chosen = Self.choice(c) { collectInline(chosen, into: &text, textBoxes: &textBoxes) }
            } else if c.is("rPr") || c.is("pPr") || c.is("del") || c.is("delText") || c.is("instrText")
                || c.is("moveFrom") || c.is("sdtPr") || c.is("sdtEndPr")
            {
                return
            } else {
                collectInline(c, into: &text, textBoxes: &textBoxes)
            }
        }
    }

    /// Reads a `w:tbl` into a `Table` (appended to the state) and returns its cells' text lines.
    private func readTable(_ tbl: XMLElement, _ state: inout State) throws(DocRouteError) -> [String] {
        try deadline.check()
        var cells: [Cell] = []
        var lines: [String] = []
        var openMerge: [Int: Int] = [:]  // grid column → index in `cells` of a vMerge start
        var row = 0
        var columnCount = 0
        let tableIndex = state.tables.count
        // Keeps document order for nested tables.
        state.tables.append(Table(page: 0, rowCount: 0, columnCount: 0, cells: []))

        for tr in Self.rowLevel(tbl, "tr") {
            var column = Int(tr.child("trPr")?.child("gridBefore")?.attribute("val") ?? "") ?? 0
            for tc in Self.rowLevel(tr, "tc") {
                let props = tc.child("tcPr")
                let span = max(1, min(Int(props?.child("gridSpan")?.attribute("val") ?? "") ?? 1, 1000))
                let vMerge = props?.child("vMerge")
                let mergeValue = vMerge?.attribute("val")
                if vMerge != nil, mergeValue == nil || mergeValue == "continue", let start = openMerge[column] {
                    cells[start].rowSpan = row - cells[start].row + 1
                    column += span
                    continue
                }
                let cellLines = try readBlocks(tc, &state)
                lines += cellLines
                let text = cellLines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
                cells.append(Cell(row: row, column: column, columnSpan: span, text: text))
                for k in column..<(column + span) { openMerge[k] = nil }
                if mergeValue == "restart" { openMerge[column] = cells.count - 1 }
                column += span
            }
            columnCount = max(columnCount, column)
            row += 1
        }
        state.tables[tableIndex] = Table(page: 0, rowCount: row, columnCount: columnCount, cells: cells)
        return lines
    }

    /// Children named `local`, looking through row- and cell-level content controls.
    private static func rowLevel(_ parent: XMLElement, _ local: StaticString) -> [XMLElement] {
        var out: [XMLElement] = []
        parent.forEachChild { c in
            if c.is(local) {
                out.append(c)
            } else if c.is("sdt"), let content = c.child("sdtContent") {
                out += rowLevel(content, local)
            } else if c.is("customXml") {
                out += rowLevel(c, local)
            }
        }
        return out
    }
}
