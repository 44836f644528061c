import Foundation

/// Where an async job stands, as `GET /v1/jobs/{id}` answers and a callback sends it: its
/// state (`queued`, `running`, `done`, `dead`) and, once finished, its records.
public struct JobStatus: Sendable, Hashable {
    public var id: String
    public var state: String
    public var pipeline: String
    public var name: String
    public var attempts: Int
    /// Each record as JSON, in order; empty until the job is finished.
    public var records: [String]

    public init(id: String, state: String, pipeline: String, name: String, attempts: Int = 0, records: [String] = []) {
        self.id = id; self.state = state; self.pipeline = pipeline; self.name = name
        self.attempts = attempts; self.records = records
    }

    struct Head: Encodable {
        var id: String
        var state: String
        var pipeline: String
        var name: String
        var attempts: Int
    }

    /// `{"id", "state", "pipeline", "name", "attempts", "records": [...]}`, the records as
    /// `docroute extract` prints them.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let head = Head(id: id, state: state, pipeline: pipeline, name: name, attempts: attempts)
        let text = (try? encoder.encode(head)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return text.dropLast() + ",\"records\":[" + records.joined(separator: ",") + "]}"
    }
}
