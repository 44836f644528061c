import DocRouteModel
import DocRouteTestSupport
import Foundation
import Testing

@testable import DocRouteService

/// The state file: a real SQLite database on disk, surviving being opened again.
@Suite(.tags(.service)) struct StateStoreTests {
    @Test func rowsSurviveReopening() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("docroute-state-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.sqlite").path
        let a: Int64, b: Int64
        do {
            let store = try StateStore(path: path)
            a = try store.insert(name: "x.pdf")
            b = try store.insert(name: "y.pdf")
            try store.update(a, status: .processing, sha256: "abc", attempts: 1, lastError: .some("boom"))
            try store.update(b, status: .processing, sha256: "abc")
        }
        let store = try StateStore(path: path)
        let row = try #require(try store.entry(a))
        #expect(row.name == "x.pdf" && row.status == .processing && row.attempts == 1 && row.lastError == "boom")
        #expect(try store.first(sha256: "abc")?.id == a)
        #expect(try store.counts()[.processing] == 2)
        try store.update(a, lastError: .some(nil))
        #expect(try store.entry(a)?.lastError == nil)
        try store.delete(b)
        #expect(try store.entries().map(\.id) == [a])
    }
}
