import DocRoute
import DocRouteLLM
import DocRouteModel
import DocRouteTestSupport
import Foundation
import Logging
import Testing

@testable import DocRouteService

#if canImport(Glibc)
    import Glibc
#endif

/// The daemon in-process (library API), against real kernel faults on its output: a folder
/// that cannot be written (a file stands where the folder was: ENOTDIR, which even root
/// meets) and a full disk (`/dev/full`: ENOSPC).
@Suite(.serialized, .tags(.service)) struct WatchOutputTests {
    static let pipeline: Pipeline = {
        let spec = try! PipelineSpec.resolve(WatchSupport.pipeline, directories: [])
        return Pipeline(spec: spec)
    }()

    /// Starts a daemon on its own thread; returns it and a function that stops it and waits.
    func start(_ config: WatchConfig) throws -> (WatchDaemon, () -> Void) {
        var logger = Logger(label: "test.watch")
        logger.logLevel = .critical
        let daemon = try WatchDaemon(config: config, pipeline: Self.pipeline, logger: logger)
        let finished = DispatchSemaphore(value: 0)
        Thread {
            try? daemon.run()
            finished.signal()
        }.start()
        return (
            daemon,
            {
                daemon.stop(); finished.wait()
            }
        )
    }

    func drop(_ inbox: URL, count: Int) throws -> [String] {
        try (0..<count).map { n in
            let name = "doc-\(n).pdf"
            let data = try Data(
                contentsOf: WatchSupport.identity.appendingPathComponent(
                    "pdf/record-0\(n + 1)-person\(String(format: "%02d", [3, 6, 9, 12, 15][n % 5])).pdf"))
            try data.write(to: inbox.appendingPathComponent(name))
            return name
        }
    }

    func waitUntil(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(50_000)
        }
        return try condition()
    }

    func config(_ dir: URL, sink: RecordSink) -> WatchConfig {
        var c = WatchConfig(inbox: dir.appendingPathComponent("inbox"), sink: sink)
        c.settle = 0
        c.pollInterval = 0.1
        c.retryBase = 0.2
        c.jobs = 2
        return c
    }

    @Test func anUnwritableOutputFolderKeepsInputsUntilItIsWritable() throws {
        let dir = try WatchSupport.temporaryDirectory("watch-out")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("records")
        let (daemon, stop) = try start(config(dir, sink: .directory(out)))
        defer { stop() }
        // The folder is replaced by a file: every write into it fails.
        try FileManager.default.removeItem(at: out)
        try Data("not a folder".utf8).write(to: out)
        let inbox = daemon.config.inbox
        let names = try drop(inbox, count: 3)
        #expect(
            try waitUntil(20) {
                try daemon.state.entries([.extracted]).count == 3
                    && daemon.metrics.text().contains("docroute_output_errors_total")
            })
        Thread.sleep(forTimeInterval: 1.5)
        // Reported, and nothing moved to done/.
        let rows = try daemon.state.entries()
        #expect(
            rows.allSatisfy { $0.status == .extracted && ($0.lastError ?? "").hasPrefix("output: ") },
            "\(rows.map(\.lastError))")
        #expect(WatchSupport.files(inbox.appendingPathComponent("done")).isEmpty)
        #expect(WatchSupport.files(inbox.appendingPathComponent("processing")).count == 3)
        // Writable again: it recovers on its own.
        try FileManager.default.removeItem(at: out)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        #expect(try waitUntil(20) { try daemon.state.entries([.done]).count == 3 })
        #expect(WatchSupport.files(inbox.appendingPathComponent("done")).sorted() == names.sorted())
        #expect(WatchSupport.files(out).count == 3)
        #expect(try daemon.state.entries().allSatisfy { $0.lastError == nil || $0.status == .done })
    }

    @Test func aFullDiskLosesNoLineAndWritesNoneTwice() throws {
        let dir = try WatchSupport.temporaryDirectory("watch-full")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("records.jsonl")
        // Appends go to /dev/full: the kernel answers ENOSPC.
        try FileManager.default.createSymbolicLink(atPath: out.path, withDestinationPath: "/dev/full")
        let (daemon, stop) = try start(config(dir, sink: .jsonl(out)))
        defer { stop() }
        let inbox = daemon.config.inbox
        _ = try drop(inbox, count: 2)
        // Reported (the first append fails with ENOSPC; later ones first try to cut the partial line).
        #expect(
            try waitUntil(20) {
                try daemon.state.entries([.extracted]).filter { ($0.lastError ?? "").hasPrefix("output: ") }.count == 2
            })
        #expect(WatchSupport.files(inbox.appendingPathComponent("done")).isEmpty)
        // Space again (a real file where the full device was).
        try FileManager.default.removeItem(at: out)
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        #expect(try waitUntil(20) { try daemon.state.entries([.done]).count == 2 })
        let lines = try WatchSupport.objects(String(decoding: try Data(contentsOf: out), as: UTF8.self))
        #expect(lines.count == 2)
        #expect(Set(lines.compactMap { ($0["source"] as? [String: Any])?["path"] as? String }).count == 2)
    }

    @Test func anUnreachableLLMIsRetriedWithBackoffThenQuarantined() throws {
        let dir = try WatchSupport.temporaryDirectory("watch-llm")
        defer { try? FileManager.default.removeItem(at: dir) }
        // A field no document prints, so the LLM is asked; nothing listens on port 9.
        let spec = try PipelineSpec.parse(
            yaml: """
                name: retry-test
                fields:
                  - name: document_number
                    labels: [Document No]
                  - name: tax_office
                    required: true
                llm:
                  url: http://127.0.0.1:9/v1
                  model: none
                  retries: 0
                  timeout: 2
                """)
        let pipeline = Pipeline(spec: spec, llm: try OpenAIBackend(spec: try #require(spec.llm)))
        var c = config(dir, sink: .directory(dir.appendingPathComponent("records")))
        c.maxAttempts = 3
        var logger = Logger(label: "test.watch")
        logger.logLevel = .critical
        let daemon = try WatchDaemon(config: c, pipeline: pipeline, logger: logger)
        let finished = DispatchSemaphore(value: 0)
        Thread {
            try? daemon.run(); finished.signal()
        }.start()
        defer { daemon.stop(); finished.wait() }
        _ = try drop(c.inbox, count: 1)
        #expect(try waitUntil(30) { try daemon.state.entries([.failed]).count == 1 })
        let row = try #require(try daemon.state.entries().first)
        #expect(row.attempts == 3 && row.finalPath == "failed/doc-0.pdf")
        #expect(row.lastError?.hasPrefix("llm_unreachable") == true, "\(row.lastError ?? "")")
        let metrics = daemon.metrics.text()
        #expect(metrics.contains("docroute_documents_total{outcome=\"retry\"} 2"))
        #expect(metrics.contains("docroute_documents_total{outcome=\"quarantined\"} 1"))
        #expect(metrics.contains("docroute_llm_calls_total 3"))
        // The record says what happened; an error record lies beside the input.
        let record = try #require(
            try WatchSupport.objects(
                String(
                    decoding: Data(contentsOf: dir.appendingPathComponent("records/\(row.sha256 ?? "").jsonl")),
                    as: UTF8.self)
            ).first)
        #expect((record["errors"] as? [[String: Any]])?.first?["code"] as? String == "llm_unreachable")
        #expect(
            FileManager.default.fileExists(
                atPath: c.failed.appendingPathComponent("doc-0.pdf.\(row.id).error.jsonl").path))
    }

    @Test func subfoldersDeletionAndSkippedDuplicates() throws {
        let dir = try WatchSupport.temporaryDirectory("watch-options")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("records.jsonl")
        var c = config(dir, sink: .jsonl(out))
        c.recursive = true
        c.deleteDone = true
        c.skipDuplicates = true
        c.once = true
        let pdf = try Data(contentsOf: WatchSupport.identity.appendingPathComponent("pdf/record-01-person03.pdf"))
        try FileManager.default.createDirectory(
            at: c.inbox.appendingPathComponent("branch/north"), withIntermediateDirectories: true)
        try pdf.write(to: c.inbox.appendingPathComponent("branch/north/a.pdf"))
        try pdf.write(to: c.inbox.appendingPathComponent("b.pdf"))  // the same content again
        try Data("%PDF-1.4 broken".utf8).write(to: c.inbox.appendingPathComponent("branch/c.pdf"))
        var logger = Logger(label: "test.watch")
        logger.logLevel = .critical
        let daemon = try WatchDaemon(config: c, pipeline: Self.pipeline, logger: logger)
        try daemon.run()  // --once: returns when the inbox is empty
        let rows = try daemon.state.entries()
        #expect(rows.map(\.name).sorted() == ["b.pdf", "branch/c.pdf", "branch/north/a.pdf"])
        // One record for the content, none for the skipped copy, an error record for the broken file.
        let records = try WatchSupport.objects(String(decoding: try Data(contentsOf: out), as: UTF8.self))
        #expect(records.count == 2)
        #expect(records.filter { $0["status"] as? String == "failed" }.count == 1)
        #expect(rows.filter { $0.duplicateOf != nil }.count == 1)
        // Done inputs deleted; the failed one kept in failed/ with its subfolder.
        #expect(WatchSupport.files(c.done).isEmpty)
        #expect(
            WatchSupport.files(c.failed) == [
                "branch/c.pdf", "branch/c.pdf.\(rows.first { $0.name == "branch/c.pdf" }?.id ?? 0).error.jsonl",
            ])
        #expect(
            WatchSupport.files(c.inbox).filter { !$0.hasPrefix(".docroute-state") && !$0.hasPrefix("failed/") }.isEmpty)
        #expect(daemon.metrics.text().contains("docroute_documents_total{outcome=\"skipped\"} 1"))
    }

    @Test func scannerWaitsForFilesToSettleAndIgnoresTemporaryNames() throws {
        let dir = try WatchSupport.temporaryDirectory("watch-scan")
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in [".hidden.pdf", "a.pdf.part", "b.tmp", "~$c.docx", "d.crdownload", "e.pdf"] {
            try Data("x".utf8).write(to: dir.appendingPathComponent(name))
        }
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("done"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: dir.appendingPathComponent("done/f.pdf"))
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: dir.appendingPathComponent("sub/g.pdf"))
        var scanner = InboxScanner(inbox: dir, recursive: false, settle: 0.5)
        #expect(scanner.list().map(\.name) == ["e.pdf"])
        #expect(InboxScanner(inbox: dir, recursive: true, settle: 0.5).list().map(\.name) == ["e.pdf", "sub/g.pdf"])
        // Fresh: not ready until unchanged for the settle time.
        let now = Date().timeIntervalSince1970
        #expect(scanner.settled(scanner.list(), now: now).ready.isEmpty)
        #expect(scanner.settled(scanner.list(), now: now + 0.3).ready.isEmpty)
        // Grows: the clock starts again.
        try Data("xy".utf8).write(to: dir.appendingPathComponent("e.pdf"))
        #expect(scanner.settled(scanner.list(), now: now + 0.6).ready.isEmpty)
        #expect(scanner.settled(scanner.list(), now: now + 1.2).ready.map(\.name) == ["e.pdf"])
    }
}
