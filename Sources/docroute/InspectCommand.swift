import ArgumentParser
import DocRoute
import DocRouteModel
import DocRouteReaders
import Foundation

/// `docroute inspect FILE…`: the detected format and document model of each file, as JSON.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract:
            "Print each file's detected format and document model (or its typed error) as JSON, one object per line."
    )

    @Argument(help: "Files or folders (folders are walked recursively, hidden files skipped).")
    var paths: [String]

    @Flag(help: "Indent the JSON.")
    var pretty = false

    @Flag(
        help:
            "Print each document's visual lines as text (column segments separated by ' | ') instead of JSON: what the label strategies see."
    )
    var lines = false

    @Flag(
        name: .customLong("no-preprocess"),
        help:
            "Give Tesseract images as they are: no upscaling, background or contrast correction, despeckling or deskewing (by default each runs when the image needs it)."
    )
    var noPreprocess = false

    @Option(help: "Seconds allowed per document.")
    var timeout: Double = ReaderLimits.default.maxSeconds

    @Option(help: "Documents read in parallel.")
    var jobs: Int = 1

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        var limits = ReaderLimits.default
        limits.maxSeconds = timeout
        let reader = DocumentReader(limits: limits, preprocess: !noPreprocess, ocr: OCREnginePool(maxEngines: jobs))
        let files = FileWalker.expand(paths)
        // A file that cannot be read is a JSON error object, not a failed command: the exit
        // status is 0 once every file has been reported.
        for report in InspectRunner(reader: reader, jobs: jobs).run(files) {
            if lines {
                print("=== \(report.path)")
                print(report.document?.layoutText ?? "(\(report.error?.code ?? "no document"))")
            } else {
                print(report.json(pretty: pretty))
            }
        }
    }
}
