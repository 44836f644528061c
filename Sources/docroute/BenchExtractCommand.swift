import ArgumentParser
import DocRoute
import DocRouteModel
import Foundation

/// `docroute bench-extract PATH… --pipeline P`: median extraction time per page once a
/// document is read, with the pipeline's table fields and without them.
struct BenchExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-extract",
        abstract: "Measure median extraction time per page, with and without the pipeline's table fields."
    )

    @Argument(help: "Files or folders to measure.")
    var paths: [String]

    @OptionGroup var options: PipelineOptions

    @Option(help: "Times each document is extracted; the median counts.")
    var repeats: Int = 20

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
    }

    func run() throws {
        let pipeline = try options.pipeline(jobsDefault: 1)
        let report = ExtractBenchmark(files: FileWalker.expand(paths), spec: pipeline.spec, repeats: repeats).run()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }
}
