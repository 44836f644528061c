import ArgumentParser
import DocRoute
import DocRouteModel

/// The `docroute` command line: thin commands over the DocRoute library.
@main
struct DocRouteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docroute",
        abstract: "Extract named fields from copy-heavy documents (PDF, DOCX, XLSX, PNG, JPEG, TIFF).",
        version: Versions.docroute,
        subcommands: [
            ExtractCommand.self, BatchCommand.self, EvalCommand.self, InspectCommand.self, BenchCommand.self,
            WatchCommand.self, FormsCommand.self, BenchFormsCommand.self, FitConfidenceCommand.self,
            WorkerCommand.self, EvalTablesCommand.self, BenchExtractCommand.self, DBCommand.self, EnqueueCommand.self,
            ResultsCommand.self, ServeCommand.self,
        ]
    )
}
