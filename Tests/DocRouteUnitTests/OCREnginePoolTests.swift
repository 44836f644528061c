import DocRouteTestSupport
import Foundation
import Testing

@testable import DocRoute
@testable import DocRouteModel
@testable import DocRouteReaders

/// One engine per thread: concurrent reads give the same words as serial ones.
@Suite struct OCREnginePoolTests {
    @Test func concurrentReadsMatchSerialReads() throws {
        let pool = OCREnginePool(maxEngines: 2)
        let reader = DocumentReader(ocr: pool)
        let files = ["id-card-clean.png", "id-card-photo.jpg", "misnamed-png.jpg", "id-card-clean.png"].map(
            Support.sample)
        let serial = try files.map { try reader.read(path: $0).text }
        let results = InspectRunner(reader: reader, jobs: 2).run(files)
        #expect(results.map { $0.document?.text } == serial)
    }
}
