import Foundation
import Testing
@testable import DocRoute

@Suite struct PlaceholderTests {
    @Test func emptyIsTyped() {
        #expect(throws: DocRouteError.emptyFile) { try FormatDetector().detect(Data()) }
    }
}
