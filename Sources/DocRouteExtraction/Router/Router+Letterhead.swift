import DocRouteModel
import Foundation

extension Router {
    /// A name an unlabelled issuer or shop may go by: a piece of a line at the top of page 1,
    /// at the foot of the last page, or anywhere on them with a company's legal form.
    struct Name {
        var run: WordRun
        /// Letters only, lower case, without the legal form: what two printings share.
        var key: String
        var legalForm: Bool
        var top: Bool
    }

    /// Legal forms a company's name ends with (`Coolblue B.V.`, `QualityHosting AG`, `… Inc.`),
    /// compared without dots and case (a two-letter one only in capitals or with dots: see
    /// `nameKey`).
    static let legalForms: Set<String> = [
        "bv", "nv", "gmbh", "ag", "se", "kg", "ohg", "ug", "ek", "inc", "incorporated", "llc", "llp", "lp", "ltd",
        "limited", "plc", "corp", "corporation", "co", "company", "sas", "sa", "sarl", "eurl", "sasu", "sl", "spa",
        "srl", "sro", "oy", "oyj", "ab", "as", "asa", "aps", "pvt", "pty", "kk", "bvba", "vof", "cv",
        "sc", "scs", "snc", "sprl", "gbr", "mbh", "pte", "bhd", "sdn", "sb", "ltda", "sab", "cia",
    ]

    /// The fields a letterhead's name fills (`position: title`): their own labels may end a
    /// name (`Sanyu Stationery Shop`).
    var titleFields: Set<String> { Set(spec.fields.filter { $0.position == .title }.map(\.name)) }

    /// Lines apart two printings of a name must be to count as printed twice.
    static let repeatDistance = 4

    /// Mail providers whose domain names nobody's company.
    static let mailProviders: Set<String> = [
        "gmail", "googlemail", "yahoo", "hotmail", "outlook", "live", "msn", "aol", "icloud", "gmx", "proton",
        "protonmail", "mail", "email", "example", "test",
    ]

    /// The name an unlabelled `position: title` field most likely holds, and how it was found:
    /// `letterhead` when the name has evidence beyond its print — a legal form, a web or mail
    /// domain of the document spelling it, or a second printing elsewhere — else the title
    /// (`title(_:layout:labels:)`, the largest print at the top). A name under a heading of the
    /// pipeline (`after:`, such as `Bill to`: the customer's block) or where another field's
    /// value stands is not one. Among names with evidence the most evidence wins (legal form 2,
    /// domain 1.5, repeated 1, on page 1's first two lines 1, the title 1, at the top 0.5; a
    /// legal form, then the topmost, among equals); a name printed under or after a key
    /// (`Owned by:`) is someone else's; the
    /// printing at the top of page 1 is taken, else the first. A word that is a number makes
    /// no name (a street, a reference).
    func letterheadName(
        _ document: Document, layout: TextLayout, state: FillState
    ) -> (run: WordRun, found: String)? {
        let title = Self.title(document, layout: layout, labels: labels, keep: titleFields, headings: headings)
        let names = names(document, layout: layout, taken: state.valuePlaces)
        let domains = Self.domains(layout)
        let text = layout.lines.map { TextNormalizer.matchKey($0.words.map(\.text).joined(separator: " ")) }
            .map { $0.filter(\.isLetter) }
        // The best name, its score, and whether it has evidence beyond its place.
        var best: (name: Name, score: Double, beyond: Bool)? = nil
        let titleKey = title.map { Self.nameKey($0.run.words.map(\.text)).key }
        // The name of two words or more on the first or second line of page 1 (a receipt's shop
        // under a scribble, a letter's sender; a word alone there is as often a logo's).
        let head = layout.lines.filter { $0.page == document.pages.first?.index }.prefix(2).compactMap(\.box)
        let firstKey = names.filter { n in
            n.top && head.contains { b in n.run.box.map { b.sharedShare(with: $0) > 0.3 } ?? false }
        }.min { ($0.run.box?.y0 ?? .infinity) < ($1.run.box?.y0 ?? .infinity) }
            .flatMap { $0.run.words.count > 1 ? $0.key : nil }
        for key in Set(names.map(\.key)) {
            let printings = names.filter { $0.key == key }
            var score = 0.0
            if printings.contains(where: \.legalForm) { score += 2 }
            if domains.contains(where: { d in key.contains(d) || (d.count >= 4 && d.hasPrefix(String(key.prefix(4)))) })
            {
                score += 1.5
            }
            // Printed again away from itself (not the next lines of one address block).
            let lines = text.indices.filter { text[$0].contains(key) }
            if let a = lines.first, let b = lines.last, b - a >= Self.repeatDistance { score += 1 }
            let beyond = score > 0
            if key == firstKey { score += 1 }
            let evidence = score
            if key == titleKey { score += 1 }
            if printings.contains(where: \.top) { score += 0.5 }
            // The title stands without evidence; any other name needs some.
            guard evidence > 0 || key == titleKey else { continue }
            let chosen =
                printings.first(where: { $0.top && $0.legalForm }) ?? printings.first(where: \.top) ?? printings[0]
            // Among equals, a company's legal name (`CPI Rocku Sdn. Bhd.` under its brand), then the topmost.
            if best == nil || score > best!.score
                || (score == best!.score && chosen.legalForm && !best!.name.legalForm)
                || (score == best!.score && chosen.legalForm == best!.name.legalForm
                    && (chosen.run.box?.y0 ?? 0) < (best!.name.run.box?.y0 ?? 0))
            {
                best = (chosen, score, beyond)
            }
        }
        if let best, best.name.key != titleKey || best.beyond { return (best.name.run, "letterhead") }
        return title.map { ($0.run, "title") }
    }

