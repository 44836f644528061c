import Foundation

/// A document type as data: its fields (labels, types, patterns, checks), optional templates,
/// routing and LLM settings. Loaded from one YAML file in `Pipelines/`.
public struct PipelineSpec: Sendable {
    public var name: String
    public var description: String?
    /// Day/month order of all-numeric dates, unless a field says otherwise.
    public var dateOrder: DateOrder
    /// The decimal separator assumed for ambiguous numbers ("1,234").
    public var decimalSeparator: Character
    public var fields: [FieldSpec]
    /// Fields of `type: table`: line items, read as rows of named columns. Kept apart from
    /// `fields`, which the routing strategies fill one value each.
    public var tableFields: [TableFieldSpec] = []
    public var templates: [TemplateSpec]
    public var routing: RoutingSpec
    /// Absent: no LLM is ever called.
    public var llm: LLMSpec?
    /// Tesseract models for pages and for re-reading values.
    public var ocr: OCRSpec
    /// A document whose required field has a confidence below this gets status `needs_review`.
    public var reviewBelow: Double
    /// Maps computed confidences to measured probabilities (`confidence.calibration`); nil:
    /// confidences are reported as computed.
    public var calibration: ConfidenceCalibration?
    /// The file the spec was read from (empty for specs built in code).
    public var file: String

    public init(
        name: String, fields: [FieldSpec], templates: [TemplateSpec] = [], routing: RoutingSpec = RoutingSpec(),
        dateOrder: DateOrder = .dmy, decimalSeparator: Character = ".", llm: LLMSpec? = nil,
        reviewBelow: Double = 0.9, ocr: OCRSpec = OCRSpec(), description: String? = nil, file: String = ""
    ) {
        self.ocr = ocr
        self.name = name; self.fields = fields; self.templates = templates; self.routing = routing
        self.dateOrder = dateOrder; self.decimalSeparator = decimalSeparator; self.llm = llm
        self.reviewBelow = reviewBelow; self.description = description; self.file = file
    }
}

/// One named field of a document type and how to recognise and validate its value.
public struct FieldSpec: Sendable {
    public var name: String
    /// How the field's label is printed on documents (synonyms, other languages).
    public var labels: [String]
    public var type: FieldType
    /// A regular expression the whole value must match; the direct strategy also searches
    /// the document text for it.
    public var pattern: FieldPattern?
    public var required: Bool
    public var check: FieldCheck?
    /// For `enum` fields: each canonical value with the spellings that mean it.
    public var values: [EnumValue]
    /// Overrides the pipeline's date order for this field.
    public var dateOrder: DateOrder?
    /// What the field holds, in words (shown to an LLM).
    public var description: String?
    /// The part of a machine-readable zone that repeats this field, when documents of the type
    /// carry one: the zone's check digits then arbitrate between it and the printed value.
    public var mrz: MRZPart?
    /// For a total: what it must equal (its line items' amounts, plus other fields).
    public var sum: SumSpec?
    /// Headings of the part of the page the field lives in (`[Ship to, Lieferadresse]`): a
    /// label printed under several headings is read under one of these first.
    public var section: [String] = []
    /// Headings the value is printed right under, with no label of its own (`after: [Bill to,
    /// Rechnungsadresse]` for a customer's name): the lines below the heading in its column —
    /// the first for a text field, the block for an address. Used when no label gave a value.
    public var after: [String] = []
    /// Which printing of a label to take when it is printed several times: the first, the
    /// last (a document's final subtotal after group subtotals), the largest amount (a
    /// receipt's grand total among tax summaries and totals before tax), or nil for the best pair.
    public var occurrence: Occurrence?

    /// Where an unlabelled field is printed: `title`, the largest print in the top part of
    /// the first page (an issuer's or a shop's name in its letterhead); `first`, the first
    /// words on the first page, in reading order, that are a valid value and no other field's
    /// (an invoice's date in `Facture n°562044387 du 02 Juillet 2015`); `below_title`, the
    /// lines right under the title (a shop's address under its name). Used when no label gave
    /// a value.
    public var position: Position?

