import DocRouteModel

/// Characters OCR confuses with each other (O/0, I/1, S/5, B/8, Z/2, G/6, ...). When an OCR'd
/// value fails its field's pattern or check digits, the variants with the fewest swaps are
/// tried; the first that validates is kept (the printed reading stays in `raw`).
public enum OCRConfusions {
    static let swaps: [Character: [Character]] = [
        "O": ["0"], "0": ["O"], "Q": ["0"], "D": ["0"], "I": ["1"], "1": ["I"], "l": ["1"], "|": ["1"],
        "S": ["5"], "5": ["S"], "B": ["8"], "8": ["B"], "Z": ["2"], "2": ["Z"], "G": ["6"], "6": ["G"],
        "U": ["0"], "T": ["7"], "A": ["4"], "]": ["J"], "o": ["0"], "g": ["9", "8"],
    ]

    /// The swaps of `c`: the table's, and the upper-case form of a lower-case letter.
    static func alternatives(_ c: Character) -> [Character] {
        var out = swaps[c] ?? []
        if c.isLowercase, let upper = c.uppercased().first, upper != c { out.append(upper) }
        return out
    }

    /// Variants of `text` in tiers of growing change: one swap; one character dropped (a speck
    /// read as a letter); two swaps. At most `limit` variants in all, in a fixed order.
    public static func variants(of text: String, limit: Int = 200) -> [[String]] {
        let chars = Array(text)
        let positions = chars.indices.filter { !alternatives(chars[$0]).isEmpty }
        var count = 0
        var one: [String] = [], dropped: [String] = [], two: [String] = []
        for p in positions {
            for alt in alternatives(chars[p]) where count < limit {
                var c = chars; c[p] = alt
                one.append(String(c)); count += 1
            }
        }
        if chars.count > 1 {
            for i in chars.indices where count < limit {
                var c = chars; c.remove(at: i)
                dropped.append(String(c)); count += 1
            }
        }
        for (k, p) in positions.enumerated() {
            for q in positions[(k + 1)...] {
                for a in alternatives(chars[p]) {
                    for b in alternatives(chars[q]) where count < limit {
                        var c = chars; c[p] = a; c[q] = b
                        two.append(String(c)); count += 1
                    }
                }
            }
        }
        return [one, dropped, two]
    }
}
