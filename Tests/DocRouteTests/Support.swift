import Foundation

@testable import DocRoute
@testable import DocRouteModel
@testable import DocRouteReaders

/// Paths and helpers shared by the tests.
enum Support {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let samples = packageRoot.appendingPathComponent("Samples/documents")
    static let fixtures = packageRoot.appendingPathComponent("Tests/Fixtures")
    /// The shared corpora beside the project (`../shared/corpora`).
    static let corpora = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpora")

    /// One reader (and one engine pool) for the whole test run.
    static let reader = DocumentReader()

    static func sample(_ name: String) -> String { samples.appendingPathComponent(name).path }
    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }
    static func corpus(_ relative: String) -> String { corpora.appendingPathComponent(relative).path }

    /// Every regular file under a corpus folder, except its documentation and licences.
    static func corpusFiles(_ folder: String, extensions: Set<String>? = nil) -> [String] {
        let skip: Set<String> = ["txt", "md", "toml", "rst", "tsv", "json", "csv", "itxt", "uzn"]
        return FileWalker.expand([corpus(folder)]).filter { path in
            let name = (path as NSString).lastPathComponent
            let ext = (name as NSString).pathExtension.lowercased()
            if name.hasPrefix("LICENSE") || name == "MANIFEST.txt" { return false }
            if let extensions { return extensions.contains(ext) }
            return !skip.contains(ext)
        }
    }

    /// One entry of Samples/manifest.json, the ground truth written by Samples/make-samples.py.
    struct SampleTruth: Decodable {
        struct CellTruth: Decodable {
            var table: Int
            var row: Int
            var column: Int
            var rowSpan: Int?
            var columnSpan: Int?
            var text: String
            var kind: String?
            var formula: String?

            enum CodingKeys: String, CodingKey {
                case table, row, column, text, kind, formula
                case rowSpan = "row_span"
                case columnSpan = "column_span"
            }
        }
        var file: String
        var format: String
        var pages: Int
        var lines: [String]
        var cells: [CellTruth]
        var ocr: Bool
        var notes: String
    }

    static func manifest() throws -> [SampleTruth] {
        let data = try Data(contentsOf: packageRoot.appendingPathComponent("Samples/manifest.json"))
        return try JSONDecoder().decode([SampleTruth].self, from: data)
    }

    /// White space collapsed to single spaces, trimmed.
    static func normalise(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Character error rate: edit distance (over Unicode scalars) / length of the truth.
    static func characterErrorRate(_ recognised: String, truth: String) -> Double {
        let a = Array(normalise(recognised).unicodeScalars), b = Array(normalise(truth).unicodeScalars)
        let n = a.count, m = b.count
        guard m > 0 else { return n == 0 ? 0 : 1 }
        guard n > 0 else { return 1 }
        var previous = Array(0...n)
        for j in 1...m {
            var current = [Int](repeating: 0, count: n + 1)
            current[0] = j
            for i in 1...n {
                current[i] = min(previous[i] + 1, current[i - 1] + 1, previous[i - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return Double(previous[n]) / Double(m)
    }

    /// Reads `path`, returning the document or the typed error, and the seconds it took.
    static func timedRead(_ path: String, reader: DocumentReader = reader) -> (Result<Document, DocRouteError>, Double)
    {
        let start = Date()
        let result: Result<Document, DocRouteError>
        do throws(DocRouteError) { result = .success(try reader.read(path: path)) } catch { result = .failure(error) }
        return (result, Date().timeIntervalSince(start))
    }

    /// Peak resident memory of this process, in MiB.
    static func peakMemoryMiB() -> Double {
        var usage = rusage()
        getrusage(Int32(truncatingIfNeeded: RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// Runs `binary` in the package folder and returns its exit status, stdout and stderr.
    /// Both streams go to files, not pipes (a pipe read to its end before the other fills past
    /// 64 KiB deadlocks), and the exit is polled with a deadline (`waitUntilExit` can wait
    /// forever on Linux when called from a test's task); past `timeout` seconds it is killed.
    static func runBinary(
        _ binary: URL, _ arguments: [String], timeout: Double = 600,
        environment: [String: String]? = nil
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let tmp = FileManager.default.temporaryDirectory
        let outURL = tmp.appendingPathComponent("run-\(UUID().uuidString).out")
        let errURL = tmp.appendingPathComponent("run-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        if let environment { process.environment = environment }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
        try? out.close()
        try? err.close()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            while process.isRunning { Thread.sleep(forTimeInterval: 0.02) }
            throw CocoaError(
                .fileReadUnknown,
                userInfo: [
                    NSLocalizedDescriptionKey:
                        "\(binary.lastPathComponent) \(arguments) still running after \(timeout) s: killed"
                ])
        }
        let stdout = String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self)
        let stderr = String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
        return (process.terminationStatus, stdout, stderr)
    }
}
