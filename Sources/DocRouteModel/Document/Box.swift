/// An axis-aligned rectangle on a page, in the page's unit, origin at the top left.
///
/// Encoded in JSON as `[x0, y0, x1, y1]`.
public struct Box: Sendable, Hashable, Codable {
    public var x0: Double
    public var y0: Double
    public var x1: Double
    public var y1: Double

    public init(x0: Double, y0: Double, x1: Double, y1: Double) {
        self.x0 = x0; self.y0 = y0; self.x1 = x1; self.y1 = y1
    }

    public var width: Double { x1 - x0 }
    public var height: Double { y1 - y0 }

    /// The smallest box holding both boxes.
    public func union(_ other: Box) -> Box {
        Box(x0: min(x0, other.x0), y0: min(y0, other.y0), x1: max(x1, other.x1), y1: max(y1, other.y1))
    }

    /// The smallest box holding all of `boxes`; nil when there are none.
    public static func union(of boxes: [Box]) -> Box? {
        boxes.dropFirst().reduce(boxes.first) { $0?.union($1) }
    }

    /// The share of the smaller of the two boxes that lies in both (0 when they do not meet).
    public func sharedShare(with other: Box) -> Double {
        let w = min(x1, other.x1) - max(x0, other.x0), h = min(y1, other.y1) - max(y0, other.y0)
        let smaller = min(width * height, other.width * other.height)
        guard w > 0, h > 0, smaller > 0 else { return 0 }
        return w * h / smaller
    }

    /// Whether the centre of `other` lies in this box (a word "in" a region).
    public func holdsCentre(of other: Box) -> Bool {
        let cx = (other.x0 + other.x1) / 2, cy = (other.y0 + other.y1) / 2
        return cx >= x0 && cx <= x1 && cy >= y0 && cy <= y1
    }

    /// The box with every coordinate multiplied by `factor` (unit conversion).
    public func scaled(by factor: Double) -> Box {
        Box(x0: x0 * factor, y0: y0 * factor, x1: x1 * factor, y1: y1 * factor)
    }

    public init(from decoder: Decoder) throws {
        var c = try decoder.unkeyedContainer()
        x0 = try c.decode(Double.self); y0 = try c.decode(Double.self)
        x1 = try c.decode(Double.self); y1 = try c.decode(Double.self)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.unkeyedContainer()
        for v in [x0, y0, x1, y1] { try c.encode(v.rounded(toPlaces: 2)) }
    }
}
