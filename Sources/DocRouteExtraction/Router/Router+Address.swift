import DocRouteModel
import Foundation

extension Router {
    /// Lines scanned under a letterhead's name for its address.
    static let addressScanLines = 12
    /// Lines an unlabelled address takes at most.
    static let addressLines = 5

    /// What a line under a letterhead's name is, for finding its address.
    enum HeaderLine: Equatable {
        /// Words an address may hold.
        case address
        /// A phone, a registration or tax number, a mail or web address, another company's
        /// name, a label of the pipeline: not the address, but the letterhead goes on.
        case other
        /// A date: the letterhead has ended.
        case end
    }

    /// The address printed under a letterhead's name (`name`: its line in `layout.lines`): of
    /// the runs of address lines among the twelve lines under it (in the name's column, the
    /// top half of the page, up to a date), the first that holds a postcode (else a number),
    /// without leading lines that hold neither a digit nor a comma (`Licensee of …`), at most
    /// five lines. Lines between are phones, registration and tax numbers, mail and web
    /// addresses, another company's name or a label (see `headerLine`).
    func addressBlock(under name: Int, nameBox: Box, layout: TextLayout, page: Page?) -> [WordRun]? {
        let dates = FieldValidator(field: FieldSpec(name: "date", type: .date), dateOrder: spec.dateOrder)
        var runs: [[WordRun]] = [[]]
        var bottom = nameBox.y1
        let pageNo = layout.lines[name].page
        for j in (name + 1)..<min(layout.lines.count, name + 1 + Self.addressScanLines) {
            let line = layout.lines[j]
            guard line.page == pageNo, let box = line.box else { break }
            if let page, page.height > 0, box.y0 > page.height / 2 { break }
            // A wide gap ends the letterhead.
            if box.y0 - bottom > max(line.height, 1) * 3 { break }
            // The line's segment under the name (a letterhead beside the document's title).
            guard
                let under = line.words.firstIndex(where: { w in
                    w.box.map { $0.x1 > nameBox.x0 && $0.x0 < nameBox.x1 } ?? false
                })
            else {
                runs.append([])
                continue
            }
            let start = line.segmentStarts.last { $0 <= under } ?? 0
            let words = Array(line.words[start..<line.segmentEnd(containing: start)])
            bottom = box.y1
            let kind = headerLine(words, dates: dates)
            if kind == .end { break }
            if kind == .other {
                runs.append([])
            } else {
                runs[runs.count - 1].append(WordRun(words: words, page: line.page))
            }
        }
        runs = runs.filter { !$0.isEmpty }
        guard
            var block = runs.first(where: { $0.contains { Self.holdsPostcode($0.words) } })
                ?? runs.first(where: { $0.contains { $0.text.contains(where: \.isNumber) } })
        else { return nil }
        while block.count > 1, let first = block.first,
            !first.text.contains(where: { $0.isNumber || $0 == "," })
        {
            block.removeFirst()
        }
        return Array(block.prefix(Self.addressLines))
    }

    /// Words that name ways to reach someone, not where they are.
    static let contactWords: Set<String> = [
        "tel", "tele", "telephone", "phone", "ph", "fax", "mobile", "mob", "hp", "cell", "telefon", "telefax",
        "tél", "téléphone", "tfn", "email", "e-mail", "mail", "web", "website", "whatsapp",
    ]
    /// Words that introduce a registration or tax number.
    static let registryWords: Set<String> = [
        "gst", "vat", "reg", "registration", "roc", "tin", "abn", "acn", "siret", "siren", "ust", "ustid",
        "steuernummer", "btw", "kvk", "iva", "nif", "cif", "rfc", "cnpj", "gstin", "pan", "uen", "brn",
    ]

