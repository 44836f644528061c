import DocRouteTestSupport
import Foundation
import Testing

@testable import DocRoute
@testable import DocRouteModel

/// The `docroute` binary itself, run as a user runs it.
@Suite(.tags(.endToEnd, .corpus)) struct EndToEndTests {
    static var binary: URL {
        let testBinary = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        return testBinary.deletingLastPathComponent().appendingPathComponent("docroute")
    }

    func run(_ arguments: [String]) throws -> (status: Int32, stdout: String) {
        let result = try Support.runBinary(Self.binary, arguments)
        return (result.status, result.stdout)
    }

    @Test func inspectSamplesPrintsOneJSONObjectPerFile() throws {
        let (status, stdout) = try run(["inspect", "--jobs", "2", "Samples/documents", "Tests/Fixtures/notes.txt"])
        #expect(status == 0)
        let lines = stdout.split(separator: "\n")
        let expected = FileWalker.expand([Support.samples.path]).count + 1
        #expect(lines.count == expected)
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let path = try #require(object["path"] as? String)
            if path.hasSuffix("notes.txt") {
                let error = try #require(object["error"] as? [String: Any])
                #expect(error["code"] as? String == "unsupported_format")
            } else {
                let document = try #require(object["document"] as? [String: Any], "\(path)")
                let source = try #require(document["source"] as? [String: Any])
                #expect((source["sha256"] as? String)?.count == 64)
                #expect(object["format"] as? String == source["format"] as? String)
                let pages = try #require(document["pages"] as? [[String: Any]])
                #expect(!pages.isEmpty)
            }
        }
    }

    /// Learned forms were called learned templates: `--templates` and `docroute templates` are
    /// still the same option and command as `--forms` and `docroute forms` this release.
    @Test func formsAnswerToTheirOldName() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("forms-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("forms.sqlite").path
        let card = "Samples/identity/png/card-person01-clean.png"
        let (learned, records) = try run(["extract", "--pipeline", "identity", "--templates", store, card])
        #expect(learned == 0)
        #expect(records.contains("\"learned_template\""), "\(records)")
        let (status, list) = try run(["forms", "list", "--forms", store])
        let (oldStatus, oldList) = try run(["templates", "list", "--templates", store])
        #expect(status == 0 && oldStatus == 0)
        #expect(list.contains("identity") && list == oldList, "\(list) / \(oldList)")
    }

    @Test func inspectRejectsBadOptions() throws {
        let (status, _) = try run(["inspect", "--jobs", "0", "Samples/documents"])
        #expect(status != 0)
    }
}

