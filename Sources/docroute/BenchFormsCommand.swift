import ArgumentParser
import DocRoute
import DocRouteModel
import Foundation

/// `docroute bench-forms DIR --pipeline …` (alias `bench-templates`): the learned-form benchmark (see
/// `FormBenchmark`); JSON on stdout.
struct BenchFormsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-forms",
        abstract:
            "Read a labelled stream by the full path and while learning forms; compare median time, F1 and LLM calls.",
        discussion:
            "Make a stream with Samples/make-identity-stream.py. Documents are read one at a time, in the truth file's order; the forms are learned into --forms FILE (default: a fresh temporary file, removed afterwards).",
        aliases: ["bench-templates"]
    )

    @Argument(help: "Folder holding the labelled stream.")
    var directory: String

    @OptionGroup var options: PipelineOptions

    @Option(help: "Truth records (default: DIR/truth.jsonl).")
    var truth: String?

    func validate() throws { try options.check() }

    func run() throws {
        let truthPath = truth ?? (directory as NSString).appendingPathComponent("truth.jsonl")
        let entries: [Evaluation.Truth]
        do { entries = try Evaluation.loadTruth(path: truthPath) } catch {
            throw ValidationError("\(truthPath): \(error)")
        }
        var withStore = options
        var temporary: URL? = nil
        if withStore.forms == nil {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
                "docroute-bench-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            temporary = dir
            withStore.forms = dir.appendingPathComponent("forms.sqlite").path
        }
        defer { if let temporary { try? FileManager.default.removeItem(at: temporary) } }
        var plain = options
        plain.forms = nil
        let bench = FormBenchmark(
            directory: directory, truth: entries, full: try plain.pipeline(), learning: try withStore.pipeline())
        let report = bench.run { FileHandle.standardError.write(Data("bench-forms: \($0)\n".utf8)) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }
}
