import CLibXML2
import DocRouteModel
import DocRouteReaders
import Foundation

/// What `docroute inspect` prints for one file: its detected format and document model, or
/// the typed error that reading it gave.
public struct InspectReport: Sendable, Encodable {
    /// A typed error as it appears in JSON output.
    public struct ErrorInfo: Sendable, Encodable, Hashable {
        public var code: String
        public var message: String

        public init(_ error: DocRouteError) {
            code = error.code
            message = error.description
        }

        init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }

    public var path: String
    public var format: DocumentFormat?
    public var document: Document?
    public var error: ErrorInfo?
    public var timingsMs: Double

    /// Reads `path` with `reader` and reports the outcome; never throws.
    public init(path: String, reader: DocumentReader) {
        self.path = path
        let start = Date()
        do {
            let doc = try reader.read(path: path)
            document = doc
            format = doc.source.format
        } catch {
            self.error = ErrorInfo(error)
        }
        timingsMs = (Date().timeIntervalSince(start) * 1000).rounded(toPlaces: 3)
    }

    enum CodingKeys: String, CodingKey {
        case path, format, document, error, timingsMs = "read_ms"
    }

    /// The report as one line of JSON (or indented, when `pretty`).
    public func json(pretty: Bool = false) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        // A broken file can carry NaN or infinite coordinates; they must not lose the record.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        if let data = try? encoder.encode(self) { return String(decoding: data, as: UTF8.self) }
        // Never an empty line: the path and an encoding error still make one record.
        var fallback = InspectReport(
            path: path, error: ErrorInfo(code: "encoding", message: "the document model could not be encoded as JSON"))
        fallback.timingsMs = timingsMs
        return (try? encoder.encode(fallback)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    private init(path: String, error: ErrorInfo) {
        self.path = path
        self.error = error
        self.timingsMs = 0
    }
}