/// `extract`, `batch` and `eval`, run as a user runs them.
@Suite(.tags(.endToEnd, .corpus)) struct ExtractEndToEndTests {
    func run(_ arguments: [String], timeout: Double = 600) throws -> (status: Int32, stdout: String, stderr: String) {
        try Support.runBinary(EndToEndTests.binary, arguments, timeout: timeout)
    }

    func objects(_ jsonl: String) throws -> [[String: Any]] {
        try jsonl.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func extractMatchesTheTruthOnSamples() throws {
        let files = [
            "Samples/identity/png/card-person01-clean.png", "Samples/identity/docx/hr-check-01-person06.docx",
            "Samples/identity/xlsx/visitor-1-person08.xlsx", "Samples/identity/pdf/record-02-person06.pdf",
        ]
        let (status, stdout, _) = try run(["extract", "--pipeline", "identity"] + files)
        #expect(status == 0)
        let records = try objects(stdout)
        #expect(records.count == files.count)
        let truth = try Evaluation.loadTruth(
            path: Support.packageRoot.appendingPathComponent("Samples/identity/truth.jsonl").path)
        for (file, record) in zip(files, records) {
            let t = try #require(truth.first { "Samples/identity/" + $0.file == file })
            let fields = try #require(record["fields"] as? [String: [String: Any]])
            for name in ["surname", "given_names", "date_of_birth", "document_number", "sex"] {
                #expect(fields[name]?["value"] as? String == t.fields[name]?.description, "\(file) \(name)")
            }
            #expect(record["status"] as? String == "ok")
        }
    }

    @Test func batchRecordsEveryFileAndFailsOnBadOnes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("docroute-batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fm = FileManager.default
        try fm.copyItem(
            atPath: "\(Support.packageRoot.path)/Samples/identity/docx/hr-check-01-person06.docx",
            toPath: dir.appendingPathComponent("a.docx").path)
        try fm.copyItem(
            atPath: "\(Support.packageRoot.path)/Samples/identity/png/card-person04-clean.png",
            toPath: dir.appendingPathComponent("b.png").path)
        try fm.copyItem(atPath: Support.fixture("notes.txt"), toPath: dir.appendingPathComponent("c.txt").path)
        try fm.copyItem(atPath: Support.fixture("legacy-excel.xls"), toPath: dir.appendingPathComponent("d.xls").path)
        let pdf = try Data(
            contentsOf: URL(fileURLWithPath: "\(Support.packageRoot.path)/Samples/identity/pdf/record-01-person03.pdf"))
        try pdf.prefix(2000).write(to: dir.appendingPathComponent("e.pdf"))
        try Data().write(to: dir.appendingPathComponent("f.png"))
        try fm.copyItem(
            atPath: "\(Support.packageRoot.path)/Samples/identity/xlsx/visitor-1-person08.xlsx",
            toPath: dir.appendingPathComponent("sub/g.xlsx").path)

        let out = dir.appendingPathComponent("records.jsonl").path
        let (status, stdout, stderr) = try run([
            "batch", dir.path, "--pipeline", "identity", "--jobs", "2", "--out", out,
        ])
        #expect(status == 1)  // some documents failed
        #expect(stdout.isEmpty)
        let records = try objects(try String(contentsOfFile: out, encoding: .utf8))
        #expect(records.count == 6)  // sub/ is not walked without --recursive
        var codes: [String: String] = [:]
        for r in records {
            let path = try #require((r["source"] as? [String: Any])?["path"] as? String)
            let name = (path as NSString).lastPathComponent
            codes[name] = (r["errors"] as? [[String: Any]])?.first?["code"] as? String ?? (r["status"] as? String)
        }
        #expect(
            codes == [
                "a.docx": "ok", "b.png": "ok", "c.txt": "unsupported_format", "d.xls": "unsupported_format",
                "e.pdf": "corrupt", "f.png": "empty_file",
            ])
        #expect(stderr.contains("6 documents") && stderr.contains("2 ok") && stderr.contains("4 failed"))

        let (rstatus, rstdout, rstderr) = try run(["batch", dir.path, "--pipeline", "identity", "--recursive"])
        #expect(rstatus == 1)
        // sub/g.xlsx is walked now; records.jsonl is a data file: skipped, with a log line.
        #expect(try objects(rstdout).count == 7)
        #expect(rstderr.contains("skipped 1 data file(s) in the folders (records.jsonl)"), "\(rstderr)")
        // Named on the command line, a data file is an input like any other.
        let (nstatus, nstdout, _) = try run(["batch", out, "--pipeline", "identity", "--quiet"])
        #expect(nstatus == 1)
        #expect(try objects(nstdout).first?["errors"].map { "\($0)" }?.contains("unsupported_format") == true)

        // Run again with --resume: nothing is read again, and the exit status still says that
        // documents of this output failed.
        let (again, _, againErr) = try run(["batch", dir.path, "--pipeline", "identity", "--out", out, "--resume"])
        #expect(again == 1, "\(againErr)")
        #expect(againErr.contains("6 documents already in") && againErr.contains("(4 failed)"), "\(againErr)")
        #expect(try objects(try String(contentsOfFile: out, encoding: .utf8)).count == 6)
    }

    /// `batch --out` appends each document's records as it goes: killed with SIGKILL at
    /// random moments and run again with `--resume`, every document has exactly one record
    /// and the file is valid JSON Lines throughout.
    @Test func aKilledBatchResumesWithExactlyOneRecordPerDocument() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("docroute-resume-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let root = Support.packageRoot.appendingPathComponent("Samples/identity")
        let inputs = (try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("png").path))
            .sorted().prefix(12)
        for name in inputs {
            try FileManager.default.copyItem(
                at: root.appendingPathComponent("png/\(name)"), to: dir.appendingPathComponent(name))
        }
        try Data("not a document".utf8).write(to: dir.appendingPathComponent("notes.txt"))
        let out = dir.appendingPathComponent("records.jsonl")
        var seed = UInt64(Date().timeIntervalSince1970 * 1000)
        func next() -> UInt64 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return seed >> 33
        }
        let initial = seed
        var killed = 0
        for round in 0..<10 {
            let process = Process()
            process.executableURL = EndToEndTests.binary
            process.arguments =
                ["batch", dir.path, "--pipeline", "identity", "--jobs", "2", "--quiet", "--out", out.path]
                + (round > 0 ? ["--resume"] : [])
            process.currentDirectoryURL = Support.packageRoot
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: 0.2 + Double(next() % 800) / 1000)
            if process.isRunning { kill(process.processIdentifier, SIGKILL); killed += 1 }
            while process.isRunning { Thread.sleep(forTimeInterval: 0.02) }
            // Whatever the moment, the file holds whole lines only (a line cut by the kill is
            // cut off by the next --resume, and a reader skips a line without its newline).
            let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n", omittingEmptySubsequences: true).dropLast(
                text.hasSuffix("\n") ? 0 : 1)
            {
                #expect(
                    (try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil,
                    "seed \(initial): \(line.prefix(80))")
            }
        }
        let (status, _, stderr) = try run([
            "batch", dir.path, "--pipeline", "identity", "--jobs", "2", "--quiet", "--out", out.path, "--resume",
        ])
        #expect(status == 0 || status == 1, "\(stderr)")
        let records = try objects(String(contentsOf: out, encoding: .utf8))
        let paths = records.compactMap { ($0["source"] as? [String: Any])?["path"] as? String }.map {
            ($0 as NSString).lastPathComponent
        }
        #expect(
            paths.sorted() == (Array(inputs) + ["notes.txt"]).sorted(),
            "seed \(initial), \(killed) kills: \(paths.sorted())")
        print("batch resume test: seed \(initial), \(killed) kills, \(records.count) records")
    }

    /// Documents run in worker processes: one that traps, hangs or exhausts its worker's memory
    /// gets a typed error record and the others go on, with records identical to an in-process
    /// run's. (The faults are injected in the worker by name; no real file produces them on
    /// demand.)
    @Test func crashingHangingAndMemoryHungryDocumentsCostOnlyTheirOwnRecords() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("docroute-workers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let root = Support.packageRoot.appendingPathComponent("Samples/identity")
        let good = [
            "png/card-person01-clean.png", "docx/hr-check-01-person06.docx", "xlsx/visitor-1-person08.xlsx",
            "pdf/record-02-person06.pdf", "png/card-person02-clean.png",
        ]
        for file in good {
            try FileManager.default.copyItem(
                at: root.appendingPathComponent(file),
                to: dir.appendingPathComponent((file as NSString).lastPathComponent))
        }
        let pdf = try Data(contentsOf: root.appendingPathComponent("pdf/record-01-person03.pdf"))
        for bad in ["crash", "hang", "memory"] { try pdf.write(to: dir.appendingPathComponent("\(bad)-record.pdf")) }
        var env = ProcessInfo.processInfo.environment
        env["DOCROUTE_TEST_FAULTS"] = "crash=crash-record.pdf,hang=hang-record.pdf,memory=memory-record.pdf"
        let out = dir.appendingPathComponent("records.jsonl").path
        let started = Date()
        let (status, stdout, stderr) = try Support.runBinary(
            EndToEndTests.binary,
            [
                "batch", dir.path, "--pipeline", "identity", "--jobs", "2",
                "--timeout", "3", "--max-memory", "512", "--out", out,
            ], timeout: 300, environment: env)
        #expect(status == 1, "\(stderr)")
        #expect(stdout.isEmpty)
        #expect(Date().timeIntervalSince(started) < 60)
        let records = try objects(try String(contentsOfFile: out, encoding: .utf8))
        func name(_ r: [String: Any]) -> String {
            (((r["source"] as? [String: Any])?["path"] as? String ?? "") as NSString).lastPathComponent
        }
        func error(_ r: [String: Any]) -> [String: Any]? { (r["errors"] as? [[String: Any]])?.first }
        #expect(
            records.map(name)
                == (good.map { ($0 as NSString).lastPathComponent } + [
                    "crash-record.pdf", "hang-record.pdf", "memory-record.pdf",
                ]).sorted())
        let byName = Dictionary(records.map { (name($0), $0) }, uniquingKeysWith: { a, _ in a })
        #expect(error(byName["crash-record.pdf"] ?? [:])?["code"] as? String == "crashed")
        #expect((error(byName["crash-record.pdf"] ?? [:])?["message"] as? String)?.contains("SIGILL") == true)
        #expect(error(byName["hang-record.pdf"] ?? [:])?["code"] as? String == "timeout")
        #expect(error(byName["memory-record.pdf"] ?? [:])?["code"] as? String == "crashed")
        #expect(
            (error(byName["memory-record.pdf"] ?? [:])?["message"] as? String)?.contains("memory cap is 512 MiB")
                == true)
        // The bad ones keep their hash, so --resume and the daemon know them.
        #expect((byName["crash-record.pdf"]?["source"] as? [String: Any])?["sha256"] as? String != nil)

        // The good documents in this process: byte for byte the same records, but for timings.
        func withoutTimings(_ line: Substring) -> String { String(line.replacing(/"timings_ms":\{[^}]*\}/, with: "")) }
        let workerLines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
            .filter { !$0.contains("-record.pdf\"") }.map(withoutTimings)
        for bad in ["crash", "hang", "memory"] {
            try FileManager.default.removeItem(at: dir.appendingPathComponent("\(bad)-record.pdf"))
        }
        try FileManager.default.removeItem(atPath: out)
        let (inStatus, inStdout, inStderr) = try run([
            "batch", dir.path, "--pipeline", "identity", "--jobs", "2", "--in-process", "--quiet",
        ])
        #expect(inStatus == 0, "\(inStderr)")
        #expect(workerLines.count == good.count)
        #expect(inStdout.split(separator: "\n").map(withoutTimings) == workerLines)
    }

    /// Issue 19: `watch --out` given as a symlink to the inbox was accepted and looped for ever,
    /// each record taken as a new document. It is refused before the daemon starts.
    @Test func watchRefusesAnOutputThatLinksIntoTheInbox() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("docroute-loop-\(UUID().uuidString)")
        let inbox = dir.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let link = dir.appendingPathComponent("records")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: inbox)
        let (status, _, stderr) = try run(
            ["watch", inbox.path, "--pipeline", "identity", "--out", link.path, "--once"], timeout: 60)
        #expect(status == 64, "\(stderr)")
        #expect(stderr.contains("must not be inside the inbox"), "\(stderr)")
    }

    @Test func evalGatesOnThresholds() throws {
        // A small truth file: two structured documents and one image.
        let all = try String(
            contentsOfFile: "\(Support.packageRoot.path)/Samples/identity/truth.jsonl", encoding: .utf8)
        let picked = all.split(separator: "\n").filter {
            $0.contains("\"docx/hr-check-01-person06.docx\"") || $0.contains("\"xlsx/visitor-1-person08.xlsx\"")
                || $0.contains("\"png/card-person05-clean.png\"")
        }
        #expect(picked.count == 3)
        let truth = FileManager.default.temporaryDirectory.appendingPathComponent("truth-\(UUID().uuidString).jsonl")
        try picked.joined(separator: "\n").write(to: truth, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: truth) }
        let (status, stdout, _) = try run([
            "eval", "Samples/identity", "--pipeline", "identity", "--truth", truth.path, "--json",
            "--min-f1", "docx=1", "xlsx=1",
        ])
        #expect(status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
        #expect(report["documents"] as? Int == 3)
        let kinds = try #require(report["by_kind"] as? [String: [String: Any]])
        #expect(kinds["docx"]?["f1"] as? Double == 1)
        #expect(kinds["png"] != nil)
        // A truth that disagrees with the card (person 5 is JOÃO PEDRO) brings png below 1: exit 1.
        let wrong = FileManager.default.temporaryDirectory.appendingPathComponent("truth-\(UUID().uuidString).jsonl")
        try picked.joined(separator: "\n").replacingOccurrences(of: "JOÃO PEDRO", with: "JOANA")
            .write(to: wrong, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: wrong) }
        let (failing, _, stderr) = try run([
            "eval", "Samples/identity", "--pipeline", "identity", "--truth", wrong.path, "--min-f1", "png=1",
        ])
        #expect(failing == 1)
        #expect(stderr.contains("png: F1"))
        let (passing, _, _) = try run([
            "eval", "Samples/identity", "--pipeline", "identity", "--truth", truth.path, "--min-f1", "png=1",
        ])
        #expect(passing == 0)
        // The card's given names are sure (≥ 0.9) and its record ok: against that truth, a sure
        // value is wrong and an ok record is not fully right; each floor fails the run.
        let (unsure, sureOut, sureErr) = try run([
            "eval", "Samples/identity", "--pipeline", "identity", "--truth", wrong.path, "--json",
            "--min-sure-accuracy", "png=1",
        ])
        #expect(unsure == 1 && sureErr.contains("png: values at ≥ 0.9 right 0.8750 < 1"), "\(sureErr)")
        let sureReport = try #require(try JSONSerialization.jsonObject(with: Data(sureOut.utf8)) as? [String: Any])
        let confidence = try #require(sureReport["confidence"] as? [String: [String: Any]])
        #expect(confidence["all"]?["ok_records"] as? Int == 3 && confidence["all"]?["ok_right"] as? Int == 2)
        #expect(confidence["docx"]?["sure_accuracy"] as? Double == 1)
        let (notRight, _, okErr) = try run([
            "eval", "Samples/identity", "--pipeline", "identity", "--truth", wrong.path,
            "--min-ok-accuracy", "all=0.9",
        ])
        #expect(notRight == 1 && okErr.contains("all: ok records fully right 0.6667 < 0.9"), "\(okErr)")
        let (fine, _, _) = try run([
            "eval", "Samples/identity", "--pipeline", "identity", "--truth", truth.path,
            "--min-sure-accuracy", "all=1", "--min-ok-accuracy", "all=1",
        ])
        #expect(fine == 0)
        // A document the truth names that is missing (or fails) has no kind, so no floor sees
        // it; the gate fails on it all the same, and names it.
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("truth-\(UUID().uuidString).jsonl")
        try (picked + [#"{"file": "docx/no-such-file.docx", "fields": {"surname": "X"}}"#]).joined(separator: "\n")
            .write(to: missing, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: missing) }
        let (gone, _, goneErr) = try run([
            "eval", "Samples/identity", "--pipeline", "identity", "--truth", missing.path,
            "--min-f1", "docx=1", "xlsx=1",
        ])
        #expect(gone == 1)
        #expect(goneErr.contains("1 document(s) failed or gave no record: docx/no-such-file.docx"), "\(goneErr)")
    }

    @Test func aMalformedPipelineIsAUsageError() throws {
        let spec = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).yaml")
        try "name: x\nfields:\n  - name: a\n    type: datum\n".write(to: spec, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: spec) }
        let (status, stdout, stderr) = try run([
            "extract", "--pipeline", spec.path, "Samples/identity/pdf/record-01-person03.pdf",
        ])
        #expect(status != 0)
        #expect(stdout.isEmpty)
        #expect(stderr.contains(":4:") && stderr.contains("fields[0].type"))
    }
}
