import DocRouteModel
import Foundation

extension Router {
    /// Fills `currency` fields no label filled: from the currency printed with a valid money
    /// field (`$4.11`), else from the currency named most often on the document, with a weight
    /// of 2 at least (a code such as `EUR`, or a symbol such as `€` next to an amount in cents,
    /// counts 2; a symbol next to another number counts 1), with less confidence.
    func fillCurrency(_ document: Document, layout: TextLayout, state: inout FillState) {
        for field in spec.fields where field.type == .currency && state.filled[field.name] == nil {
            let money = spec.fields.filter { $0.type == .money }.compactMap { state.filled[$0.name] }.first {
                $0.currency != nil
            }
            if let money, let code = money.currency {
                state.filled[field.name] = Record.Field(
                    value: .string(code), raw: code, confidence: money.confidence * 0.95,
                    strategy: money.strategy, page: money.page, box: money.box, valid: true, tried: [])
                state.filled[field.name]?.found = "with_amount"
                state.failures[field.name] = nil
                continue
            }
            // A code counts twice: it is a word of its own, not a glyph OCR may invent; so does a
            // symbol with an amount in cents (`Rs -40.00`), which a misread postcode (`$60067`) is not.
            var counts: [String: (count: Int, page: Int, box: Box?)] = [:]
            for line in layout.lines {
                for (i, w) in line.words.enumerated() {
                    let next = i + 1 < line.words.count ? line.words[i + 1].text : nil,
                        previous = i > 0 ? line.words[i - 1].text : nil
                    guard let code = Self.currencyMention(w.text, next: next, previous: previous) else { continue }
                    let c = counts[code]
                    let isCode = NumberNormalizer.currencyCodes.contains(
                        w.text.trimmingCharacters(in: CharacterSet(charactersIn: ":()[]")))
                    let weight = isCode || [w.text, next ?? "", previous ?? ""].contains(where: Self.hasCents) ? 2 : 1
                    counts[code] = (count: (c?.count ?? 0) + weight, page: c?.page ?? line.page, box: c?.box ?? w.box)
                }
            }
            // Twice at least: one symbol may be a misread digit ("$60067" for a postcode).
            guard
                let best = counts.max(by: {
                    $0.value.count != $1.value.count ? $0.value.count < $1.value.count : $0.key > $1.key
                }),
                best.value.count >= 2
            else { continue }
            state.filled[field.name] = Record.Field(
                value: .string(best.key), raw: best.key, confidence: 0.7, strategy: .direct,
                page: best.value.page + 1, box: best.value.box, valid: true, tried: [])
            state.filled[field.name]?.found = "on_page"
            state.failures[field.name] = nil
            state.tried[field.name, default: []].append(.direct)
        }
    }

    /// A number ending in two decimals (`4.11`, `$-40.00`, `12,00€`).
    static func hasCents(_ word: String) -> Bool {
        let digits = word.reversed().drop { !$0.isNumber }
        let tail = Array(digits.prefix(3))
        return tail.count == 3 && tail[0].isNumber && tail[1].isNumber && ".,".contains(tail[2])
    }

    /// The currency a word names: an ISO code standing alone (`EUR`), or a symbol or code
    /// glued to a number or next to one (`$4.11`, `€ 5`, `12,00 EUR`), or a currency's name next
    /// to one (`Rs 1939`).
    static func currencyMention(_ word: String, next: String?, previous: String?) -> String? {
        func isNumber(_ s: String?) -> Bool {
            s.map { $0.contains(where: \.isNumber) && $0.allSatisfy { $0.isNumber || ".,'-–".contains($0) } } ?? false
        }
        let trimmed = word.trimmingCharacters(in: CharacterSet(charactersIn: ":()[]"))
        if trimmed.count == 3, trimmed == trimmed.uppercased(), NumberNormalizer.currencyCodes.contains(trimmed) {
            return trimmed
        }
        // A name as a word of its own next to a number (`Rs 1939`, `1939 Euro`).
        let name = trimmed.lowercased().filter { $0 != "." }
        if let code = NumberNormalizer.currencyNames[name], isNumber(next) || isNumber(previous) { return code }
        for (symbol, code) in NumberNormalizer.currencySymbols.sorted(by: { $0.key.count > $1.key.count }) {
            if trimmed == symbol, isNumber(next) || isNumber(previous) { return code }
            if trimmed.hasPrefix(symbol), isNumber(String(trimmed.dropFirst(symbol.count))) { return code }
            if trimmed.hasSuffix(symbol), isNumber(String(trimmed.dropLast(symbol.count))) { return code }
        }
        return nil
    }
}
