import DocRouteModel
import DocRouteTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The small hostile inputs of `Tests/Fixtures/hostile` (made by its `make-hostile.py`), each
/// run as a user runs it: one record with its typed error (or its pages read), within the
/// deadline, and a peak resident memory under 1 GiB for the command and its workers.
@Suite(.tags(.endToEnd)) struct HostileInputTests {
    /// What each input must give: an error code, or nil for a record that is not `failed`.
    static let expected: [String: String?] = [
        "billion-laughs.docx": "limit_exceeded", "xxe.docx": "limit_exceeded", "zip-bomb.docx": "limit_exceeded",
        "deep-nesting.docx": "corrupt", "many-cells.xlsx": "limit_exceeded", "merge-whole-sheet.xlsx": nil,
        "pixel-bomb.png": "limit_exceeded", "pixel-bomb.jpg": "limit_exceeded", "cyclic-frames.tiff": nil,
        "cyclic-pages.pdf": nil, "page-count-2e9.pdf": nil,
    ]

    /// Runs `binary arguments…`; its exit status, stdout, and the peak RSS (MiB) of it and the
    /// children it reaped, from `wait4`. An upper bound: Linux starts a spawned child's peak at
    /// the RSS of the process that spawned it (this test process, 100–200 MiB).
    static func measured(_ arguments: [String], timeout: Double) throws -> (
        status: Int32, stdout: String, peakMiB: Double, seconds: Double
    ) {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: out) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([EndToEndTests.binary.path] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        let envp = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in envp { free(p) } }
        var pid: pid_t = 0
        let start = Date()
        let rc = posix_spawn(&pid, EndToEndTests.binary.path, &actions, nil, argv, envp)
        guard rc == 0 else { throw CocoaError(.executableLoad) }
        var status: Int32 = 0, usage = rusage()
        while true {
            let r = wait4(pid, &status, WNOHANG, &usage)
            if r == pid { break }
            if Date().timeIntervalSince(start) > timeout {
                kill(pid, SIGKILL)
                _ = wait4(pid, &status, 0, &usage)
                throw CocoaError(
                    .fileReadUnknown,
                    userInfo: [NSLocalizedDescriptionKey: "\(arguments) still running after \(timeout) s"])
            }
            usleep(10_000)
        }
        let text = String(decoding: (try? Data(contentsOf: out)) ?? Data(), as: UTF8.self)
        let signalled = status & 0x7f
        return (
            signalled == 0 ? (status >> 8) & 0xff : 128 + signalled, text, Double(usage.ru_maxrss) / 1024,
            Date().timeIntervalSince(start)
        )
    }

    @Test(arguments: expected.keys.sorted())
    func aHostileInputGetsItsTypedRecordCheaply(name: String) throws {
        let path = Support.fixture("hostile/" + name)
        let run = try Self.measured(["extract", "--pipeline", "purchase_order", "--timeout", "10", path], timeout: 60)
        #expect(run.status == 0 || run.status == 1, "exit \(run.status)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 1, "\(run.stdout.prefix(500))")
        let record = try #require(
            lines.first.flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        let code = ((record["errors"] as? [[String: Any]])?.first)?["code"] as? String
        if let want = Self.expected[name] ?? nil {
            #expect(code == want, "\(record["errors"] ?? "")")
        } else {
            #expect(record["status"] as? String != "failed", "\(record["errors"] ?? "")")
        }
        #expect(run.seconds < 12, "\(run.seconds) s")
        #expect(run.peakMiB < 1024, "\(run.peakMiB) MiB")
        // Nothing from outside the document ever reaches a record.
        #expect(!run.stdout.contains("root:"))
        print(
            "hostile \(name): \(code ?? record["status"] as? String ?? "?"), \(String(format: "%.2f s, peak %.0f MiB", run.seconds, run.peakMiB))"
        )
    }

    /// The one real page under a page tree claiming two billion is read, with a warning.
    @Test func aPageTreeClaimingTwoBillionPagesGivesItsRealPage() throws {
        let run = try Self.measured(
            ["extract", "--pipeline", "purchase_order", Support.fixture("hostile/page-count-2e9.pdf")], timeout: 60)
        let record = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect((record["source"] as? [String: Any])?["pages"] as? Int == 1)
        #expect(
            (record["warnings"] as? [String])?.contains { $0.contains("claims 2000000000 pages") } == true, "\(record)")
        let fields = record["fields"] as? [String: [String: Any]]
        #expect((fields?["total"]?["value"] as? NSNumber)?.doubleValue == 120, "\(record)")
    }
}
