import DocRouteExtraction
import DocRouteModel
import Foundation

/// What stays the same between copies of one layout: the shape of its pages and its fixed
/// words (labels, titles) where they stand, normalised to the page. A template keeps the
/// fingerprint of the document it was learned from, with the words that were values left
/// out; a new document matches it to the degree that those fixed words stand in it, in the
/// same places up to a shift and a scale (a card photographed closer or further).
public struct LayoutFingerprint: Sendable, Hashable, Codable {
    /// One fixed word: its match key (case, accents and OCR look-alikes folded), its page,
    /// and its centre as a fraction of the page's width and height.
    public struct Anchor: Sendable, Hashable, Codable {
        public var key: String
        public var page: Int
        public var x: Double
        public var y: Double
    }

    /// Width over height of each page.
    public var aspects: [Double]
    public var anchors: [Anchor]

    /// The fingerprint of `document`, leaving out the words whose centres fall inside
    /// `values` (a page index and a box in the page's unit, per value) and words too short
    /// or too uncertain to anchor anything (one character; OCR confidence below 0.5).
    public init(_ document: Document, excluding values: [(page: Int, box: Box)] = []) {
        aspects = document.pages.map { $0.height > 0 ? $0.width / $0.height : 0 }
        var anchors: [Anchor] = []
        for page in document.pages where page.width > 0 && page.height > 0 {
            for w in page.words {
                guard let b = w.box, (w.confidence ?? 1) >= 0.5 else { continue }
                let key = TextNormalizer.matchKey(w.text)
                guard key.count >= 2 else { continue }
                if values.contains(where: { $0.page == page.index && $0.box.holdsCentre(of: b) }) { continue }
                anchors.append(
                    Anchor(
                        key: key, page: page.index, x: (b.x0 + b.x1) / 2 / page.width,
                        y: (b.y0 + b.y1) / 2 / page.height))
            }
        }
        self.anchors = anchors
    }

    /// How far (fraction of the page) an anchor may stand from where the fitted shift and
    /// scale put it and still count as found.
    static let tolerance = 0.03

    /// How a document lies on a template: the share (0–1) of the template's anchors found in
    /// place, and the per-axis map from the document's page fractions to the template's.
    public struct Alignment: Sendable, Hashable {
        public var score: Double
        var x = Fit(scale: 1, shift: 0)
        var y = Fit(scale: 1, shift: 0)
    }

    /// A line v = scale · u + shift.
    struct Fit: Sendable, Hashable {
        var scale: Double
        var shift: Double

        func callAsFunction(_ u: Double) -> Double { scale * u + shift }
        /// The line the other way round.
        var inverse: Fit { scale == 0 ? self : Fit(scale: 1 / scale, shift: -shift / scale) }
    }

    /// A document whose fingerprint matches a template's at least this well has its layout.
    public static let sameLayout = 0.6

    /// The share (0–1) of this fingerprint's anchors that stand in `other` where they should:
    /// same word, same page, in place once `other` is shifted and scaled onto this one (fitted
    /// per axis by least squares on the words both share). Pages of another shape score 0.
    public func match(_ other: LayoutFingerprint) -> Double { align(other).score }

    /// `match`, with the shift and scale that put `other` onto this fingerprint.
    public func align(_ other: LayoutFingerprint) -> Alignment {
        guard !anchors.isEmpty, aspects.count == other.aspects.count,
            zip(aspects, other.aspects).allSatisfy({ abs($0 - $1) <= 0.1 * max($0, 0.01) })
        else { return Alignment(score: 0) }
        // Words both share, each word of `other` used once (the nearest of its spellings).
        var byKey: [String: [Anchor]] = [:]
        for a in other.anchors { byKey[a.key + "|\(a.page)", default: []].append(a) }
        var pairs: [(Anchor, Anchor)] = []
        for a in anchors {
            guard var candidates = byKey[a.key + "|\(a.page)"], !candidates.isEmpty else { continue }
            let i = candidates.indices.min {
                hypot(candidates[$0].x - a.x, candidates[$0].y - a.y)
                    < hypot(candidates[$1].x - a.x, candidates[$1].y - a.y)
            }!
            pairs.append((a, candidates.remove(at: i)))
            byKey[a.key + "|\(a.page)"] = candidates
        }
        guard pairs.count >= 3 else { return Alignment(score: Double(pairs.count) / Double(anchors.count) * 0.5) }
        // Fitted on every pair, then again on the pairs the fit puts in place: a word that
        // paired with the wrong one of its spellings (a value's `of`, the third `Title:`)
        // pulls a least-squares line a line's height off.
        var fx = Fit(scale: 1, shift: 0), fy = Fit(scale: 1, shift: 0)
        func inPlace(_ pair: (Anchor, Anchor)) -> Bool {
            abs(fx(pair.1.x) - pair.0.x) <= Self.tolerance && abs(fy(pair.1.y) - pair.0.y) <= Self.tolerance
        }
        var kept = pairs
        for _ in 0..<3 {
            fx = Self.fit(kept.map { ($0.1.x, $0.0.x) })
            fy = Self.fit(kept.map { ($0.1.y, $0.0.y) })
            let fitted = pairs.filter(inPlace)
            guard fitted.count >= 3, fitted.count != kept.count else { break }
            kept = fitted
        }
        let inliers = pairs.filter(inPlace)
        return Alignment(score: Double(inliers.count) / Double(anchors.count), x: fx, y: fy)
    }

    /// The least-squares line y = scale · x + shift through `points` (x, y); a plain shift
    /// when the x values do not spread.
    static func fit(_ points: [(Double, Double)]) -> Fit {
        let n = Double(points.count)
        let mx = points.map(\.0).reduce(0, +) / n, my = points.map(\.1).reduce(0, +) / n
        let sxx = points.map { ($0.0 - mx) * ($0.0 - mx) }.reduce(0, +)
        guard sxx > 1e-6 else { return Fit(scale: 1, shift: my - mx) }
        let sxy = points.map { ($0.0 - mx) * ($0.1 - my) }.reduce(0, +)
        let scale = sxy / sxx
        return Fit(scale: scale, shift: my - scale * mx)
    }
}