    /// Where an unlabelled field stands on the page.
    public enum Position: String, Sendable, Hashable, CaseIterable {
        case title, first
        case belowTitle = "below_title"
    }

    /// Which printing of a repeated label a field takes.
    public enum Occurrence: String, Sendable, Hashable, CaseIterable {
        case first, last, largest
    }

    public init(
        name: String, labels: [String] = [], type: FieldType = .text, pattern: FieldPattern? = nil,
        required: Bool = false, check: FieldCheck? = nil, values: [EnumValue] = [],
        dateOrder: DateOrder? = nil, description: String? = nil, mrz: MRZPart? = nil,
        sum: SumSpec? = nil, occurrence: Occurrence? = nil, position: Position? = nil
    ) {
        self.name = name; self.labels = labels; self.type = type; self.pattern = pattern
        self.required = required; self.check = check; self.values = values
        self.dateOrder = dateOrder; self.description = description; self.mrz = mrz; self.sum = sum
        self.occurrence = occurrence; self.position = position
    }
}

/// A field of `type: table`: the rows of a table (an invoice's line items) whose header names
/// its columns, each cell read and checked as a field of the column's type.
public struct TableFieldSpec: Sendable {
    public var name: String
    public var columns: [ColumnSpec]
    /// The record is `partial` when no row is found.
    public var required: Bool
    public var description: String?
    /// Each row's amount must be its quantity times its price (less a discount in percent).
    public var product: ProductCheck?
    /// The amounts of the rows must add up to one of these fields.
    public var total: TotalCheck?

    public init(
        name: String, columns: [ColumnSpec], required: Bool = false, description: String? = nil,
        product: ProductCheck? = nil, total: TotalCheck? = nil
    ) {
        self.name = name; self.columns = columns; self.required = required; self.description = description
        self.product = product; self.total = total
    }
}

/// One column of a table field: its name in the record, the header texts that name it on the
/// page, and the type of its cells (text, number, integer, money or date).
public struct ColumnSpec: Sendable, Hashable {
    public var name: String
    public var labels: [String]
    public var type: FieldType

    public init(name: String, labels: [String], type: FieldType = .text) {
        self.name = name; self.labels = labels; self.type = type
    }

    /// The types a column may have.
    public static let types: [FieldType] = [.text, .number, .integer, .money, .date]
}

/// A row's amount = quantity × price × (1 − discount / 100), by column names.
public struct ProductCheck: Sendable, Hashable {
    public var quantity: String
    public var price: String
    public var amount: String
    public var discount: String?

    public init(quantity: String, price: String, amount: String, discount: String? = nil) {
        self.quantity = quantity; self.price = price; self.amount = amount; self.discount = discount
    }
}

/// The rows' `column` adds up to one of `fields` (a net or a gross total: which one, an
/// invoice does not say).
public struct TotalCheck: Sendable, Hashable {
    public var column: String
    public var fields: [String]

    public init(column: String, fields: [String]) {
        self.column = column; self.fields = fields
    }
}

/// A total printed twice over: as itself and as the sum of the amounts in its line items'
/// column (found by `column`, its header texts) plus the fields named in `plus` (tax,
/// shipping). Declared on a money or number field as `sum: {column: [...], plus: [...]}`;
/// without `column`, the total is the sum of the `plus` fields alone (gross = net + tax).
public struct SumSpec: Sendable, Hashable {
    public var column: [String]
    public var plus: [String]

    public init(column: [String], plus: [String] = []) {
        self.column = column; self.plus = plus
    }
}

/// The kinds of value a field can hold; each has its own normalisation.
public enum FieldType: String, Sendable, CaseIterable {
    /// Text as printed (whitespace collapsed).
    case text
    /// A calendar date, normalised to ISO 8601.
    case date
    /// A decimal number.
    case number
    /// A whole number.
    case integer
    /// A decimal amount, with its currency when printed.
    case money
    /// One of a fixed set of values, each with synonyms.
    case `enum`
    /// An ICAO 9303 machine-readable zone (2 or 3 lines).
    case mrz
    /// A reference such as an invoice or order number: one token holding a digit (a leading
    /// `#`, `N°`, `No.` or `Nr.` dropped), or whatever `pattern` says. Never a sentence.
    case identifier
    /// An e-mail address.
    case email
    /// A web address (`https://…`, `www.…`, or a host name such as `aws.amazon.com`).
    case url
    /// A telephone number: digits with the usual separators, 6 to 15 digits, a leading `+`.
    case phone
    /// An ISO 4217 currency code, from a code (`EUR`), a symbol (`€`, `$`, `£`, `₹`) or a
    /// name (`Euro`); a money field's currency fills it when no label does.
    case currency
    /// A postal address: several lines as printed (joined by newlines).
    case address
}

