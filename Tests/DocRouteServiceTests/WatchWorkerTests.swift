import DocRouteModel
import DocRouteTestSupport
import Foundation
import Testing

@testable import DocRouteService

/// The daemon runs documents in worker processes: one that crashes or hangs its worker is set
/// aside at once with its own error record, and no other document is blamed for it.
@Suite(.serialized, .tags(.service)) struct WatchWorkerTests {
    @Test func aCrashingOrHangingDocumentIsQuarantinedAtOnceAndAloneIsBlamed() throws {
        let dir = try WatchSupport.temporaryDirectory("watch-workers")
        defer { try? FileManager.default.removeItem(at: dir) }
        let inbox = dir.appendingPathComponent("inbox"), out = dir.appendingPathComponent("records.jsonl")
        let log = dir.appendingPathComponent("daemon.log")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let root = WatchSupport.identity
        let good = [
            "pdf/record-01-person03.pdf", "pdf/record-02-person06.pdf", "docx/hr-check-01-person06.docx",
            "xlsx/visitor-1-person08.xlsx", "png/card-person01-clean.png",
        ]
        var goodNames: [String] = []
        for (n, file) in good.enumerated() {
            let name = "\(n)-" + (file as NSString).lastPathComponent
            try Data(contentsOf: root.appendingPathComponent(file)).write(to: inbox.appendingPathComponent(name))
            goodNames.append(name)
        }
        // Real documents of their own content, which the worker is told to crash or hang on.
        let pdf = try Data(contentsOf: root.appendingPathComponent(good[0]))
        try (pdf + Data("\n%crash\n".utf8)).write(to: inbox.appendingPathComponent("crash.pdf"))
        try (pdf + Data("\n%hang\n".utf8)).write(to: inbox.appendingPathComponent("hang.pdf"))
        let start = Date()
        let child = try Child(
            [
                "watch", inbox.path, "--pipeline", WatchSupport.pipeline, "--out", out.path,
                "--jobs", "2", "--settle", "0.2", "--poll-interval", "0.2", "--timeout", "4", "--once",
            ],
            log: log, environment: ["DOCROUTE_TEST_FAULTS": "crash=crash.pdf,hang=hang.pdf"])
        let status = child.wait(timeout: 120)
        let logged = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(status == 0, "\(logged)")
        // Within one deadline and a little, not after three daemon restarts.
        #expect(Date().timeIntervalSince(start) < 60)
        let records = try WatchSupport.objects(String(contentsOf: out, encoding: .utf8))
        #expect(records.count == goodNames.count + 2, "\(records)")
        func record(_ name: String) -> [String: Any]? {
            records.first { (($0["source"] as? [String: Any])?["path"] as? String)?.hasSuffix("/" + name) == true }
        }
        func code(_ r: [String: Any]?) -> String? { ((r?["errors"] as? [[String: Any]])?.first)?["code"] as? String }
        let crash = record("crash.pdf"), hang = record("hang.pdf")
        #expect(code(crash) == "crashed")
        // The signal; a debug build's runtime adds its message, an optimised one's does not.
        #expect(
            ((crash?["errors"] as? [[String: Any]])?.first?["message"] as? String)?.contains(
                "killed by SIGILL") == true)
        #expect(code(hang) == "timeout")
        for name in goodNames {
            let r = record(name)
            #expect(
                r != nil && r?["status"] as? String != "failed" && code(r) == nil, "\(name): \(String(describing: r))")
        }
        #expect(
            WatchSupport.files(inbox.appendingPathComponent("failed")).filter { !$0.hasSuffix(".jsonl") }.sorted() == [
                "crash.pdf", "hang.pdf",
            ])
        #expect(WatchSupport.files(inbox.appendingPathComponent("done")).sorted() == goodNames.sorted())
        // Each bad document was tried once: set aside at once.
        let state = try StateStore(path: inbox.appendingPathComponent(".docroute-state.sqlite").path)
        for row in try state.entries() where row.name.hasSuffix("crash.pdf") || row.name.hasSuffix("hang.pdf") {
            #expect(row.attempts == 1, "\(row.name): \(row.attempts) attempts")
        }
    }
}