    /// What `words` (a line's segment under a letterhead's name) are; see `HeaderLine`.
    func headerLine(_ words: [TextSpan], dates: FieldValidator) -> HeaderLine {
        let text = words.map(\.text).joined(separator: " ")
        if Self.holdsValue(words, validator: dates) { return .end }
        guard text.filter(\.isLetter).count >= 2 else { return .other }
        let keys = words.map { TextNormalizer.matchKey($0.text).filter { $0.isLetter || $0 == "-" } }
        if keys.contains(where: { Self.contactWords.contains($0) || Self.registryWords.contains($0) }) {
            return .other
        }
        if text.contains("@") || text.lowercased().contains("www.") || text.lowercased().contains("http") {
            return .other
        }
        // A registration number (`(65351-M)`, `1000131-K`, `CO. NO: 20154-T`) or a phone.
        if words.contains(where: { Self.isRegistration($0.text) }) || Self.digitRun(text) >= 8 { return .other }
        if Self.nameKey(words.map(\.text)).legalForm { return .other }
        if !labels.matches(in: words, isStart: { $0 == 0 }).isEmpty { return .other }
        return .address
    }

    /// Whether a word is a registration number: seven digits or more, or five or more with a
    /// check letter (`65351-M`), or digits in brackets.
    static func isRegistration(_ word: String) -> Bool {
        let digits = word.filter(\.isNumber).count
        guard digits >= 4 else { return false }
        if digits >= 7 && word.filter(\.isLetter).count <= 2 { return true }
        // After a key glued to it (`NO:797887-W`).
        let tail = word.split(separator: ":").last.map(String.init) ?? word
        let core = tail.trimmingCharacters(in: CharacterSet(charactersIn: "()[].,:;"))
        if word.hasPrefix("("), digits == core.filter(\.isNumber).count, core.allSatisfy({ $0.isNumber || $0 == "-" }) {
            return true
        }
        // Five digits or more, a hyphen or not, one check letter (not a lot: `1851-A`).
        if digits >= 5, let last = core.last, last.isLetter,
            core.dropLast().last.map({ $0 == "-" || $0.isNumber }) == true,
            core.dropLast().allSatisfy({ $0.isNumber || $0 == "-" })
        {
            return true
        }
        return false
    }

    /// The most digits `text` holds in a row, counting through spaces, hyphens, dots and
    /// brackets (a phone number: `03-5122 1701`, `+6 03 2026 6386`).
    static func digitRun(_ text: String) -> Int {
        var best = 0, run = 0
        for c in text {
            if c.isNumber {
                run += 1
                best = max(best, run)
            } else if !" -.()/+".contains(c) {
                run = 0
            }
        }
        return best
    }

    /// Whether `words` hold a postcode: a number of four to six digits standing alone
    /// (`47400`, `81750,`), a postcode with letters (`W1B 5QH`, `SW1A 1AA`), or a country's
    /// prefix to one (`D-80331`, `F-75001`).
    static func holdsPostcode(_ words: [TextSpan]) -> Bool {
        let texts = words.map { $0.text.trimmingCharacters(in: CharacterSet(charactersIn: ",.;:()")) }
        for (i, t) in texts.enumerated() {
            let bare = t.split(separator: "-").last.map(String.init) ?? t
            if (4...6).contains(bare.count), bare.allSatisfy(\.isNumber), bare == t || t.count <= bare.count + 3 {
                return true
            }
            // UK: outward code (`W1B`, `SW1A`, `M1`) then inward code (`5QH`).
            if i + 1 < texts.count, Self.isUKOutward(t), Self.isUKInward(texts[i + 1]) { return true }
        }
        return false
    }

    static func isUKOutward(_ t: String) -> Bool {
        let c = Array(t)
        guard (2...4).contains(c.count), c[0].isLetter, c[0].isUppercase, c.contains(where: \.isNumber) else {
            return false
        }
        return c.allSatisfy { ($0.isLetter && $0.isUppercase) || $0.isNumber }
    }

    static func isUKInward(_ t: String) -> Bool {
        let c = Array(t)
        return c.count == 3 && c[0].isNumber && c[1].isLetter && c[2].isLetter && c[1].isUppercase
            && c[2].isUppercase
    }
}
