import DocRouteModel
import Foundation

extension Record {
    /// The record as one line of JSON with sorted keys (or indented, when `pretty`); never empty.
    public func json(pretty: Bool = false) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        if let data = try? encoder.encode(self) { return String(decoding: data, as: UTF8.self) }
        var fallback = Record(
            source: Source(path: source.path), pipeline: pipeline, status: .failed, fields: [:],
            route: Route(order: [], strategies: [], reason: ""), timingsMs: timingsMs,
            errors: [ErrorInfo(code: "encoding", message: "the record could not be encoded as JSON")],
            versions: versions)
        fallback.warnings = []
        return (try? encoder.encode(fallback)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