/// Check-digit validation a field can ask for.
public enum FieldCheck: String, Sendable, CaseIterable {
    /// ICAO 9303: every check digit of a machine-readable zone, or a document number printed
    /// with its check digit as the last character.
    case icao9303
    /// ISO 13616 IBAN, mod 97.
    case iban
    /// The Luhn mod 10 check.
    case luhn
    /// A three-letter country code (ISO 3166-1 alpha-3, or ICAO 9303's for nationalities):
    /// a misread code (`IOR` for `NOR`) is refused.
    case country
}

/// A canonical enum value and the spellings that mean it ("F": "Female", "W", "Weiblich").
public struct EnumValue: Sendable, Hashable {
    public var value: String
    public var synonyms: [String]

    public init(_ value: String, synonyms: [String] = []) {
        self.value = value; self.synonyms = synonyms
    }
}

/// A field's regular expression, compiled once. `NSRegularExpression` is immutable and safe
/// to share between threads.
public struct FieldPattern: @unchecked Sendable {
    public let source: String
    /// Matches the whole value.
    let anchored: NSRegularExpression
    /// Finds the pattern inside text, not inside a longer word.
    package let searching: NSRegularExpression

    public init(_ source: String) throws {
        self.source = source
        anchored = try NSRegularExpression(pattern: "^(?:\(source))$")
        searching = try NSRegularExpression(pattern: "(?<![\\p{L}\\p{N}])(?:\(source))(?![\\p{L}\\p{N}])")
        alphabet = Self.alphabet(of: source)
    }

    /// Every character a value matching the pattern can hold, when the pattern is only
    /// literals, ASCII character classes (`[A-Z0-9]`, `\d`) and quantifiers; nil otherwise
    /// (groups, alternation, `.`, negated classes). OCR re-reads use it as a whitelist.
    public let alphabet: String?

    static func alphabet(of pattern: String) -> String? {
        var chars = Set<Character>()
        var it = Array(pattern)[...]
        func escaped(_ c: Character) -> [Character]? {
            switch c {
            case "d": return Array("0123456789")
            case ".", "-", "/", "+", "(", ")", "[", "]", "{", "}", "\\", "*", "?", " ", ":", "#": return [c]
            default: return nil
            }
        }
        while let c = it.popFirst() {
            switch c {
            case "\\":
                guard let e = it.popFirst(), let cs = escaped(e) else { return nil }
                chars.formUnion(cs)
            case "[":
                var members: [Character] = []
                var closed = false
                if it.first == "^" { return nil }
                while let m = it.popFirst() {
                    if m == "]" { closed = true; break }
                    if m == "\\" {
                        guard let e = it.popFirst(), let cs = escaped(e) else { return nil }
                        members += cs
                    } else if m == "-", let last = members.last, let next = it.first, next != "]" {
                        it.removeFirst()
                        guard let lo = last.asciiValue, let hi = next.asciiValue, lo <= hi else { return nil }
                        members += (lo...hi).map { Character(UnicodeScalar($0)) }
                    } else {
                        members.append(m)
                    }
                }
                guard closed else { return nil }
                chars.formUnion(members)
            case "{":
                while let q = it.popFirst(), q != "}" { guard q.isNumber || q == "," else { return nil } }
            case "?", "*", "+": continue
            case "(", ")", "|", ".", "^", "$": return nil
            default: chars.insert(c)
            }
        }
        guard !chars.isEmpty, chars.allSatisfy(\.isASCII) else { return nil }
        return String(chars.sorted())
    }

