import ArgumentParser
import DocRoute
import DocRouteModel
import Foundation

/// `docroute extract FILE… --pipeline NAME|PATH`: one JSON record per document (or register
/// row) on stdout, as JSON Lines.
struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Extract a pipeline's fields from files; one JSON record per line on stdout."
    )

    @Argument(help: "Files or folders (folders are walked recursively, hidden files skipped).")
    var paths: [String]

    @OptionGroup var options: PipelineOptions

    @Flag(help: "Indent the JSON (one record per block instead of per line).")
    var pretty = false

    func validate() throws { try options.check() }

    func run() throws {
        let pipeline = try options.processor()
        let files = FileWalker.expand(paths)
        var failed = false
        let runner = BatchRunner(pipeline: pipeline, jobs: options.jobs ?? 1)
        runner.run(files) { _, records in
            for r in records {
                if r.status == .failed { failed = true }
                FileHandle.standardOutput.write(Data((r.json(pretty: pretty) + "\n").utf8))
            }
        }
        if failed { throw ExitCode(1) }
    }
}
