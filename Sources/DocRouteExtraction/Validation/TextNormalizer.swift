import DocRouteModel
import Foundation

/// Text comparisons that forgive what printing and OCR change: case, accents, punctuation,
/// spacing, and a few wrong letters.
public enum TextNormalizer {
    /// Accents and compatibility forms removed ("Prénoms" → "Prenoms", "ﬁ" → "fi"), and the
    /// letters that carry their mark inside them spelled plainly as ICAO 9303 does (Ø → O,
    /// Ł → L, Æ → AE, ß → ss): what is left when a model or a zone cannot write the mark.
    public static func fold(_ s: String) -> String {
        // ASCII folds to itself: no Foundation call.
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return s }
        let folded = s.folding(options: [.diacriticInsensitive, .widthInsensitive], locale: nil)
            .precomposedStringWithCompatibilityMapping
        guard folded.unicodeScalars.contains(where: { $0.value >= 0xC0 }) else { return folded }
        var out = ""
        for c in folded { out += plain[c] ?? String(c) }
        return out
    }

    /// Letters diacritic folding leaves alone, spelled plainly.
    static let plain: [Character: String] = [
        "Ø": "O", "ø": "o", "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe",
        "ẞ": "SS", "ß": "ss", "Þ": "TH", "þ": "th", "ı": "i",
    ]

    /// Lower-case letters and digits only, accents removed: the form labels are compared in.
    public static func key(_ s: String) -> String {
        // ASCII, byte by byte: the same letters and digits, lower-cased, without Foundation.
        if s.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(s.utf8.count)
            for b in s.utf8 {
                switch b {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): bytes.append(b)
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): bytes.append(b + 32)
                default: break
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        return String(
            fold(s).lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }

    /// `key` with OCR's look-alikes made equal ("rn" → "m", "vv" → "w", "ij" → "u", "0" → "o",
    /// "1" → "l"): the form printed words (labels, template text, enum spellings) are compared in.
    public static func matchKey(_ s: String) -> String {
        var k = key(s)
        guard k.contains(where: { "rvi01".contains($0) }) else { return k }
        if k.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes = Array(k.utf8)
            for (pair, one) in [("rn", "m"), ("vv", "w"), ("ij", "u")] {
                bytes = replacing(Array(pair.utf8), with: UInt8(ascii: Unicode.Scalar(one)!), in: bytes)
            }
            return String(decoding: bytes.map { $0 == 0x30 ? 0x6F : ($0 == 0x31 ? 0x6C : $0) }, as: UTF8.self)
        }
        k = k.replacingOccurrences(of: "rn", with: "m").replacingOccurrences(of: "vv", with: "w")
            .replacingOccurrences(of: "ij", with: "u")
        return String(k.map { $0 == "0" ? "o" : ($0 == "1" ? "l" : $0) })
    }

    /// `bytes` with each `pair`, left to right and not overlapping, made `one` (as
    /// `replacingOccurrences` does).
    static func replacing(_ pair: [UInt8], with one: UInt8, in bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if i + 1 < bytes.count, bytes[i] == pair[0], bytes[i + 1] == pair[1] {
                out.append(one)
                i += 2
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    /// Whitespace runs collapsed to one space, ends trimmed.
    public static func collapse(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// `text` with the spaces of `model` when both hold the same number of non-space
    /// characters (a re-read's letters with the page reading's word breaks); else `text`.
    public static func spaced(_ text: String, like model: String) -> String {
        let letters = text.filter { $0 != " " }
        guard letters.count == model.filter({ $0 != " " }).count else { return text }
        var out = ""
        var it = letters.makeIterator()
        for c in model {
            if c == " " { out.append(" ") } else if let l = it.next() { out.append(l) }
        }
        return out
    }

    /// Levenshtein distance between `a` and `b` (by Unicode scalars), stopping early once it
    /// exceeds `limit` (then returns `limit + 1`).
    public static func distance(_ a: String, _ b: String, limit: Int = .max) -> Int {
        distance(Array(a.unicodeScalars), Array(b.unicodeScalars), limit: limit)
    }

    static func distance(_ x: [Unicode.Scalar], _ y: [Unicode.Scalar], limit: Int = .max) -> Int {
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        if abs(x.count - y.count) > limit { return limit + 1 }
        if limit == 0 { return x == y ? 0 : 1 }
        // Only cells within `limit` of the diagonal can stay within the limit: the others are
        // counted as over it.
        let over = limit == .max ? Int.max / 2 : limit + 1
        let band = limit == .max ? max(x.count, y.count) : limit
        var previous = (0...y.count).map { $0 <= band ? $0 : over }
        var current = [Int](repeating: over, count: y.count + 1)
        for i in 1...x.count {
            let lo = max(1, i - band), hi = min(y.count, i + band)
            current[0] = i <= band ? i : over
            if lo > 1 { current[lo - 1] = over }
            var rowMin = current[0]
            var j = lo
            while j <= hi {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                let best = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                current[j] = best
                if best < rowMin { rowMin = best }
                j += 1
            }
            if hi < y.count { current[hi + 1] = over }
            if rowMin > limit { return limit + 1 }
            swap(&previous, &current)
        }
        return min(previous[y.count], over)
    }

    /// How many edits a label of `length` key characters may differ by and still match:
    /// none up to 3 characters, one up to 7, then one per 6 characters.
    public static func tolerance(forLength length: Int) -> Int {
        length <= 3 ? 0 : (length <= 7 ? 1 : max(2, length / 6))
    }
}
