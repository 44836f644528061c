import DocRouteModel
import Foundation

/// The LLM servers the tests talk to: the real llama-server (scripts/llm-server: Qwen2.5-Coder-0.5B
/// for the tests that check values, SmolLM2-135M for one that only needs a server to kill) and,
/// for faults a real server cannot produce on demand, Tests/Fixtures/fake-llm.py.
package enum LLMSupport {
    /// A process started by a test; stopped with `stop()`.
    package final class Server: @unchecked Sendable {
        let process: Process
        package let url: String
        /// The fake server's request log (one JSON object per line).
        let log: URL
        init(process: Process, url: String, log: URL) { self.process = process; self.url = url; self.log = log }
        /// SIGTERM, then SIGKILL after 3 s. (Not `waitUntilExit`, which can wait forever on
        /// Linux when called from a test's task.)
        package func stop() {
            guard process.isRunning else { return }
            process.terminate()
            let deadline = Date().addingTimeInterval(3)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            try? FileManager.default.removeItem(at: log)
        }
    }

    /// The model the real server runs: `DOCROUTE_TEST_LLM_MODEL` (set by scripts/test.sh), else qwen.
    package static let realModel =
        ProcessInfo.processInfo.environment["DOCROUTE_TEST_LLM_MODEL"].flatMap { $0.isEmpty ? nil : $0 } ?? "qwen"

    /// The real model's base URL: `DOCROUTE_TEST_LLM_URL` (scripts/test.sh starts the server and
    /// sets it), else a server this test run starts on a free port (built once, cached).
    static let realURL: Result<String, Error> = {
        if let url = ProcessInfo.processInfo.environment["DOCROUTE_TEST_LLM_URL"], !url.isEmpty { return .success(url) }
        return Result { try Support.script(["scripts/llm-server", "start", realModel, "auto"]) }
    }()

    package static func realServerURL() throws -> String { try realURL.get() }

    /// A second real server (SmolLM2: small and quick to load) on a free port, for a test that
    /// kills it: its URL and port.
    package static func startReal() throws -> (url: String, port: Int) {
        let url = try Support.script(["scripts/llm-server", "start", "smollm2", "auto"])
        guard let port = url.firstMatch(of: /:(\d+)\/v1$/).flatMap({ Int($0.1) }) else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "llm-server printed \(url)"])
        }
        return (url, port)
    }

    package static func stopReal(port: Int) throws {
        try Support.script(["scripts/llm-server", "stop", String(port)])
    }

    /// Starts the fake server on a free port.
    package static func startFake() throws -> Server {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("fake-llm-\(UUID().uuidString).jsonl")
        p.arguments = ["python3", Support.fixture("fake-llm.py"), "0", log.path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        // One byte at a time up to the newline (FileHandle reads can wait for more than a line).
        var line: [UInt8] = []
        var byte: UInt8 = 0
        let fd = out.fileHandleForReading.fileDescriptor
        while line.count < 100, read(fd, &byte, 1) == 1, byte != UInt8(ascii: "\n") { line.append(byte) }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("ready "),
            let port = Int(text.dropFirst(6).trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            p.terminate()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "fake LLM did not start: \(text)"])
        }
        return Server(process: p, url: "http://127.0.0.1:\(port)/v1", log: log)
    }

    /// The fake server's request log.
    package static func fakeLog(_ server: Server) throws -> [[String: Any]] {
        let text = (try? String(contentsOf: server.log, encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { line in
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
        }
    }

    /// A temporary folder for an LLM cache.
    package static func cacheDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("llm-cache-\(UUID().uuidString)")
    }

    /// A pipeline whose fields have no labels or patterns: only an LLM can fill them. `known`
    /// adds identity's document_number (filled by its pattern, so never sent to the LLM).
    package static func labelFreeSpec(
        url: String, model: String = realModel, mode: LLMSpec.Mode = .spans,
        timeout: Double = 120, retries: Int = 1
    ) throws -> PipelineSpec {
        try PipelineSpec.parse(
            yaml: """
                name: llm-test
                fields:
                  - name: surname
                    description: The holder's family name.
                    required: true
                  - name: city_of_birth
                    description: The city where the holder was born.
                  - name: document_number
                    labels: [Document No]
                    pattern: "[A-HJ-NPR-Z0-9]{9}"
                llm:
                  url: \(url)
                  model: \(model)
                  mode: \(mode.rawValue)
                  timeout: \(timeout)
                  retries: \(retries)
                """)
    }

    /// A one-page PDF with a text layer holding `lines` (Helvetica, ASCII), written by hand.
    package static func pdf(lines: [String]) -> Data {
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "(", with: "\\(")
                .replacingOccurrences(of: ")", with: "\\)")
        }
        let content =
            "BT /F1 12 Tf 72 770 Td " + lines.map { "(\(escape($0))) Tj 0 -20 Td" }.joined(separator: " ") + " ET"
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            "<< /Length \(content.utf8.count) >>\nstream\n\(content)\nendstream",
        ]
        var out = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (i, o) in objects.enumerated() {
            offsets.append(out.utf8.count)
            out += "\(i + 1) 0 obj\n\(o)\nendobj\n"
        }
        let xref = out.utf8.count
        out += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for o in offsets { out += String(format: "%010d 00000 n \n", o) }
        out += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Data(out.utf8)
    }

    /// Writes `data` to a temporary file with extension `ext`.
    package static func temporaryFile(_ data: Data, ext: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("llm-\(UUID().uuidString).\(ext)")
        try data.write(to: url)
        return url.path
    }
}
