import DocRouteQueue
import DocRouteTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `docroute serve --postgres`: jobs through the PostgreSQL queue, read by `docroute worker`,
/// their callbacks sent by the server from the queue's table.
@Suite(.serialized, .tags(.endToEnd, .queue)) struct QueueServeTests {
    @Test func jobsOutliveTheServerAndEachCallbackComesOnce() async throws {
        let database = try await TestPostgres.database()
        let receiver = try await CallbackReceiver.start(secret: JobsTests.secret)
        defer { receiver.stop() }
        let secret = try JobsTests.secretFile()
        defer { try? FileManager.default.removeItem(at: secret) }
        let arguments = [
            "--pipeline", ServeTests.pipeline, "--postgres", database, "--rate", "0", "--callback-secret-file",
            secret.path, "--callback-delay", "0.2",
        ]
        // A hundred jobs taken while no worker runs; the server stops with them queued.
        var server = try ServeTests.Server(arguments)
        let ids = try await CallbackReceiver.submit(100, to: server.url, hook: receiver.url)
        let queued = try await ServeTests.send(server.url + "/v1/jobs/\(ids[0])")
        #expect(queued.json?["state"] as? String == "queued")
        server.stop()
        // A worker reads them with no server up; their callbacks wait in the queue.
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("worker-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let worker = try Child(
            ["worker", "--postgres", database, "--pipeline", ServeTests.pipeline, "--jobs", "2"], log: log)
        defer {
            worker.signal(SIGTERM)
            _ = worker.wait(timeout: 30)
        }
        let counts = try await Database.withClient(try PostgresURL(database)) { client in
            let queue = JobQueue(client: client)
            let end = Date().addingTimeInterval(120)
            while try await queue.counts()[.done, default: 0] < 100, Date() < end {
                try await Task.sleep(for: .milliseconds(200))
            }
            return (jobs: try await queue.counts(), callbacks: try await queue.callbackCounts())
        }
        #expect(counts.jobs == [.done: 100])
        #expect(counts.callbacks == ["pending": 100])
        #expect(await receiver.inbox.taken.isEmpty)
        // A server started again sends them: each once, signed, as GET /v1/jobs/{id} answers.
        server = try ServeTests.Server(arguments)
        defer { server.stop() }
        try await receiver.expectEachOnce(ids, server: server.url)
        let settled = try await Database.withClient(try PostgresURL(database)) { client in
            try await JobQueue(client: client).callbackCounts()
        }
        #expect(settled == ["delivered": 100])
        let metrics = try await ServeTests.send(server.url + "/metrics").text
        #expect(metrics.contains("docroute_callbacks_total{outcome=\"delivered\"} 100"), "\(metrics)")
    }
}
