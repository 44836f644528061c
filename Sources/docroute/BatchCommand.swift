import ArgumentParser
import DocRoute
import DocRouteModel
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

    @Option(
        help:
            "Append records to this JSON Lines file as each document is done (in input order) instead of printing them."
    )
    var out: String?

    @Flag(
        help:
            "With --out: keep the file's records and skip the inputs (by SHA-256) it already holds, so a killed batch run again gives every document one record."
    )
    var resume = false

    @Flag(help: "Walk subfolders too.")
    var recursive = false

    @Flag(help: "No progress bar or per-document log lines on stderr.")
    var quiet = false

    func validate() throws {
        try options.check()
        if let out, FileManager.default.fileExists(atPath: out),
            (try? FileManager.default.attributesOfItem(atPath: out)[.type] as? FileAttributeType) == .typeDirectory
        {
            throw ValidationError("--out names a folder; give a file path")
        }
        if resume && out == nil { throw ValidationError("--resume needs --out") }
    }

    func run() throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let pipeline = try options.processor(jobsDefault: options.jobs ?? cores)
        // The output is opened before any work, so an unwritable path costs nothing.
        let file: RecordsFile?
        do { file = try out.map { try RecordsFile(path: $0, resume: resume) } } catch {
            throw ValidationError("--out: \(error)")
        }
        var (files, skipped) = FileWalker.inputs(paths, recursive: recursive)
        if !skipped.isEmpty && !quiet {
            // Data files beside the documents (a truth.jsonl, a pipeline spec) are not inputs.
            let names = skipped.prefix(3).map { Progress.escaped(($0 as NSString).lastPathComponent) }.joined(
                separator: ", ")
            FileHandle.standardError.write(
                Data(
                    "docroute: skipped \(skipped.count) data file(s) in the folders (\(names)\(skipped.count > 3 ? ", …" : "")): not documents; name them to read them\n"
                        .utf8))
        }
        if let out {
            // The output is never an input, even inside a walked folder.
            let target = URL(fileURLWithPath: out).standardizedFileURL.resolvingSymlinksInPath().path
            files.removeAll { URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath().path == target }
        }
        // Documents recorded by an earlier run are skipped; their failures still count in the
        // exit status, which speaks for the whole output.
        var keptFailures = 0
        if let file, !file.recorded.isEmpty {
            let before = files.count
            files.removeAll { path in
                guard let failed = file.held(path) else { return false }
                if failed { keptFailures += 1 }
                return true
            }
            FileHandle.standardError.write(
                Data(
                    "docroute: \(before - files.count) documents already in \(file.path) (\(keptFailures) failed); skipped\n"
                        .utf8))
        }
        let progress = Progress(total: files.count, enabled: !quiet)
        var summary = BatchSummary()
        var failure: Error? = nil
        let start = Date()
        BatchRunner(pipeline: pipeline, jobs: options.jobs ?? cores).run(files) { _, records in
            summary.add(records)
            if let file {
                do { try file.append(records) } catch { failure = failure ?? error }
            } else {
                FileHandle.standardOutput.write(Data((records.map { $0.json() }.joined(separator: "\n") + "\n").utf8))
            }
            progress.update(done: summary.documents, records: records, summary: summary)
        }
        summary.seconds = Date().timeIntervalSince(start)
        progress.finish()
        if let failure { throw ValidationError("cannot write \(out ?? ""): \(failure)") }
        FileHandle.standardError.write(Data((summary.text + "\n").utf8))
        if let pool = pipeline as? WorkerPool, !quiet {
            FileHandle.standardError.write(Data((pool.stats.text + "\n").utf8))
        }
        if summary.failed > 0 || keptFailures > 0 { throw ExitCode(1) }
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
            let counts = ["ok", "partial", "needs_review", "failed"].map { "\(summary.byStatus[$0] ?? 0)" }.joined(
                separator: "/")
            FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total) ok/partial/review/failed \(counts)".utf8))
        } else if let r = records.first {
            let message = r.errors.first.map { " \($0.code): \($0.message)" } ?? ""
            let line = String(
                format: "docroute: %d/%d %@ %@ %.0f ms%@\n", done, total, Self.escaped(r.source.path) as NSString,
                r.status.rawValue as NSString, r.timingsMs.total, Self.escaped(message) as NSString)
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// `text` with control characters written as escapes (`\n`, `\u{1b}`), so a file name
    /// cannot break or forge a log line.
    static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control {
                out +=
                    scalar == "\n"
                    ? "\\n"
                    : scalar == "\t" ? "\\t" : scalar == "\r" ? "\\r" : "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    func finish() {
        if enabled && tty { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
