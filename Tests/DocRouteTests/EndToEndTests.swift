import Foundation
import Testing
@testable import DocRoute

/// The `docroute` binary itself, run as a user runs it.
@Suite struct EndToEndTests {
    static var binary: URL {
        let testBinary = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        return testBinary.deletingLastPathComponent().appendingPathComponent("docroute")
    }

    func run(_ arguments: [String]) throws -> (status: Int32, stdout: String) {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = Support.packageRoot
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
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

    @Test func inspectRejectsBadOptions() throws {
        let (status, _) = try run(["inspect", "--jobs", "0", "Samples/documents"])
        #expect(status != 0)
    }
}
