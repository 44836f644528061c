import Foundation
import Testing
@testable import DocRoute

/// Issue 7: layout fingerprints, the template store, learning and reading by template.
@Suite struct TemplateLearningTests {
    static func read(_ file: String) throws -> Document {
        let path = Support.packageRoot.appendingPathComponent("Samples/identity/\(file)").path
        return try Support.reader.read(path: path)
    }

    /// The fingerprint of a learned document: its value words left out (here: the words of the
    /// record's valid fields, by their boxes).
    static func learned(_ file: String) throws -> LayoutFingerprint {
        let document = try read(file)
        let spec = try PipelineSpec.resolve("identity", directories: [Support.packageRoot.appendingPathComponent("Pipelines").path])
        let record = try #require(Router(spec: spec).extract(document).first)
        let values = record.fields.values.compactMap { f in f.box.flatMap { b in f.page.map { (page: $0 - 1, box: b) } } }
        return LayoutFingerprint(document, excluding: values)
    }

    @Test func copiesOfOneLayoutMatchAndOtherLayoutsDoNot() throws {
        let card = try Self.learned("png/card-person01-clean.png")
        let permit = try Self.learned("png/card-person02-clean.png")
        // Other people, other values, noise and skew: the same fixed words in the same places.
        for copy in ["png/card-person03-clean.png", "png/card-person03-noise.png", "png/card-person13-clean.png"] {
            let m = card.match(LayoutFingerprint(try Self.read(copy)))
            print("fingerprint: identity card vs \(copy): \(m)")
            #expect(m >= 0.8, "\(copy): \(m)")
        }
        for copy in ["png/card-person04-clean.png", "png/card-person10-clean.png"] {
            let m = permit.match(LayoutFingerprint(try Self.read(copy)))
            #expect(m >= 0.8, "\(copy): \(m)")
        }
        // The other layout.
        for (template, other) in [(card, "png/card-person04-clean.png"), (permit, "png/card-person03-clean.png")] {
            let m = template.match(LayoutFingerprint(try Self.read(other)))
            print("fingerprint: other layout \(other): \(m)")
            #expect(m < 0.5, "\(other): \(m)")
        }
    }

    @Test func theStoreKeepsVersionsAcrossARestartAndForgets() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("templates.sqlite").path
        let fingerprint = try Self.learned("png/card-person01-clean.png")
        let region = LearnedTemplate.Region(page: 0, box: Box(x0: 0.3, y0: 0.2, x1: 0.6, y1: 0.25))
        do {
            let store = try TemplateStore(path: path)
            let first = try store.save(LearnedTemplate(id: "card", pipeline: "identity", fingerprint: fingerprint, regions: ["surname": region]))
            #expect(first.version == 1)
            #expect(try store.save(LearnedTemplate(id: "card", pipeline: "identity", fingerprint: fingerprint, regions: [:])).version == 2)
            try store.save(LearnedTemplate(id: "po", pipeline: "purchase_order", fingerprint: fingerprint, regions: [:]))
            try store.recordUse("card", version: 2, fellBack: true)
            try store.markStale("card", version: 2)
        }
        // Reopened, as after a restart.
        let store = try TemplateStore(path: path)
        let identity = try store.latest(pipeline: "identity")
        #expect(identity.map(\.id) == ["card"] && identity.first?.version == 2)
        #expect(identity.first?.uses == 1 && identity.first?.fallbacks == 1 && identity.first?.stale == true)
        #expect(identity.first?.fingerprint == fingerprint)
        #expect(try store.versions(of: "card").first?.regions["surname"] == region)
        #expect(try store.latest().count == 2)
        #expect(try store.forget("card"))
        #expect(try store.latest().map(\.id) == ["po"])
        #expect(try !store.forget("card"))
    }
}