    public func matchesWhole(_ s: String) -> Bool {
        anchored.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }
}

/// Which Tesseract models read a pipeline's documents.
///
/// The page model finds every word and where it stands; it should be fast (Debian's `eng`).
/// The values model, when set, re-reads the value of each `text` field from its own box in
/// single-line mode: a bigger model that knows accents (Debian's `Latin` script model reads
/// KRAKÓW and MÜLLER where `eng` reads KRAKOW and MULLER) then costs a few small crops per
/// document instead of a whole page at twice the time. Values that fail validation are
/// re-read whether or not a values model is set (with it, or else with the page model).
public struct OCRSpec: Sendable, Hashable {
    /// Tesseract language(s) for whole pages, e.g. `eng` or `eng+fra`.
    public var page: String
    /// Tesseract language(s) for re-reading text values; nil: no re-read of valid values.
    public var values: String?

    public init(page: String = "eng", values: String? = nil) {
        self.page = page; self.values = values
    }
}

/// Fixed text of a known layout with `{{field}}` placeholders, for the replacement strategy.
public struct TemplateSpec: Sendable {
    public var id: String
    public var text: String
    /// Formats the template applies to (empty: all).
    public var formats: [DocumentFormat]

    public init(id: String, text: String, formats: [DocumentFormat] = []) {
        self.id = id; self.text = text; self.formats = formats
    }
}

/// The three ways a field can be filled, cheapest first.
public enum StrategyName: String, Sendable, Codable, CaseIterable, Hashable {
    case table, replacement, direct
    /// Not a routing strategy: the value was taken from a machine-readable zone whose check
    /// digits verify, over a printed value that was missing or disagreed (see `MRZCrossCheck`).
    case mrz
    /// Not a routing strategy: a total computed from its line items (and the fields a `sum`
    /// adds), where the printed total was missing or invalid.
    case sum

    /// The strategies a routing order may list.
    public static var allCases: [StrategyName] { [.table, .replacement, .direct] }
}

/// Strategy order: one default and overrides by kind of document.
public struct RoutingSpec: Sendable {
    /// Used for every document whose kind has no override; nil: DocRoute's format-aware default.
    public var order: [StrategyName]?
    /// Overrides keyed by document kind: `docx`, `xlsx`, `pdf` (text layer), `scanned`
    /// (PDF without text layer), `image` (any image), or an image format (`png`, `jpeg`, `tiff`).
    public var byKind: [String: [StrategyName]]

    public init(order: [StrategyName]? = nil, byKind: [String: [StrategyName]] = [:]) {
        self.order = order; self.byKind = byKind
    }

    static let kinds = Set(DocumentKind.allCases.map(\.rawValue) + ["image"])
}

/// The optional LLM backend of a pipeline (used by the LLM strategies).
public struct LLMSpec: Sendable, Hashable {
    /// Base URL of an OpenAI-compatible API, e.g. `http://127.0.0.1:8080/v1`.
    public var url: String
    public var model: String
    /// Name of the environment variable holding the API key (never the key itself).
    public var apiKeyEnv: String?
    public var timeoutSeconds: Double
    public var maxConcurrency: Int
    public var retries: Int
    public var mode: Mode
    /// Prompt tokens of document text one call may show (`max_prompt_tokens`; see
    /// `LLMStrategy.scope`). The default, 256, keeps a 0.5B model on one CPU thread near 2 s.
    public var maxPromptTokens: Int

    /// How the model gives values (see `LLMStrategy`).
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        /// The model names numbered spans; values are copied from them verbatim.
        case spans
        /// The model fills a JSON schema with the values as printed.
        case schema
    }

    public init(
        url: String, model: String, apiKeyEnv: String? = nil, timeoutSeconds: Double = 60,
        maxConcurrency: Int = 2, retries: Int = 2, mode: Mode = .spans, maxPromptTokens: Int = 256
    ) {
        self.url = url; self.model = model; self.apiKeyEnv = apiKeyEnv
        self.timeoutSeconds = timeoutSeconds; self.maxConcurrency = maxConcurrency; self.retries = retries
        self.mode = mode; self.maxPromptTokens = maxPromptTokens
    }
}
