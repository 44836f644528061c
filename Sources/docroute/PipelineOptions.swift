import ArgumentParser
import DocRoute
import Foundation

/// Options shared by the commands that run a pipeline.
struct PipelineOptions: ParsableArguments {
    @Option(name: .long, help: "Pipeline name (looked up in ./Pipelines and DOCROUTE_PIPELINES) or path to a YAML spec.")
    var pipeline: String

    @Option(help: "Documents processed in parallel (default: extract 1, batch and eval the number of cores).")
    var jobs: Int?

    @Option(help: "Seconds allowed per document.")
    var timeout: Double = ReaderLimits.default.maxSeconds

    @Flag(help: "Deskew images and scanned pages before OCR.")
    var deskew = false

    func check() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    /// Where pipeline names are looked up: ./Pipelines, then the folders in DOCROUTE_PIPELINES
    /// (colon-separated), then the Pipelines folder beside the executable's package.
    static var searchDirectories: [String] {
        var dirs = ["Pipelines"]
        if let env = ProcessInfo.processInfo.environment["DOCROUTE_PIPELINES"] {
            dirs += env.split(separator: ":").map(String.init)
        }
        return dirs
    }

    func pipeline(jobsDefault: Int = 1) throws -> Pipeline {
        let spec: PipelineSpec
        do {
            spec = try PipelineSpec.resolve(pipeline, directories: Self.searchDirectories)
        } catch {
            throw ValidationError("\(error)")
        }
        var limits = ReaderLimits.default
        limits.maxSeconds = timeout
        let reader = DocumentReader(limits: limits, deskew: deskew, ocr: OCREnginePool(maxEngines: jobs ?? jobsDefault))
        return Pipeline(spec: spec, reader: reader)
    }
}
