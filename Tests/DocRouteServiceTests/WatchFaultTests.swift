import DocRouteModel
import DocRouteTestSupport
import Foundation
import Testing

@testable import DocRouteService

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// The daemon's promise, tested with real processes, real files and a real SQLite state file:
/// every document that lands gets exactly one record, through `kill -9`, SIGTERM, and an
/// output folder that cannot be written.
@Suite(.serialized, .tags(.service)) struct WatchFaultTests {
    /// One document dropped into the inbox.
    struct Input {
        enum Kind { case good, duplicate, corrupt }
        var name: String
        var data: Data
        var kind: Kind
        var slow: Bool
    }

    /// 200 inputs: unique good documents (text PDFs, DOCX, XLSX, a few PNG scans, each made
    /// unique by a trailing comment), exact copies of some of them, and corrupt files.
    static func inputs(rng: inout SeededRandom) throws -> [Input] {
        let root = WatchSupport.identity
        func files(_ sub: String, _ prefix: String = "") throws -> [Data] {
            try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(sub).path).sorted()
                .filter { $0.hasPrefix(prefix) }.map {
                    try Data(contentsOf: root.appendingPathComponent(sub).appendingPathComponent($0))
                }
        }
        let pdfs = try files("pdf"), docx = try files("docx"), xlsx = try files("xlsx", "visitor"),
            png = try files("png", "card-person0")
        var out: [Input] = []
        func unique(_ base: Data, _ n: Int) -> Data { base + Data("\n%docroute-watch-test \(n)\n".utf8) }
        let bases = pdfs.map { ($0, "pdf") } + docx.map { ($0, "docx") } + xlsx.map { ($0, "xlsx") }
        for n in 0..<144 {
            let (base, ext) = bases[n % bases.count]
            out.append(Input(name: "doc-\(n).\(ext)", data: unique(base, n), kind: .good, slow: false))
        }
        for n in 0..<6 {
            out.append(
                Input(name: "scan-\(n).png", data: unique(png[n % png.count], 1000 + n), kind: .good, slow: false))
        }
        for n in 0..<30 {
            let original = out[Int(rng.next() % 144)]
            out.append(Input(name: "copy-\(n)-" + original.name, data: original.data, kind: .duplicate, slow: false))
        }
        for n in 0..<8 {
            let base = pdfs[n % pdfs.count]
            out.append(
                Input(
                    name: "truncated-\(n).pdf", data: unique(base.prefix(base.count * 2 / 5), 2000 + n), kind: .corrupt,
                    slow: false))
        }
        for n in 0..<9 {
            var bytes = Data(count: 3000 + n)
            for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: rng.next()) }
            out.append(
                Input(name: "garbage-\(n)." + (n % 2 == 0 ? "pdf" : "docx"), data: bytes, kind: .corrupt, slow: false))
        }
        for n in 0..<3 {
            out.append(Input(name: "empty-\(n).pdf", data: Data(), kind: .corrupt, slow: false))
        }
        out.shuffle(using: &rng)
        // Some arrive slowly, in pieces, as over a network share.
        for i in out.indices where rng.next() % 12 == 0 && out[i].data.count > 100 { out[i].slow = true }
        return out
    }

    @Test func killNineAtRandomMomentsLosesAndDuplicatesNothing() throws {
        let seed = UInt64(Date().timeIntervalSince1970 * 1000)
        var rng = SeededRandom(state: seed)
        let inputs = try Self.inputs(rng: &rng)
        #expect(inputs.count == 200)
        let dir = try WatchSupport.temporaryDirectory("watch-kill")
        defer { try? FileManager.default.removeItem(at: dir) }
        let inbox = dir.appendingPathComponent("inbox"), out = dir.appendingPathComponent("records.jsonl")
        let log = dir.appendingPathComponent("daemon.log")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        // A slow copy pauses 0.1 s between its pieces; the settle time is ten times that, so a
        // loaded machine that stretches a pause never lets the daemon take half a file.
        let settle = 1.0
        let args = [
            "watch", inbox.path, "--pipeline", WatchSupport.pipeline, "--out", out.path, "--jobs", "2",
            "--settle", "\(settle)", "--poll-interval", "0.1", "--max-attempts", "50",
        ]
        var child = try Child(args, log: log)
        var kills = 0
        // Where the log stood when the current child started.
        var lastStart = 0
        func restart() throws {
            lastStart = ((try? Data(contentsOf: log)) ?? Data()).count
            child = try Child(args, log: log)
        }
        // Bursts of 5–20 documents; after each, a kill -9 at a random moment while the daemon
        // is claiming, reading or writing them, and sometimes another while it recovers.
        var next = 0
        while next < inputs.count {
            let burst = inputs[next..<min(inputs.count, next + 5 + Int(rng.next() % 16))]
            next += burst.count
            for input in burst {
                let url = inbox.appendingPathComponent(input.name)
                if input.slow {
                    try WatchSupport.slowCopy(input.data, to: url, pieces: 4, pause: 0.1)
                } else {
                    try input.data.write(to: url)
                }
            }
            // Past the settle time, so the kill finds the burst claimed, being read or written.
            usleep(UInt32(settle * 1_000_000) + UInt32(rng.next() % 1_300_000))
            child.killNine()
            kills += 1
            try restart()
            if rng.next() % 4 == 0 {
                usleep(UInt32(rng.next() % 300_000))
                child.killNine()
                kills += 1
                try restart()
            }
        }
        // Let the last one finish everything, then stop it cleanly.
        let state = try StateStore(path: inbox.appendingPathComponent(".docroute-state.sqlite").path)
        let deadline = Date().addingTimeInterval(240)
        while Date() < deadline {
            let counts = try state.counts()
            if (counts[.done] ?? 0) + (counts[.failed] ?? 0) == inputs.count { break }
            usleep(200_000)
        }
        // SIGTERM once it is up (before its signal handlers exist a SIGTERM just ends it).
        while Date() < deadline {
            let text = (try? Data(contentsOf: log)) ?? Data()
            if String(decoding: text.dropFirst(lastStart), as: UTF8.self).contains(" watching") { break }
            usleep(50_000)
        }
        child.signal(SIGTERM)
        #expect(child.wait(timeout: 60) == 0, "seed \(seed)")
        #expect(kills >= 10)

        // Exactly one record per input.
        let records = try WatchSupport.objects(String(decoding: try Data(contentsOf: out), as: UTF8.self))
        var byPath: [String: [[String: Any]]] = [:]
        for r in records {
            let path = (r["source"] as? [String: Any])?["path"] as? String ?? "?"
            byPath[path, default: []].append(r)
        }
        #expect(records.count == inputs.count, "seed \(seed): \(records.count) records for \(inputs.count) inputs")
        #expect(byPath.values.allSatisfy { $0.count == 1 }, "seed \(seed): duplicated records")
        let rows = Dictionary(try state.entries().map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(rows.count == inputs.count, "seed \(seed)")
        for input in inputs {
            let path = inbox.appendingPathComponent(input.name).path
            guard let record = byPath[path]?.first, let row = rows[input.name] else {
                Issue.record("seed \(seed): no record or row for \(input.name)")
                continue
            }
            let status = record["status"] as? String
            let final = try #require(row.finalPath)
            #expect(FileManager.default.fileExists(atPath: inbox.appendingPathComponent(final).path), "\(input.name)")
            switch input.kind {
            case .corrupt:
                #expect(
                    status == "failed" && row.status == .failed && final.hasPrefix("failed/"),
                    "seed \(seed): \(input.name) \(status ?? "")")
                let beside = WatchSupport.files(inbox.appendingPathComponent("failed")).filter {
                    $0.hasPrefix(input.name + ".") && $0.hasSuffix(".error.jsonl")
                }
                #expect(beside.count == 1, "\(input.name)")
            case .good, .duplicate:
                #expect(
                    status != "failed" && row.status == .done && final.hasPrefix("done/"),
                    "seed \(seed): \(input.name) \(status ?? "")")
            }
        }
        // Copies of the same content: one original, the others point at it.
        var groups: [Data: [String]] = [:]
        for input in inputs { groups[input.data, default: []].append(inbox.appendingPathComponent(input.name).path) }
        for paths in groups.values where paths.count > 1 {
            let originals = paths.filter { byPath[$0]?.first?["duplicate_of"] == nil }
            #expect(originals.count == 1, "seed \(seed): \(paths)")
            for p in paths where !originals.contains(p) {
                #expect(byPath[p]?.first?["duplicate_of"] as? String == originals.first, "seed \(seed): \(p)")
            }
        }
        // Nothing left behind: no temporary files, nothing in processing/ or the inbox.
        let left = WatchSupport.files(inbox).filter {
            !$0.hasPrefix("done/") && !$0.hasPrefix("failed/") && !$0.hasPrefix(".docroute-state.sqlite")
        }
        #expect(left.isEmpty, "seed \(seed): \(left)")
        #expect(!WatchSupport.files(dir).contains { ($0 as NSString).lastPathComponent.hasPrefix(".docroute-tmp-") })
        // The folders agree with the state file.
        #expect(
            WatchSupport.files(inbox.appendingPathComponent("done")).count
                == rows.values.filter { $0.status == .done }.count)
        // How much work the kills interrupted (the daemon logs what it resumes at each start).
        let logText = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        let resumed = logText.split(separator: "\n").filter { $0.contains("resuming") }
            .compactMap {
                $0.split(separator: " ").first { $0.hasPrefix("documents=") }.flatMap { Int($0.dropFirst(10)) }
            }
        print(
            "watch kill test: seed \(seed), \(inputs.count) documents, \(kills) kills, \(records.count) records, "
                + "\(resumed.reduce(0, +)) documents resumed from processing/ over \(resumed.count) restarts")
    }

    @Test func sigtermFinishesInFlightAndARestartFinishesTheRest() async throws {
        let dir = try WatchSupport.temporaryDirectory("watch-term")
        defer { try? FileManager.default.removeItem(at: dir) }
        let inbox = dir.appendingPathComponent("inbox"), out = dir.appendingPathComponent("records")
        let log = dir.appendingPathComponent("daemon.log")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let root = WatchSupport.identity
        var names: [String] = []
        for (n, file) in [
            "png/card-person01-clean.png", "png/card-person02-clean.png", "png/card-person03-clean.png",
            "png/card-person04-clean.png", "pdf/record-01-person03.pdf", "pdf/record-02-person06.pdf",
            "docx/hr-check-01-person06.docx", "xlsx/visitor-1-person08.xlsx",
        ].enumerated() {
            let name = "\(n)-" + (file as NSString).lastPathComponent
            try Data(contentsOf: root.appendingPathComponent(file)).write(to: inbox.appendingPathComponent(name))
            names.append(name)
        }
        // Port 0: the daemon binds a free port and logs its health URL.
        let args = [
            "watch", inbox.path, "--pipeline", WatchSupport.pipeline, "--out", out.path, "--jobs", "2", "--settle",
            "0.2",
            "--poll-interval", "0.2", "--health-port", "0",
        ]
        let child = try Child(args, log: log)
        // Wait for the first record, then look at the health endpoints.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline && WatchSupport.files(out).filter({ $0.hasSuffix(".jsonl") }).isEmpty { usleep(50_000) }
        let logged = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        let port = try #require(
            logged.firstMatch(of: /url=http:\/\/127\.0\.0\.1:(\d+)\/healthz/).flatMap { Int($0.1) }, "\(logged)")
        let health = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/healthz")!)
        #expect(String(decoding: health.0, as: UTF8.self) == "ok\n")
        let metrics = String(
            decoding: try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!).0,
            as: UTF8.self)
        #expect(metrics.contains("docroute_documents_total{outcome=\"done\"}"))
        #expect(metrics.contains("docroute_document_seconds_bucket"))
        #expect(metrics.contains("docroute_queue_depth"))
        child.signal(SIGTERM)
        #expect(child.wait(timeout: 60) == 0)
        // Nothing lost: each document is done (with its record) or waiting in processing/ or the inbox.
        let done = WatchSupport.files(inbox.appendingPathComponent("done"))
        let processing = WatchSupport.files(inbox.appendingPathComponent("processing"))
        let waiting = names.filter { FileManager.default.fileExists(atPath: inbox.appendingPathComponent($0).path) }
        #expect(done.count + processing.count + waiting.count == names.count)
        #expect(WatchSupport.files(out).filter { $0.hasSuffix(".jsonl") }.count == done.count)
        let state = try StateStore(path: inbox.appendingPathComponent(".docroute-state.sqlite").path)
        #expect(try state.entries([.seen, .processing]).count == processing.count)
        #expect(try state.entries([.done]).count == done.count)
        // A restart finishes the rest.
        let again = try Child(Array(args.dropLast(2)) + ["--once"], log: log)
        #expect(again.wait(timeout: 120) == 0)
        #expect(WatchSupport.files(inbox.appendingPathComponent("done")).sorted() == names.sorted())
        #expect(WatchSupport.files(inbox.appendingPathComponent("processing")).isEmpty)
        let records = try WatchSupport.files(out).map {
            try WatchSupport.objects(String(decoding: Data(contentsOf: out.appendingPathComponent($0)), as: UTF8.self))
        }
        #expect(records.count == names.count && records.allSatisfy { $0.count == 1 })
    }
}
