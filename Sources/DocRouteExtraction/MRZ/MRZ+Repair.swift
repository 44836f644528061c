import DocRouteModel

extension MRZ {
    /// Reads an OCR'd machine-readable zone forgivingly and repairs the usual confusions until
    /// the check digits verify (ICAO 9303 TD1, TD2, TD3, visas):
    /// - case, spaces and look-alikes of `<` (`«`, `‹`, `(`, `[`, `{`) are normalised; lines
    ///   one to three characters short or long lose or gain filler `<` at their end; a names
    ///   line read longer still is cut to size and its names marked doubtful;
    /// - each position is read as what the layout allows there: digits in dates and check
    ///   digits (O→0, I→1, S→5, B→8, …), letters in codes and names (0→O, 1→I, …), and runs of
    ///   filler misread as K, C, E or G at the end of a line are restored;
    /// - a document number (letters and digits both allowed) is tried with its ambiguous
    ///   characters swapped until its check digit verifies (with the composite digit, when
    ///   one reading does; the fewest swaps); when two readings are equally good, none is
    ///   taken.
    ///
    /// Returns the zone as repaired, with `repairs` counting changed characters (its
    /// `failedChecks` say whether it now verifies), or nil when no MRZ shape is found.
    public static func repaired(_ text: String) -> MRZ? {
        var lines = text.split(whereSeparator: \.isNewline).map { line in
            String(
                line.uppercased().compactMap { c -> Character? in
                    if c == " " || c == "\t" { return nil }
                    if "«‹([{".contains(c) { return "<" }
                    return c
                })
        }.filter { $0.count >= 25 }
        guard lines.count >= 2 else { return nil }
        // The zone is at the bottom: its last two or three lines of one length.
        let layout: Layout
        let width: Int
        let tail3 = lines.suffix(3)
        // Two-line zones by their second line (the one with check digits); their first holds
        // names only and may be read longer (filler read as two letters).
        let tail2 = Array(lines.suffix(2))
        func twoLine(_ w: Int) -> Bool { tail2.count == 2 && abs(tail2[1].count - w) <= 3 && tail2[0].count >= w - 3 }
        if tail3.count == 3 && tail3.allSatisfy({ abs($0.count - 30) <= 3 }) {
            layout = .td1; width = 30; lines = Array(tail3)
        } else if twoLine(44) {
            layout = .td3; width = 44; lines = tail2
        } else if twoLine(36) {
            layout = .td2; width = 36; lines = tail2
        } else {
            return nil
        }
        var repairs = 0
        var restored: [Character: Int] = [:]
        let overlong = lines.contains { $0.count > width + 3 }
        var chars = lines.map { line -> [Character] in
            var a = Array(line)
            while a.count > width, let last = a.last, last == "<" || Self.fillerLike.contains(last) {
                a.removeLast(); repairs += 1
            }
            while a.count < width { a.append("<"); repairs += 1 }
            return Array(a.prefix(width))
        }
        let classes = Self.classes(layout, visa: chars[0].first == "V")
        for (l, row) in classes.enumerated() {
            for (i, kind) in row.enumerated() {
                let c = chars[l][i]
                let fixed: Character
                switch kind {
                case .digit: fixed = Self.toDigit[c] ?? c
                case .checkOrFiller: fixed = c == "<" ? c : (Self.toDigit[c] ?? c)
                case .letter: fixed = Self.toLetter[c] ?? c
                case .any: fixed = c
                }
                if fixed != c { chars[l][i] = fixed; repairs += 1 }
            }
            // Filler misread as K (or, by a line model, as c, e or g): the run of filler and its
            // look-alikes ending a line, from its first true filler on, is all filler (a name
            // ending in such letters, <<ELKE, has none before them and stays).
            // (A line ending in a check digit: the run before it.)
            // A run of three or more of one letter ending a line is filler too (no name ends so).
            var end = width
            while end > 0, row[end - 1] == .digit { end -= 1 }
            var start = end
            while start > 0, row[start - 1] != .digit, Self.fillerLike.contains(chars[l][start - 1]) { start -= 1 }
            let tail = chars[l][start..<end].reversed().prefix { $0 == chars[l][end - 1] }.count
            let firstFiller = chars[l][start..<end].firstIndex(of: "<") ?? end
            start = tail >= 3 && chars[l][end - 1] != "<" ? min(firstFiller, end - tail) : firstFiller
            for i in start..<end where chars[l][i] != "<" {
                restored[chars[l][i], default: 0] += 1
                chars[l][i] = "<"; repairs += 1
            }
        }
        func zone() -> MRZ? { MRZ(chars.map { String($0) }.joined(separator: "\n")) }
        guard var mrz = zone() else { return nil }
        if mrz.failedChecks.contains("document_number") {
            // Letters and digits both fit a document number: swap look-alikes until it verifies.
            let positions: [(Int, Int)] = layout == .td1 ? (5..<14).map { (0, $0) } : (0..<9).map { (1, $0) }
            let ambiguous = positions.filter { Self.swap[chars[$0.0][$0.1]] != nil }
            var best: (MRZ, [[Character]], Int)?
            var tied = false
            if ambiguous.count <= 10 {
                for mask in 1..<(1 << ambiguous.count) {
                    var trial = chars
                    for (k, p) in ambiguous.enumerated() where mask & (1 << k) != 0 {
                        trial[p.0][p.1] = Self.swap[trial[p.0][p.1]]!
                    }
                    guard let candidate = MRZ(trial.map { String($0) }.joined(separator: "\n")),
                        !candidate.failedChecks.contains("document_number")
                    else { continue }
                    let changed = mask.nonzeroBitCount
                    // A composite that verifies too comes first (two check digits agree), then the
                    // fewest swaps.
                    let score = changed + (candidate.failedChecks.contains("composite") ? 100 : 0)
                    if best == nil || score < best!.2 {
                        best = (candidate, trial, score)
                        tied = false
                    } else if score == best!.2 && candidate.documentNumber != best!.0.documentNumber {
                        tied = true
                    }
                }
            }
            // Two readings as good as each other: no guess.
            if let best, !tied {
                repairs += zip(best.1.flatMap { $0 }, chars.flatMap { $0 }).filter { $0 != $1 }.count
                let first = positions[0].1
                let swapped = positions.filter { best.1[$0.0][$0.1] != chars[$0.0][$0.1] }.map { $0.1 - first }
                chars = best.1
                mrz = best.0
                mrz.numberSwapped = swapped
            }
        }
        mrz.repairs = repairs
        mrz.namesDoubtful = overlong
        // The letter filler was read as, if the names hold it: some of those may be filler.
        if let letter = restored.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) })?.key,
            mrz.namesField.contains(letter)
        {
            mrz.namesFiller = letter
        }
        return mrz
    }

    enum CharClass { case digit, checkOrFiller, letter, any }

    /// What each position of a layout may hold.
    static func classes(_ layout: Layout, visa: Bool = false) -> [[CharClass]] {
        func row(_ width: Int, _ spans: [(Range<Int>, CharClass)]) -> [CharClass] {
            var out = [CharClass](repeating: .any, count: width)
            for (r, k) in spans { for i in r { out[i] = k } }
            return out
        }
        switch layout {
        case .td1:
            return [
                row(30, [(0..<5, .letter), (14..<15, .checkOrFiller)]),
                row(30, [(0..<7, .digit), (7..<8, .letter), (8..<15, .digit), (15..<18, .letter), (29..<30, .digit)]),
                row(30, [(0..<30, .letter)]),
            ]
        case .td2, .td3:
            let w = layout == .td2 ? 36 : 44
            var second: [(Range<Int>, CharClass)] = [
                (9..<10, .digit), (10..<13, .letter), (13..<20, .digit), (20..<21, .letter),
                (21..<28, .digit),
            ]
            // A visa's line ends in optional data, a passport's or card's in check digits.
            if !visa { second.append(((w - 1)..<w, .digit)) }
            if layout == .td3 && !visa { second.append((42..<43, .checkOrFiller)) }
            return [row(w, [(0..<w, .letter)]), row(w, second)]
        }
    }

    /// OCR confusions in places that hold digits, and in places that hold letters.
    static let toDigit: [Character: Character] = [
        "O": "0", "Q": "0", "D": "0", "U": "0", "I": "1", "L": "1", "|": "1",
        "Z": "2", "S": "5", "B": "8", "G": "6", "T": "7",
    ]
    static let toLetter: [Character: Character] = [
        "0": "O", "1": "I", "2": "Z", "5": "S", "8": "B", "6": "G", "|": "I",
    ]
    /// The zone with its names as the document prints them, when filler was read as a letter
    /// the names hold too (`namesFiller`): each of those letters is tried as filler and as
    /// itself, and the one reading whose every name is among `printed` (the document's other
    /// words, upper case, accents dropped) is taken (`ANNAKMARIA` → `ANNA MARIA`). No such
    /// reading, or several: the names are doubtful.
    public func confirmingNames(_ printed: Set<String>) -> MRZ {
        guard let letter = namesFiller else { return self }
        var out = self
        out.namesFiller = nil
        let field = Array(namesField)
        let places = field.indices.filter { field[$0] == letter }
        var found: [[String]: String] = [:]
        if places.count <= 10 {
            for mask in 0..<(1 << places.count) {
                var trial = field
                for (k, i) in places.enumerated() where mask & (1 << k) != 0 { trial[i] = "<" }
                let (surname, given) = Self.names(String(trial))
                let words = (surname + " " + given).split(separator: " ").map(String.init)
                if !surname.isEmpty, words.allSatisfy(printed.contains) { found[[surname, given]] = String(trial) }
            }
        }
        guard found.count == 1, let (names, trial) = found.first else {
            out.namesDoubtful = true
            return out
        }
        out.surname = names[0]
        out.givenNames = names[1]
        let n = layout == .td1 ? 2 : 0
        out.lines[n] = String(lines[n].prefix(lines[n].count - field.count)) + trial
        return out
    }

    /// Characters a run of filler `<` is misread as.
    static let fillerLike: Set<Character> = ["<", "K", "C", "E", "G"]
    /// Look-alikes swapped when a document number does not verify.
    static let swap: [Character: Character] = [
        "O": "0", "0": "O", "I": "1", "1": "I", "S": "5", "5": "S", "B": "8", "8": "B",
        "Z": "2", "2": "Z", "G": "6", "6": "G", "D": "0",
    ]
}
