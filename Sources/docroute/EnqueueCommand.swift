import ArgumentParser
import DocRoute
import DocRouteModel
import DocRouteQueue
import Foundation

/// `docroute enqueue PATHS --pipeline P --postgres URL`: puts documents in the job queue for
/// `docroute worker` hosts to read.
struct EnqueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue",
        abstract: "Put documents in the PostgreSQL job queue; prints a JSON line per file (job id, whether new).",
        discussion: """
            A document already enqueued for the pipeline (same content, same pipeline) is not \
            enqueued again unless --again is given. Files up to --inline-mb are held in the \
            database; larger ones by their absolute path, which every worker must be able to read.
            """
    )

    @Argument(help: "Files or folders (hidden files and data files such as a truth.jsonl skipped, as by batch).")
    var paths: [String]

    @Flag(help: "Walk subfolders too.")
    var recursive = false

    @Option(help: "Pipeline name (looked up in ./Pipelines and DOCROUTE_PIPELINES) or path to a YAML spec.")
    var pipeline: String

    @OptionGroup var queue: QueueOptions

    @Flag(help: "Enqueue documents even if the same content was enqueued for the pipeline before.")
    var again = false

    @Option(name: .customLong("inline-mb"), help: "Largest file held in the database, in MiB; larger go by path.")
    var inlineMB: Int = JobQueue.defaultInlineLimit >> 20

    @Option(
        name: .customLong("max-attempts"), help: "Claims of a job before it is given up (its worker died each time).")
    var maxAttempts = 3

    func validate() throws {
        try queue.check()
        guard inlineMB >= 0 else { throw ValidationError("--inline-mb must be zero or more") }
        guard maxAttempts >= 1 else { throw ValidationError("--max-attempts must be at least 1") }
    }

    func run() async throws {
        let spec: PipelineSpec
        do {
            spec = try PipelineSpec.resolve(pipeline, directories: PipelineOptions.searchDirectories)
        } catch {
            throw ValidationError("\(error)")
        }
        let (files, skipped) = FileWalker.inputs(paths, recursive: recursive)
        let (again, inline, attempts) = (self.again, inlineMB << 20, maxAttempts)
        let (created, failed) = try await Database.withClient(try queue.url) { client in
            let queue = JobQueue(client: client)
            var created = 0, failed = 0
            for file in files {
                do {
                    let job = try await queue.enqueue(
                        file: file, pipeline: spec.name, again: again, inlineLimit: inline, maxAttempts: attempts)
                    if job.created { created += 1 }
                    print(Self.line(Line(path: file, job: job.id, enqueued: job.created)))
                } catch let error as QueueError {
                    failed += 1
                    print(Self.line(Line(path: file, error: error.description)))
                }
            }
            return (created, failed)
        }
        FileHandle.standardError.write(
            Data(
                "enqueue: \(files.count) files, \(created) enqueued, \(files.count - created - failed) already there, \(failed) not readable, \(skipped.count) data files skipped\n"
                    .utf8))
        if failed > 0 { throw ExitCode(1) }
    }

    /// What is printed for one file.
    struct Line: Encodable {
        var path: String
        var job: Int64? = nil
        var enqueued: Bool? = nil
        var error: String? = nil
    }

    static func line(_ line: Line) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(line)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
