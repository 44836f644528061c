import DocRoute
import DocRouteModel
import Hummingbird

/// The pipelines a server runs, by their spec's name, each through its own processor (worker
/// processes). The first is the default for a request that names none.
public struct Pipelines: Sendable {
    public let processors: [String: any DocumentProcessor]
    public let names: [String]

    public init(_ processors: [any DocumentProcessor]) {
        var byName: [String: any DocumentProcessor] = [:]
        var names: [String] = []
        for p in processors where byName[p.spec.name] == nil {
            byName[p.spec.name] = p
            names.append(p.spec.name)
        }
        self.processors = byName
        self.names = names
    }

    /// The processor of pipeline `name` (the default when nil); 404 `unknown_pipeline` otherwise.
    func processor(_ name: String?) throws -> any DocumentProcessor {
        guard let name = name ?? names.first, let p = processors[name] else {
            throw APIError(
                .notFound, code: "unknown_pipeline",
                "no pipeline named \(name ?? "") here; GET /v1/pipelines lists them")
        }
        return p
    }

    /// The name of pipeline `name` (the default when nil); 404 `unknown_pipeline` as `processor`.
    func name(_ name: String?) throws -> String { try processor(name).spec.name }
}
