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
}