    /// The candidate names of `document` (see `Name`): line segments cut at separators
    /// (`QualityHosting AG - Uferweg 40-42`), without trailing label words, holding three
    /// letters and few digits, neither a label nor a labelled value, not a web or mail address,
    /// of at most six words.
    func names(_ document: Document, layout: TextLayout, taken: [(page: Int, box: Box)]) -> [Name] {
        guard let first = document.pages.first, let last = document.pages.last else { return [] }
        let blocks = layout.lines.indices.flatMap { li -> [(page: Int, box: Box)] in
            let line = layout.lines[li]
            return headings.matches(in: line.words, isStart: line.isSegmentStart).compactMap { m in
                WordRun(words: Array(line.words[m.start..<m.end]), page: line.page).box.map { (line.page, $0) }
            }
        }
        var out: [Name] = []
        for (li, line) in layout.lines.enumerated() where line.page == first.index || line.page == last.index {
            guard let lineBox = line.box else { continue }
            let page = line.page == first.index ? first : last
            let top = line.page == first.index && lineBox.y0 < page.height / 3
            let foot = line.page == last.index && lineBox.y0 > page.height * 0.75
            for segment in line.segments {
                var part: [TextSpan] = []
                // A legal form on a line of its own ends the name above it (`Pasaraya Borong
                // Pintar` / `Sdn Bhd`).
                let words = Array(line.words[segment])
                // Or the segment before it (`MR.D.I.Y. | (M) SDN BHD` cut at a wide gap).
                let before = segment.lowerBound > 0 ? line.segments.last { $0.upperBound <= segment.lowerBound } : nil
                if Self.isLegalForm(words),
                    let above = before.map({ Array(line.words[$0]) })
                        ?? Self.segment(above: li, over: words, in: layout)
                {
                    if let name = name(
                        above + words, page: line.page, top: top, foot: foot, blocks: blocks, taken: taken)
                    {
                        out.append(name)
                    }
                    continue
                }
                // The value of a key printed over it (`Owned by:` / `Sanyu Supply Sdn Bhd`) names
                // someone else.
                if Self.segment(above: li, over: words, in: layout)?.last?.text.hasSuffix(":") == true { continue }
                for w in words + [
                    TextSpan(text: "|", box: nil, confidence: nil, line: 0, block: 0, order: 0)
                ] {
                    // So does one after a key on its line (`Owned by: …`).
                    if w.text.hasSuffix(":") {
                        part = []
                        continue
                    }
                    if ["-", "–", "—", "|", "·", "•", "/"].contains(w.text) {
                        if let name = name(part, page: line.page, top: top, foot: foot, blocks: blocks, taken: taken) {
                            out.append(name)
                        }
                        part = []
                    } else {
                        part.append(w)
                    }
                }
            }
        }
        return out
    }

    func name(
        _ words: [TextSpan], page: Int, top: Bool, foot: Bool, blocks: [(page: Int, box: Box)],
        taken: [(page: Int, box: Box)]
    ) -> Name? {
        guard let words = Self.unlabelled(words, labels: labels, keep: titleFields) else { return nil }
        let run = WordRun(words: words, page: page)
        let text = run.text
        let letters = text.filter(\.isLetter).count, digits = text.filter(\.isNumber).count
        let (key, legal) = Self.nameKey(words.map(\.text))
        // Six words, and up to two of legal form (`De Luxe Circle Fresh Mart Sdn Bhd`).
        guard words.count <= (legal ? 8 : 6) else { return nil }
        // A word that is a number makes a street or a reference, not a name (`Calle Real 35`),
        // unless a legal form makes it a company's (`99 Speed Mart S/B`).
        guard letters >= 3, digits * 4 <= letters, !text.contains("@"), !text.hasSuffix(":"),
            legal
                || !words.contains(where: { w in
                    let t = w.text.filter { $0.isLetter || $0.isNumber }
                    return !t.isEmpty && t.allSatisfy(\.isNumber)
                }),
            !text.lowercased().contains("www."), !text.lowercased().contains("http")
        else { return nil }
        guard key.count >= 3, top || foot || legal else { return nil }
        if let box = run.box {
            if Self.isTaken(box, page: page + 1, in: taken) { return nil }
            // Under a heading such as `Bill to`, in its column: the customer's block.
            let h = max(box.height, 1)
            if blocks.contains(where: { b in
                b.page == page && box.y0 >= b.box.y1 - h * 0.3 && box.y0 <= b.box.y1 + h * 7
                    && abs(box.x0 - b.box.x0) <= h * 3
            }) {
                return nil
            }
        }
        return Name(run: run, key: key, legalForm: legal, top: top)
    }

