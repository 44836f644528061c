import DocRoute
import DocRouteModel
import DocRouteQueue
import DocRouteTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// `docroute db migrate`, `enqueue`, `worker` and `results` as a user runs them, on a real
/// PostgreSQL server: every job gets its records once, whatever happens to the workers.
@Suite(.serialized, .tags(.queue, .endToEnd)) struct QueueWorkerTests {
    static let pipeline = Support.packageRoot.appendingPathComponent("Pipelines/identity.yaml").path

    /// Runs the binary; fails the test on a non-zero exit.
    static func run(_ arguments: [String]) throws -> String {
        let r = try Support.runBinary(Support.binary, arguments, timeout: 120)
        #expect(r.status == 0, "\(arguments): \(r.stderr)")
        return r.stdout
    }

    static func lines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    static func counts(_ url: String) async throws -> [JobState: Int] {
        try await Database.withClient(try PostgresURL(url)) { try await JobQueue(client: $0).counts() }
    }

    /// Waits until no job is queued or running; false after `timeout` seconds.
    static func settled(_ url: String, timeout: Double, while tick: () async throws -> Void = {}) async throws -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            let c = try await counts(url)
            if (c[.queued] ?? 0) + (c[.running] ?? 0) == 0 { return true }
            try await tick()
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    @Test func jobsAreWrittenOnceAndOnlyACrashIsGivenUp() async throws {
        let dir = try QueueSupport.temporaryDirectory("queue-worker")
        defer { try? FileManager.default.removeItem(at: dir) }
        let inbox = dir.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        for i in 0..<5 { _ = try QueueSupport.document("good\(i)", in: inbox) }
        _ = try QueueSupport.document("crash", in: inbox)
        try Data("%PDF-1.7\nnot really\n".utf8).write(to: inbox.appendingPathComponent("broken.pdf"))
        let url = try await QueueSupport.database(migrated: false)
        #expect(try Self.run(["db", "migrate", "--postgres", url]).contains("applied 1"))
        #expect(try Self.run(["db", "migrate", "--postgres", url]).contains("up to date"))
        let enqueued = try Self.lines(
            Self.run(["enqueue", inbox.path, "--pipeline", Self.pipeline, "--postgres", url]))
        #expect(enqueued.count == 7 && enqueued.allSatisfy { $0["enqueued"] as? Bool == true })
        let twice = try Self.lines(Self.run(["enqueue", inbox.path, "--pipeline", Self.pipeline, "--postgres", url]))
        #expect(twice.count == 7 && twice.allSatisfy { $0["enqueued"] as? Bool == false })

        let workers = try (0..<2).map { n in
            try Child(
                ["worker", "--postgres", url, "--pipeline", Self.pipeline, "--jobs", "1", "--lease", "5"]
                    + (n == 0 ? ["--health-port", "0"] : []),
                log: dir.appendingPathComponent("worker\(n).log"),
                environment: ["DOCROUTE_TEST_FAULTS": "crash=crash.pdf"])
        }
        let done = try await Self.settled(url, timeout: 120)
        // The first worker's metrics, at the port its log names.
        let started = (try? String(contentsOf: dir.appendingPathComponent("worker0.log"), encoding: .utf8)) ?? ""
        let port = try #require(started.firstMatch(of: /127\.0\.0\.1:(\d+)\/healthz/)?.1)
        let metrics = String(
            decoding: try Data(contentsOf: URL(string: "http://127.0.0.1:\(port)/metrics")!), as: UTF8.self)
        let health = String(
            decoding: try Data(contentsOf: URL(string: "http://127.0.0.1:\(port)/healthz")!), as: UTF8.self)
        #expect(health == "ok\n")
        for name in [
            "docroute_jobs_total", "docroute_queue_depth", "docroute_document_seconds", "docroute_dead_letters_total",
        ] {
            #expect(metrics.contains(name), "\(metrics)")
        }
        for w in workers { w.signal(SIGTERM) }
        let statuses = workers.map { $0.wait(timeout: 30) }
        let log = (try? String(contentsOf: dir.appendingPathComponent("worker0.log"), encoding: .utf8)) ?? ""
        #expect(done, "\(log)")
        #expect(statuses == [0, 0], "\(log)")
        #expect(try await Self.counts(url) == [.done: 6, .dead: 1])

        let records = try Self.lines(Self.run(["results", "--postgres", url]))
        #expect(records.count == 7)
        func named(_ suffix: String) -> [String: Any]? {
            records.first { (($0["source"] as? [String: Any])?["path"] as? String)?.hasSuffix("/" + suffix) == true }
        }
        func code(_ r: [String: Any]?) -> String? { ((r?["errors"] as? [[String: Any]])?.first)?["code"] as? String }
        #expect(code(named("crash.pdf")) == "crashed")
        #expect(named("broken.pdf")?["status"] as? String == "failed" && code(named("broken.pdf")) != nil)
        for i in 0..<5 {
            let r = named("good\(i).pdf")
            #expect(r?["status"] as? String != "failed" && code(r) == nil, "\(String(describing: r))")
        }
        // Each record names its job and result; --since picks up after a result.
        let ids = records.compactMap { ($0["queue"] as? [String: Any])?["result"] as? Int }
        #expect(ids.count == 7 && ids == ids.sorted())
        let rest = try Self.lines(Self.run(["results", "--postgres", url, "--since", String(ids[2])]))
        #expect(rest.compactMap { ($0["queue"] as? [String: Any])?["result"] as? Int } == Array(ids[3...]))
    }

    @Test func sigtermFinishesTheJobInFlight() async throws {
        let dir = try QueueSupport.temporaryDirectory("queue-drain")
        defer { try? FileManager.default.removeItem(at: dir) }
        let slow = try QueueSupport.document("slow-hang", in: dir)
        let url = try await QueueSupport.database()
        _ = try Self.run(["enqueue", slow.path, "--pipeline", Self.pipeline, "--postgres", url])
        // The worker process hangs on it until the document's deadline: a record of its own.
        let worker = try Child(
            ["worker", "--postgres", url, "--pipeline", Self.pipeline, "--jobs", "1", "--timeout", "2"],
            log: dir.appendingPathComponent("worker.log"), environment: ["DOCROUTE_TEST_FAULTS": "hang=hang.pdf"])
        let end = Date().addingTimeInterval(60)
        while try await Self.counts(url)[.running] != 1, Date() < end { try await Task.sleep(for: .milliseconds(50)) }
        let asked = Date()
        worker.signal(SIGTERM)
        let status = worker.wait(timeout: 60)
        let log = (try? String(contentsOf: dir.appendingPathComponent("worker.log"), encoding: .utf8)) ?? ""
        #expect(status == 0, "\(log)")
        // It waited for the document (about 2 s and a grace) and wrote its record before leaving.
        #expect(Date().timeIntervalSince(asked) > 1, "\(log)")
        #expect(try await Self.counts(url) == [.done: 1])
        let records = try Self.lines(Self.run(["results", "--postgres", url]))
        #expect(((records.first?["errors"] as? [[String: Any]])?.first)?["code"] as? String == "timeout")
    }

    @Test func aWatchedFolderFeedsTheQueueOncePerDocument() async throws {
        let dir = try QueueSupport.temporaryDirectory("queue-watch")
        defer { try? FileManager.default.removeItem(at: dir) }
        let inbox = dir.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let docs = try (0..<3).map { try QueueSupport.document("doc\($0)", in: dir) }
        func drop() throws {
            for d in docs {
                try FileManager.default.copyItem(at: d, to: inbox.appendingPathComponent(d.lastPathComponent))
            }
        }
        let url = try await QueueSupport.database()
        let watch = ["watch", inbox.path, "--pipeline", Self.pipeline, "--postgres", url, "--once", "--settle", "0"]
        try drop()
        _ = try Self.run(watch)
        #expect(try await Self.counts(url) == [.queued: 3])
        // The same documents dropped again: moved aside, nothing new queued.
        try drop()
        _ = try Self.run(watch)
        #expect(try await Self.counts(url) == [.queued: 3])
        let done = try FileManager.default.contentsOfDirectory(atPath: inbox.appendingPathComponent("done").path)
        #expect(done.count == 6)
        #expect(try FileManager.default.contentsOfDirectory(atPath: inbox.path).sorted() == ["done"])
        // Larger than a job holds: set aside with a note, not enqueued.
        try FileManager.default.copyItem(at: docs[0], to: inbox.appendingPathComponent("big.pdf"))
        _ = try Self.run(watch + ["--inline-mb", "0"])
        #expect(try await Self.counts(url) == [.queued: 3])
        let failed = inbox.appendingPathComponent("failed")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: failed.path).sorted() == ["big.pdf", "big.pdf.error"])
        let note = try String(contentsOf: failed.appendingPathComponent("big.pdf.error"), encoding: .utf8)
        #expect(note.contains("docroute enqueue"))
    }

    /// Issue 25's acceptance: 3 workers, 500 documents, a worker killed with SIGKILL 20 times at
    /// random and started again: every job has exactly one record, none lost, none twice, and
    /// only the documents that crash their reader are given up. (Jobs may be claimed 5 times: a
    /// job in flight on a killed worker comes back first in line, and 20 kills on 3 workers
    /// could catch one job three times, which is the workers' bad luck, not the document's.)
    @Test func killedWorkersLoseAndRepeatNothing() async throws {
        let dir = try QueueSupport.temporaryDirectory("queue-chaos")
        defer { try? FileManager.default.removeItem(at: dir) }
        let inbox = dir.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let samples = try FileManager.default.contentsOfDirectory(
            at: Support.packageRoot.appendingPathComponent("Samples/identity/pdf"), includingPropertiesForKeys: nil
        ).filter { $0.pathExtension == "pdf" }.sorted { $0.path < $1.path }
        for i in 0..<500 {
            let pdf = try Data(contentsOf: samples[i % samples.count])
            try (pdf + Data("\n%\(i)\n".utf8)).write(to: inbox.appendingPathComponent(String(format: "doc%03d.pdf", i)))
        }
        for i in 0..<3 { _ = try QueueSupport.document("bad\(i)-crash", in: inbox) }
        let url = try await QueueSupport.database()
        _ = try Self.run(["enqueue", inbox.path, "--pipeline", Self.pipeline, "--postgres", url, "--max-attempts", "5"])
        #expect(try await Self.counts(url) == [.queued: 503])

        let arguments = ["worker", "--postgres", url, "--pipeline", Self.pipeline, "--jobs", "1", "--lease", "2"]
        func start(_ n: Int) throws -> Child {
            try Child(
                arguments, log: dir.appendingPathComponent("worker\(n).log"),
                environment: ["DOCROUTE_TEST_FAULTS": "crash=crash.pdf"])
        }
        var workers = try (0..<3).map(start)
        var random = SeededRandom(state: 25)
        var kills = 0, killedWithWorkLeft = 0
        // Kills paced by the work done, not by the clock, so that all 20 land while work is
        // left however fast the workers read: the next after 5–24 more jobs are written.
        var next = 5 + Int(random.next() % 20)
        let settled = try await Self.settled(url, timeout: 600) {
            guard kills < 20 else { return }
            let counts = try await Self.counts(url)
            guard (counts[.done] ?? 0) + (counts[.dead] ?? 0) >= next else { return }
            let victim = Int(random.next() % 3)
            workers[victim].killNine()
            kills += 1
            if (try await Self.counts(url)[.queued] ?? 0) > 0 { killedWithWorkLeft += 1 }
            workers[victim] = (try? start(victim)) ?? workers[victim]
            next += 5 + Int(random.next() % 20)
        }
        for w in workers { w.signal(SIGTERM) }
        for w in workers { w.wait(timeout: 30) }
        #expect(settled)
        #expect(kills == 20 && killedWithWorkLeft == 20, "\(kills) kills, \(killedWithWorkLeft) with work left")
        #expect(try await Self.counts(url) == [.done: 500, .dead: 3])
        let perJob = try await Database.withClient(try PostgresURL(url)) { client in
            let rows = try await client.query(
                "SELECT j.name, j.state, count(r.id) FROM docroute_jobs j LEFT JOIN docroute_results r ON r.job_id = j.id GROUP BY j.id"
            )
            var out: [(String, String, Int)] = []
            for try await row in rows.decode((String, String, Int).self) { out.append(row) }
            return out
        }
        #expect(perJob.count == 503)
        #expect(perJob.filter { $0.2 != 1 }.isEmpty, "jobs without exactly one record: \(perJob.filter { $0.2 != 1 })")
        #expect(
            Set(perJob.filter { $0.1 == "dead" }.map { ($0.0 as NSString).lastPathComponent }) == [
                "bad0-crash.pdf", "bad1-crash.pdf", "bad2-crash.pdf",
            ])
        let records = try Self.lines(Self.run(["results", "--postgres", url]))
        #expect(records.count == 503)
        #expect(records.filter { $0["status"] as? String == "failed" }.count == 3)
    }
}
