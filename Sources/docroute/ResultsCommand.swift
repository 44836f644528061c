import ArgumentParser
import DocRouteQueue
import Foundation

/// `docroute results --postgres URL [--since ID] [--follow]`: the records the queue's workers
/// wrote, as JSON Lines.
struct ResultsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results",
        abstract: "Print the records written by queue workers as JSON Lines, oldest first.",
        discussion: """
            Each record carries a "queue" member: its job's id and its result id. Results are \
            numbered in the order they were written; --since N prints those after result N, so \
            a reader that stopped at N loses and repeats nothing.
            """
    )

    @OptionGroup var queue: QueueOptions

    @Option(help: "Print only results after this result id.")
    var since: Int64 = 0

    @Flag(help: "Keep printing new results as they are written (until interrupted).")
    var follow = false

    @Option(help: "Only records of this pipeline (its spec's name).")
    var pipeline: String?

    func validate() throws {
        try queue.check()
        guard since >= 0 else { throw ValidationError("--since must be zero or more") }
    }

    func run() async throws {
        let (since, follow, pipeline) = (self.since, self.follow, self.pipeline)
        try await Database.withClient(try queue.url) { client in
            let queue = JobQueue(client: client)
            if follow {
                try await queue.follow(after: since, pipeline: pipeline) { r in
                    Self.emit(r)
                    return true
                }
                return
            }
            var last = since
            while true {
                let batch = try await queue.results(after: last, pipeline: pipeline)
                for r in batch { Self.emit(r) }
                guard let end = batch.last, batch.count == 1000 else { return }
                last = end.id
            }
        }
    }

    /// The record with its place in the queue as its first member.
    static func emit(_ r: JobQueue.Result) {
        let rest = r.json.dropFirst()
        let line = "{\"queue\":{\"job\":\(r.job),\"result\":\(r.id)}" + (rest.first == "}" ? "" : ",") + rest
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
