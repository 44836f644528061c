import Foundation
import PostgresNIO

extension JobQueue {
    /// Hands `each` every result written after result `id`, in order, and then each new one as
    /// it is written (woken by `NOTIFY docroute_results`, else every `poll`), until cancelled or
    /// `each` returns false.
    public func follow(
        after id: Int64, pipeline: String? = nil, poll: Duration = .seconds(1),
        _ each: @Sendable (Result) async throws -> Bool
    ) async throws {
        let bell = Bell()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await listen(on: "docroute_results", retry: poll) { _ in bell.ring() } }
            defer { group.cancelAll() }
            var last = id
            while !Task.isCancelled {
                let rung = bell.count
                let batch = try await results(after: last, pipeline: pipeline)
                for r in batch {
                    guard try await each(r) else { return }
                    last = r.id
                }
                if batch.count < 1000 { await bell.wait(after: rung, upTo: poll, unless: { false }) }
            }
        }
    }

    /// Hands `each` the payload of every notification on `channel` (`LISTEN`), until cancelled;
    /// a lost connection is opened again after `retry`.
    package func listen(on channel: String, retry: Duration, _ each: @Sendable @escaping (String) -> Void) async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: channel) { notifications in
                        for try await n in notifications { each(n.payload) }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.debug("LISTEN \(channel) ended: \(String(reflecting: error))")
            }
            try? await Task.sleep(for: retry)
        }
    }
}
