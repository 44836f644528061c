import DocRouteModel

extension Record {
    /// The one record of a document that gave none of its own (unreadable, crashed, set
    /// aside): `failed`, not read, with its typed error.
    public static func failed(
        path: String, sha256: String? = nil, pipeline: String, error: ErrorInfo,
        timings: Timings = Timings()
    ) -> Record {
        Record(
            source: Source(path: path, sha256: sha256), pipeline: pipeline, status: .failed, fields: [:],
            route: Route(order: [], strategies: [], reason: "not read"), timingsMs: timings, errors: [error],
            versions: VersionInfo(docroute: Versions.docroute, tesseract: nil, llmModel: nil))
    }
}
