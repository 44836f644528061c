import ArgumentParser
import DocRoute
import DocRouteModel
import Foundation

/// `docroute bench [PATH…]`: median read time per document and page for each format, and OCR
/// scaling from one thread to several.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure median read time per document/page per format, and OCR thread scaling."
    )

    @Argument(help: "Files or folders to measure.")
    var paths: [String] = ["Samples"]

    @Option(help: "Times each file is read; the median counts.")
    var repeats: Int = 5

    @Option(help: "Threads for the OCR scaling measurement.")
    var threads: Int = 2

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let report = Benchmark(files: FileWalker.expand(paths), repeats: repeats, threads: threads).run()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }
}