    /// Whether `words` are nothing but a legal form (`Sdn Bhd`, `GmbH`, `Pty. Ltd.`), after a
    /// note in brackets (`(M) Sdn Bhd`).
    static func isLegalForm(_ words: [TextSpan]) -> Bool {
        let words = words.drop {
            $0.text.hasPrefix("(") && $0.text.hasSuffix(")") && !$0.text.contains(where: \.isNumber)
        }
        return !words.isEmpty && words.count <= 3
            && words.allSatisfy { w in
                legalForms.contains(TextNormalizer.matchKey(w.text).filter(\.isLetter))
                    && (w.text.filter(\.isLetter).count > 2 || w.text.contains(".") || w.text.contains("/")
                        || w.text.filter(\.isLetter).allSatisfy(\.isUppercase))
            }
    }

    /// The segment of the line before `line` (same page, within one and a half line heights)
    /// that stands over `words`.
    static func segment(above line: Int, over words: [TextSpan], in layout: TextLayout) -> [TextSpan]? {
        guard line > 0, let box = WordRun(words: words, page: layout.lines[line].page).box else { return nil }
        let prev = layout.lines[line - 1]
        guard prev.page == layout.lines[line].page, let pb = prev.box,
            box.y0 - pb.y1 <= max(layout.lines[line].height, 1) * 1.5
        else { return nil }
        for seg in prev.segments {
            let run = WordRun(words: Array(prev.words[seg]), page: prev.page)
            if let b = run.box, b.x1 > box.x0, b.x0 < box.x1 { return run.words }
        }
        return nil
    }

    /// A name's key (letters only, lower case, without a trailing legal form) and whether it
    /// ended with one.
    static func nameKey(_ words: [String]) -> (key: String, legalForm: Bool) {
        var words = words.filter { $0.contains(where: { $0.isLetter || $0.isNumber }) }
        var legal = false
        // `Pvt. Ltd.`, `GmbH & Co. KG`: up to three words of legal form, a name before them.
        for _ in 0..<3 where words.count >= 2 {
            let word = words[words.count - 1]
            let form = TextNormalizer.matchKey(word).filter(\.isLetter)
            // A two-letter form is written in capitals or with dots (`AG`, `S.A.`, `Co.`, `S/B`), not
            // a word of a sentence (`as`).
            guard legalForms.contains(form),
                form.count > 2 || word.contains(".") || word.filter(\.isLetter).allSatisfy(\.isUppercase)
            else { break }
            words.removeLast()
            legal = true
        }
        let key = words.map { TextNormalizer.matchKey($0).filter(\.isLetter) }.joined()
        return (key, legal)
    }

    /// The distinctive labels of the web and mail domains printed in `layout`
    /// (`aws.amazon.com` → `amazon`, `info@qualityhosting.de` → `qualityhosting`), mail
    /// providers left out.
    static func domains(_ layout: TextLayout) -> Set<String> {
        var out: Set<String> = []
        for line in layout.lines {
            for w in line.words {
                var t = w.text.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "()<>[],;:'\""))
                if let at = t.lastIndex(of: "@") {
                    t = String(t[t.index(after: at)...])
                } else {
                    guard t.hasPrefix("www.") || t.hasPrefix("http") || t.split(separator: ".").count >= 2
                    else { continue }
                    if let scheme = t.range(of: "://") { t = String(t[scheme.upperBound...]) }
                    t = String(t.prefix { $0 != "/" })
                }
                let parts = t.split(separator: ".").map(String.init)
                guard parts.count >= 2, let tld = parts.last, (2...6).contains(tld.count), tld.allSatisfy(\.isLetter)
                else { continue }
                var labels = parts.dropLast().filter { $0 != "www" }
                // `co.uk`, `com.au`: the second-level label is the company's.
                if let l = labels.last, ["co", "com", "org", "net", "ac", "gov"].contains(l), labels.count >= 2 {
                    labels.removeLast()
                }
                guard let name = labels.last?.filter(\.isLetter), name.count >= 3, !mailProviders.contains(name)
                else { continue }
                out.insert(name)
            }
        }
        return out
    }
}
