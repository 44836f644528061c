import Foundation

extension Router {
    /// Fills `currency` fields no label filled: from the currency printed with a valid money
    /// field (`$4.11`), else from the currency named most often on the document, at least
    /// twice (codes such as `EUR` and symbols such as `€` next to numbers), with less confidence.
    func fillCurrency(_ document: Document, layout: TextLayout, state: inout FillState) {
        for field in spec.fields where field.type == .currency && state.filled[field.name] == nil {
            let money = spec.fields.filter { $0.type == .money }.compactMap { state.filled[$0.name] }.first { $0.currency != nil }
            if let money, let code = money.currency {
                state.filled[field.name] = Record.Field(value: .string(code), raw: code, confidence: money.confidence * 0.95,
                                                        strategy: money.strategy, page: money.page, box: money.box, valid: true, tried: [])
                state.filled[field.name]?.found = "with_amount"
                state.failures[field.name] = nil
                continue
            }
            // A code counts twice: it is a word of its own, not a glyph OCR may invent.
            var counts: [String: (count: Int, page: Int, box: Box?)] = [:]
            for line in layout.lines {
                for (i, w) in line.words.enumerated() {
                    guard let code = Self.currencyMention(w.text, next: i + 1 < line.words.count ? line.words[i + 1].text : nil,
                                                          previous: i > 0 ? line.words[i - 1].text : nil) else { continue }
                    let c = counts[code]
                    let weight = NumberNormalizer.currencyCodes.contains(w.text.trimmingCharacters(in: CharacterSet(charactersIn: ":()[]"))) ? 2 : 1
                    counts[code] = (count: (c?.count ?? 0) + weight, page: c?.page ?? line.page, box: c?.box ?? w.box)
                }
            }
            // Twice at least: one symbol may be a misread digit ("$60067" for a postcode).
            guard let best = counts.max(by: { $0.value.count != $1.value.count ? $0.value.count < $1.value.count : $0.key > $1.key }),
                  best.value.count >= 2 else { continue }
            state.filled[field.name] = Record.Field(value: .string(best.key), raw: best.key, confidence: 0.7, strategy: .direct,
                                                    page: best.value.page + 1, box: best.value.box, valid: true, tried: [])
            state.filled[field.name]?.found = "on_page"
            state.failures[field.name] = nil
            state.tried[field.name, default: []].append(.direct)
        }
    }

    /// The currency a word names: an ISO code standing alone (`EUR`), or a symbol or code
    /// glued to a number or next to one (`$4.11`, `€ 5`, `12,00 EUR`).
    static func currencyMention(_ word: String, next: String?, previous: String?) -> String? {
        func isNumber(_ s: String?) -> Bool { s.map { $0.contains(where: \.isNumber) && $0.allSatisfy { $0.isNumber || ".,'-–".contains($0) } } ?? false }
        let trimmed = word.trimmingCharacters(in: CharacterSet(charactersIn: ":()[]"))
        if trimmed.count == 3, trimmed == trimmed.uppercased(), NumberNormalizer.currencyCodes.contains(trimmed) { return trimmed }
        for (symbol, code) in NumberNormalizer.currencySymbols.sorted(by: { $0.key.count > $1.key.count }) {
            if trimmed == symbol, isNumber(next) || isNumber(previous) { return code }
            if trimmed.hasPrefix(symbol), isNumber(String(trimmed.dropFirst(symbol.count))) { return code }
            if trimmed.hasSuffix(symbol), isNumber(String(trimmed.dropLast(symbol.count))) { return code }
        }
        return nil
    }
}
