import DocRouteModel
import Foundation

/// A point in time after which reading a document gives up with `DocRouteError.timeout`.
package struct Deadline: Sendable {
    let start: Date
    let seconds: Double

    package init(seconds: Double) {
        self.start = Date()
        self.seconds = seconds
    }

    var remaining: Double { seconds - Date().timeIntervalSince(start) }

    package func check() throws(DocRouteError) {
        if remaining <= 0 { throw .timeout(seconds: seconds) }
    }
}
