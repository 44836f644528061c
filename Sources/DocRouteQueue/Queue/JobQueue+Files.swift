import DocRoute
import Foundation

extension JobQueue {
    /// Bytes a job holds in the database by default; a larger file is enqueued by its path.
    public static let defaultInlineLimit = 16 << 20

    /// Enqueues the file at `path` (see `enqueue(pipeline:name:input:…)`): its bytes when it has
    /// at most `inlineLimit` of them, else its absolute path, which every worker must then be
    /// able to read (shared storage). Records name it `path`, as given.
    public func enqueue(
        file path: String, pipeline: String, again: Bool = false, inlineLimit: Int = JobQueue.defaultInlineLimit,
        maxAttempts: Int = 3, callbackURL: String? = nil
    ) async throws -> Enqueued {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
            let size = (attributes[.size] as? NSNumber)?.intValue, let sha256 = FileHash.sha256(url.path)
        else {
            throw QueueError.input("\(path): cannot be read")
        }
        let input: Input
        if size <= inlineLimit {
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw QueueError.input("\(path): cannot be read")
            }
            input = .bytes(data)
        } else {
            input = .path(url.path)
        }
        return try await enqueue(
            pipeline: pipeline, name: path, input: input, sha256: sha256, again: again, maxAttempts: maxAttempts,
            callbackURL: callbackURL)
    }
}
