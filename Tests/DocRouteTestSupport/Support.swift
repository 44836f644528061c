import DocRoute
import DocRouteModel
import DocRouteReaders
import Foundation

/// Paths and helpers shared by the tests.
package enum Support {
    /// The labelled identity samples (`Samples/identity`, truth in `truth.jsonl`).
    package static let identityRoot = packageRoot.appendingPathComponent("Samples/identity")

    /// A shipped pipeline (`Pipelines/NAME.yaml`) reading with `reader`.
    package static func pipeline(_ name: String) throws -> Pipeline {
        let spec = try PipelineSpec.resolve(name, directories: [packageRoot.appendingPathComponent("Pipelines").path])
        return Pipeline(spec: spec, reader: reader)
    }

    /// A card as OCR might give it: printed fields, then a TD1 zone (ICAO 9303 specimen values).
    package static func card(number: String?, birth: String, surname: String, zone: [String], confidence: Double = 0.9)
        -> Document
    {
        var lines = [
            "Surname: \(surname)", "Given names: ANNA MARIA", "Date of birth: \(birth)", "Sex: F",
            "Nationality: UTO",
        ]
        if let number { lines.append("Document No: \(number)") }
        lines += zone
        var words: [TextSpan] = []
        for (l, line) in lines.enumerated() {
            var x = 10.0
            for w in line.split(separator: " ") {
                let width = Double(w.count) * 12
                words.append(
                    TextSpan(
                        text: String(w), box: Box(x0: x, y0: Double(l) * 30, x1: x + width, y1: Double(l) * 30 + 20),
                        confidence: confidence, line: l, block: 0, order: words.count))
                x += width + 12
            }
        }
        let page = Page(index: 0, width: 800, height: 400, unit: .px, origin: .ocr, dpi: 300, words: words)
        return Document(
            source: Document.Source(path: "card.png", sha256: "", format: .png, bytes: 0), pages: [page], tables: [])
    }

    package static let specimenZone = [
        "I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    ]

    package static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    package static let samples = packageRoot.appendingPathComponent("Samples/documents")
    static let fixtures = packageRoot.appendingPathComponent("Tests/Fixtures")
    /// The shared corpora beside the project (`../shared/corpora`).
    static let corpora = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpora")

    /// One reader (and one engine pool) for the whole test run.
    package static let reader = DocumentReader()

    package static func sample(_ name: String) -> String { samples.appendingPathComponent(name).path }
    package static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }
    package static func corpus(_ relative: String) -> String { corpora.appendingPathComponent(relative).path }

    /// Every regular file under a corpus folder, except its documentation and licences.
    package static func corpusFiles(_ folder: String, extensions: Set<String>? = nil) -> [String] {
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
    package struct SampleTruth: Decodable {
        package struct CellTruth: Decodable {
            package var table: Int
            package var row: Int
            package var column: Int
            package var rowSpan: Int?
            package var columnSpan: Int?
            package var text: String
            package var kind: String?
            package var formula: String?

            enum CodingKeys: String, CodingKey {
                case table, row, column, text, kind, formula
                case rowSpan = "row_span"
                case columnSpan = "column_span"
            }
        }
        package var file: String
        package var format: String
        package var pages: Int
        package var lines: [String]
        package var cells: [CellTruth]
        package var ocr: Bool
        var notes: String
    }

    package static func manifest() throws -> [SampleTruth] {
        let data = try Data(contentsOf: packageRoot.appendingPathComponent("Samples/manifest.json"))
        return try JSONDecoder().decode([SampleTruth].self, from: data)
    }

    /// White space collapsed to single spaces, trimmed.
    package static func normalise(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Character error rate: edit distance (over Unicode scalars) / length of the truth.
    package static func characterErrorRate(_ recognised: String, truth: String) -> Double {
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
    package static func timedRead(_ path: String, reader: DocumentReader = reader) -> (
        Result<Document, DocRouteError>, Double
    ) {
        let start = Date()
        let result: Result<Document, DocRouteError>
        do throws(DocRouteError) { result = .success(try reader.read(path: path)) } catch { result = .failure(error) }
        return (result, Date().timeIntervalSince(start))
    }

    /// Peak resident memory of this process, in MiB.
    package static func peakMemoryMiB() -> Double {
        var usage = rusage()
        getrusage(Int32(truncatingIfNeeded: RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// Runs the set generator `Samples/SCRIPT` (python3) with `seed`, a fresh temporary folder
    /// and `more`, and returns the folder; the caller removes it. Throws when the script fails.
    package static func generated(_ script: String, seed: Int, _ more: [String] = []) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "\((script as NSString).deletingPathExtension)-\(UUID().uuidString)")
        let made = try runBinary(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", "Samples/\(script)", String(seed), dir.path] + more)
        guard made.status == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "\(script): \(made.stderr)"])
        }
        return dir
    }

    /// Runs `binary` in the package folder and returns its exit status, stdout and stderr.
    /// Both streams go to files, not pipes (a pipe read to its end before the other fills past
    /// 64 KiB deadlocks), and the exit is polled with a deadline (`waitUntilExit` can wait
    /// forever on Linux when called from a test's task); past `timeout` seconds it is killed.
    package static func runBinary(
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
