import DocRouteModel
import DocRouteReaders

/// A layout learned from a document extracted well: what identifies it (its fingerprint and
/// the fixed words that locate a copy of it) and where each field's value stands, so that
/// later copies are read by looking only there.
///
/// Positions are fractions of the page's *frame*: everything printed on an OCR'd image (see
/// `ImageProperties.frame`), or the whole page for a text layer. A copy scanned with a margin,
/// photographed closer or further, maps onto the template by a shift and scale per axis.
public struct LearnedForm: Sendable, Hashable, Codable {
    /// A rectangle in fractions of the frame (kept at full precision, unlike `Box`'s JSON).
    public struct Area: Sendable, Hashable, Codable {
        public var x0: Double, y0: Double, x1: Double, y1: Double

        public init(x0: Double, y0: Double, x1: Double, y1: Double) {
            self.x0 = x0; self.y0 = y0; self.x1 = x1; self.y1 = y1
        }

        var centre: (x: Double, y: Double) { ((x0 + x1) / 2, (y0 + y1) / 2) }
        var height: Double { y1 - y0 }
    }

    /// Where one field's value stands: its page, the room it may take (from the value's start
    /// to the next printed thing on its line), how many lines it spans, and the height of its
    /// print (the capitals of one line, on an image; 0 for a text layer).
    public struct Region: Sendable, Hashable, Codable {
        public var page: Int
        public var area: Area
        public var lines: Int
        public var height: Double
        /// Placed by the field's label, as the form places its other values: the document it
        /// was learned from showed no value of it (nil otherwise).
        public var byLabel: Bool?
        /// The form prints furniture lighter than the value in it (grey boxes, comb marks),
        /// cleared before a copy's value is read (see `FormReader.dropFurniture`; nil: none).
        public var furniture: Bool?

        public init(page: Int, area: Area, lines: Int = 1, height: Double = 0) {
            self.page = page; self.area = area; self.lines = lines; self.height = height
        }
    }

    /// A fixed word used to locate a copy read by OCR: read again where it should stand, it
    /// says where the copy stands. Words of one `line` are read together.
    public struct Anchor: Sendable, Hashable, Codable {
        public var key: String
        public var text: String
        public var page: Int
        public var line: Int
        public var area: Area
    }

    /// The printed run of one anchor line as found without OCR (see `FormReader.inkRun`):
    /// a copy's runs, found where its frame puts them, locate it before a word is read.
    public struct InkLine: Sendable, Hashable, Codable {
        public var line: Int
        public var area: Area
    }

    public var id: String
    /// 1 for the first learning of `id`; each re-learning adds one.
    public var version: Int
    public var pipeline: String
    /// `ocr`: learned from images or scans, read by OCR of its regions; `textLayer`: learned
    /// from a PDF text layer, read from the words in its regions.
    public var origin: Page.Origin
    public var fingerprint: LayoutFingerprint
    /// Width over height of each page's frame.
    public var frameAspects: [Double]
    public var anchors: [Anchor]
    public var regions: [String: Region]
    /// The anchor lines' printed runs (nil in templates learned before they were kept).
    public var anchorInk: [InkLine]?
    /// Where the document's machine-readable zone stands, when it has one: read only when the
    /// regions' values need confirming (a number read with a look-alike repaired, say).
    public var zone: Region?
    /// Documents read with this version, and those of them that fell back to the full path.
    public var uses = 0
    public var fallbacks = 0
    /// The outcome of its latest documents, newest last: `+` read, `-` fell back.
    public var recent = ""
    /// Set when its recent documents keep falling back: it is not used, and the next document
    /// of its layout extracted well re-learns it (a new version).
    public var stale = false

    public init(
        id: String, version: Int = 0, pipeline: String, origin: Page.Origin, fingerprint: LayoutFingerprint,
        frameAspects: [Double], anchors: [Anchor], regions: [String: Region]
    ) {
        self.id = id; self.version = version; self.pipeline = pipeline; self.origin = origin
        self.fingerprint = fingerprint; self.frameAspects = frameAspects; self.anchors = anchors; self.regions = regions
    }

    /// Latest outcomes kept in `recent`, and how many of them falling back make it stale.
    static let recentWindow = 8
    static let staleFallbacks = 4
}
