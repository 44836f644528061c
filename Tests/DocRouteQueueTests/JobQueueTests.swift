import DocRoute
import DocRouteModel
import DocRouteQueue
import DocRouteTestSupport
import Foundation
import PostgresNIO
import Synchronization
import Testing

/// The queue's protocol on a real PostgreSQL server: migrations, enqueueing once, claims that
/// skip each other, leases that run out, and records written once with the job's end.
@Suite(.serialized, .tags(.queue)) struct JobQueueTests {
    @Test func migrationsApplyOnceEvenFromTwoHostsAtOnce() async throws {
        let url = try await QueueSupport.database(migrated: false)
        let applied = try await Database.withClient(try PostgresURL(url)) { client in
            let log = QueueSupport.logger
            #expect(try await Migrations.version(on: client, logger: log) == 0)
            async let a = Migrations.apply(on: client, logger: log)
            async let b = Migrations.apply(on: client, logger: log)
            let both = try await (a.map(\.version), b.map(\.version))
            #expect(try await Migrations.version(on: client, logger: log) == Migrations.latest)
            #expect(try await Migrations.apply(on: client, logger: log).isEmpty)
            return both
        }
        // Each migration was applied by exactly one of the two.
        #expect((applied.0 + applied.1).sorted() == Migrations.all.map(\.version))
    }

    @Test func aDocumentIsEnqueuedOncePerPipelineUnlessAgain() async throws {
        let dir = try QueueSupport.temporaryDirectory("enqueue")
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = try QueueSupport.document("a", in: dir), b = try QueueSupport.document("b", in: dir)
        try await QueueSupport.withQueue { queue, _ in
            let first = try await queue.enqueue(file: a.path, pipeline: "identity")
            let same = try await queue.enqueue(file: a.path, pipeline: "identity")
            #expect(first.created && !same.created && same.id == first.id)
            let other = try await queue.enqueue(file: b.path, pipeline: "identity")
            let elsewhere = try await queue.enqueue(file: a.path, pipeline: "invoice")
            let again = try await queue.enqueue(file: a.path, pipeline: "identity", again: true)
            #expect(other.created && elsewhere.created && again.created)
            #expect(Set([first.id, other.id, elsewhere.id, again.id]).count == 4)
            #expect(try await queue.counts(pipeline: "identity") == [.queued: 3])
            #expect(try await queue.counts() == [.queued: 4])
        }
    }

    @Test func aLargeFileIsEnqueuedByItsPath() async throws {
        let dir = try QueueSupport.temporaryDirectory("enqueue-path")
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = try QueueSupport.document("a", in: dir)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: a.path)[.size] as? Int)
        try await QueueSupport.withQueue { queue, _ in
            _ = try await queue.enqueue(file: a.path, pipeline: "small", inlineLimit: size)
            _ = try await queue.enqueue(file: a.path, pipeline: "large", inlineLimit: size - 1)
            let small = try #require(try await queue.claim(pipeline: "small", owner: "w", lease: .seconds(30)))
            let large = try #require(try await queue.claim(pipeline: "large", owner: "w", lease: .seconds(30)))
            #expect(small.bytes?.count == size && small.path == nil)
            #expect(large.bytes == nil && large.path == a.standardizedFileURL.path)
            #expect(small.sha256 == large.sha256 && small.name == a.path)
        }
    }

    @Test func concurrentClaimsNeverTakeTheSameJob() async throws {
        let dir = try QueueSupport.temporaryDirectory("claims")
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = try (0..<12).map { try QueueSupport.document("doc\($0)", in: dir) }
        try await QueueSupport.withQueue { queue, _ in
            for f in files { _ = try await queue.enqueue(file: f.path, pipeline: "p") }
            let claimed = try await withThrowingTaskGroup(of: Int64?.self) { group in
                for w in 0..<16 {
                    group.addTask { try await queue.claim(pipeline: "p", owner: "w\(w)", lease: .seconds(30))?.id }
                }
                var ids: [Int64] = []
                for try await id in group { if let id { ids.append(id) } }
                return ids
            }
            #expect(claimed.count == 12 && Set(claimed).count == 12)
            #expect(try await queue.claim(pipeline: "p", owner: "late", lease: .seconds(30)) == nil)
            #expect(try await queue.counts(pipeline: "p") == [.running: 12])
        }
    }

    @Test func aJobWhoseLeaseRanOutIsWrittenOnceByItsNextWorker() async throws {
        let dir = try QueueSupport.temporaryDirectory("lease")
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = try QueueSupport.document("a", in: dir)
        try await QueueSupport.withQueue { queue, _ in
            _ = try await queue.enqueue(file: a.path, pipeline: "p", maxAttempts: 3)
            let first = try #require(try await queue.claim(pipeline: "p", owner: "dies", lease: .milliseconds(300)))
            let early = try await queue.reclaim()  // not run out yet
            #expect(early.requeued.isEmpty && early.dead.isEmpty)
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await queue.reclaim().requeued == [first.id])
            let second = try #require(try await queue.claim(pipeline: "p", owner: "lives", lease: .seconds(30)))
            #expect(second.id == first.id && second.attempts == 2)
            // The first worker, back from the dead, finds its lease gone: nothing is written.
            let record = Record.failed(path: a.path, pipeline: "p", error: Record.ErrorInfo(code: "x", message: "x"))
            #expect(try await queue.finish(first, owner: "dies", records: [record]) == false)
            #expect(try await queue.results(after: 0).isEmpty)
            #expect(try await queue.finish(second, owner: "lives", records: [record, record]) == true)
            #expect(try await queue.finish(second, owner: "lives", records: [record]) == false)
            let results = try await queue.results(after: 0)
            #expect(results.map(\.job) == [first.id, first.id])
            let state = try #require(try await queue.job(first.id))
            #expect(state.state == .done && state.attempts == 2 && state.records.count == 2)
        }
    }

    @Test func aHeartbeatRenewsOnlyTheJobsInHandAndAReleaseRequeues() async throws {
        let dir = try QueueSupport.temporaryDirectory("heartbeat")
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = try (0..<3).map { try QueueSupport.document("doc\($0)", in: dir) }
        try await QueueSupport.withQueue { queue, _ in
            for f in files { _ = try await queue.enqueue(file: f.path, pipeline: "p") }
            var jobs: [Job] = []
            for _ in 0..<3 {
                jobs.append(try #require(try await queue.claim(pipeline: "p", owner: "w", lease: .milliseconds(300))))
            }
            #expect(try await queue.heartbeat(owner: "w", jobs: [jobs[0].id], lease: .seconds(30)) == 1)
            #expect(try await queue.heartbeat(owner: "other", jobs: [jobs[0].id], lease: .seconds(30)) == 0)
            try await queue.release(jobs[2], owner: "other")  // not its job: nothing happens
            try await queue.release(jobs[2], owner: "w")
            try await Task.sleep(for: .milliseconds(500))
            // The job not renewed ran out; the renewed one is still held; the released one waits.
            #expect(try await queue.reclaim().requeued == [jobs[1].id])
            #expect(try await queue.counts(pipeline: "p") == [.running: 1, .queued: 2])
        }
    }

    @Test func aFinishedJobWithACallbackURLHasOneCallbackThatSendersShare() async throws {
        let dir = try QueueSupport.temporaryDirectory("callbacks")
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = try QueueSupport.document("a", in: dir)
        let b = try QueueSupport.document("b", in: dir)
        try await QueueSupport.withQueue { queue, _ in
            let hooked = try await queue.enqueue(file: a.path, pipeline: "p", callbackURL: "http://127.0.0.1:9/hook")
            _ = try await queue.enqueue(file: b.path, pipeline: "p")
            #expect(try await queue.claimCallback(lease: .seconds(5)) == nil)  // nothing finished yet
            let record = Record.failed(path: "x", pipeline: "p", error: Record.ErrorInfo(code: "x", message: "x"))
            for _ in 0..<2 {
                let job = try #require(try await queue.claim(pipeline: "p", owner: "w", lease: .seconds(30)))
                #expect(try await queue.finish(job, owner: "w", records: [record]))
            }
            // Only the job with a URL has a callback, made as it finished.
            #expect(try await queue.callbackCounts() == ["pending": 1])
            let first = try #require(try await queue.claimCallback(lease: .milliseconds(200)))
            #expect(first.job == hooked.id && first.attempt == 1 && first.url == "http://127.0.0.1:9/hook")
            #expect(try await queue.claimCallback(lease: .seconds(5)) == nil)  // held
            // Its sender went quiet: once the hold runs out another takes it, same delivery id.
            try await Task.sleep(for: .milliseconds(300))
            let second = try #require(try await queue.claimCallback(lease: .seconds(5)))
            #expect(second.attempt == 2 && second.delivery == first.delivery)
            #expect(try await queue.settle(first, .delivered) == false)  // the late sender's word does not count
            #expect(try await queue.settle(second, .retry(after: .milliseconds(200), "HTTP 503")))
            #expect(try await queue.claimCallback(lease: .seconds(5)) == nil)  // not due yet
            try await Task.sleep(for: .milliseconds(300))
            let third = try #require(try await queue.claimCallback(lease: .seconds(5)))
            #expect(third.attempt == 3)
            #expect(try await queue.settle(third, .delivered))
            #expect(try await queue.callbackCounts() == ["delivered": 1])
        }
    }

    @Test func theLastAttemptIsGivenUpWithAnErrorRecord() async throws {
        let dir = try QueueSupport.temporaryDirectory("dead")
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = try QueueSupport.document("a", in: dir)
        try await QueueSupport.withQueue { queue, _ in
            let job = try await queue.enqueue(file: a.path, pipeline: "p", maxAttempts: 2)
            for attempt in 1...2 {
                let claimed = try #require(try await queue.claim(pipeline: "p", owner: "w", lease: .milliseconds(100)))
                #expect(claimed.attempts == attempt)
                try await Task.sleep(for: .milliseconds(250))
                let reclaimed = try await queue.reclaim()
                #expect(attempt == 1 ? reclaimed.requeued == [job.id] : reclaimed.dead == [job.id])
            }
            #expect(try await queue.claim(pipeline: "p", owner: "w", lease: .seconds(1)) == nil)
            let state = try #require(try await queue.job(job.id))
            #expect(state.state == .dead && state.records.count == 1)
            let record = try JSONDecoder().decode(Record.self, from: Data(state.records[0].utf8))
            #expect(record.status == .failed && record.errors.first?.code == "crashed")
            #expect(record.source.path == a.path && record.source.sha256 == FileHash.sha256(a.path))
        }
    }

    @Test func resultsAreReadInTheOrderTheyWereWritten() async throws {
        let dir = try QueueSupport.temporaryDirectory("results")
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = try (0..<20).map { try QueueSupport.document("doc\($0)", in: dir) }
        try await QueueSupport.withQueue { queue, _ in
            for f in files { _ = try await queue.enqueue(file: f.path, pipeline: "p") }
            // Four writers at once; a reader following along sees every record once, in id order.
            let seen = Mutex<[Int64]>([])
            let reader = Task {
                try await queue.follow(after: 0, poll: .milliseconds(50)) { r in
                    seen.withLock { $0.append(r.id) }
                    return seen.withLock { $0.count } < 20
                }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in 0..<4 {
                    group.addTask {
                        while let job = try await queue.claim(pipeline: "p", owner: "w\(w)", lease: .seconds(30)) {
                            let r = Record.failed(
                                path: job.name, pipeline: "p", error: Record.ErrorInfo(code: "x", message: "x"))
                            _ = try await queue.finish(job, owner: "w\(w)", records: [r])
                        }
                    }
                }
                try await group.waitForAll()
            }
            try await reader.value
            let ids = seen.withLock { $0 }
            #expect(ids.count == 20 && ids == ids.sorted() && Set(ids).count == 20)
            let all = try await queue.results(after: 0)
            #expect(all.map(\.id) == ids)
            #expect(try await queue.results(after: ids[9]).map(\.id) == Array(ids[10...]))
        }
    }
}
