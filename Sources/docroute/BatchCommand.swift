import ArgumentParser
import DocRoute
import Foundation

/// `docroute batch DIR --pipeline …`: every document of a folder through a pipeline, in
/// parallel; records to stdout or a JSON Lines file, progress and a summary on stderr.
struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Run a pipeline over every document of a folder; exit status 1 when any document failed."
    )

    @Argument(help: "Folder of documents (files may be given too).")
    var paths: [String]

    @OptionGroup var options: PipelineOptions

    @Option(help: "Write records to this JSON Lines file (atomically, when the batch ends) instead of stdout.")
    var out: String?

    @Flag(help: "Walk subfolders too.")
    var recursive = false

    @Flag(help: "No progress bar or per-document log lines on stderr.")
    var quiet = false

    func validate() throws {
        try options.check()
        if let out, FileManager.default.fileExists(atPath: out),
           (try? FileManager.default.attributesOfItem(atPath: out)[.type] as? FileAttributeType) == .typeDirectory {
            throw ValidationError("--out names a folder; give a file path")
        }
    }

    func run() throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let pipeline = try options.pipeline(jobsDefault: options.jobs ?? cores)
        let files = FileWalker.expand(paths, recursive: recursive)
        let progress = Progress(total: files.count, enabled: !quiet)
        var summary = BatchSummary()
        var lines = ""
        let start = Date()
        BatchRunner(pipeline: pipeline, jobs: options.jobs ?? cores).run(files) { _, records in
            summary.add(records)
            let text = records.map { $0.json() }.joined(separator: "\n") + "\n"
            if out == nil { FileHandle.standardOutput.write(Data(text.utf8)) } else { lines += text }
            progress.update(done: summary.documents, records: records, summary: summary)
        }
        summary.seconds = Date().timeIntervalSince(start)
        progress.finish()
        if let out {
            do {
                try Data(lines.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
            } catch {
                throw ValidationError("cannot write \(out): \(error.localizedDescription)")
            }
        }
        FileHandle.standardError.write(Data((summary.text + "\n").utf8))
        if summary.failed > 0 { throw ExitCode(1) }
    }
}

/// A progress bar on a terminal; one log line per document otherwise.
final class Progress {
    let total: Int
    let enabled: Bool
    let tty: Bool

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled
        tty = isatty(STDERR_FILENO) == 1
    }

    func update(done: Int, records: [Record], summary: BatchSummary) {
        guard enabled else { return }
        if tty {
            let width = 30
            let filled = total == 0 ? width : width * done / total
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            let counts = ["ok", "partial", "needs_review", "failed"].map { "\(summary.byStatus[$0] ?? 0)" }.joined(separator: "/")
            FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total) ok/partial/review/failed \(counts)".utf8))
        } else if let r = records.first {
            let message = r.errors.first.map { " \($0.code): \($0.message)" } ?? ""
            let line = String(format: "docroute: %d/%d %@ %@ %.0f ms%@\n", done, total, r.source.path as NSString,
                              r.status.rawValue as NSString, r.timingsMs.total, message as NSString)
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    func finish() {
        if enabled && tty { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
