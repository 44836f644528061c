import DocRouteModel
import Foundation
import Synchronization

/// Accumulates the time spent inside OCR while one document is read, for the record's
/// `timings_ms.ocr`.
public final class OCRClock: Sendable {
    private let nanoseconds = Mutex<UInt64>(0)

    public init() {}

    /// Milliseconds of OCR so far.
    public var milliseconds: Double { Double(nanoseconds.withLock { $0 }) / 1_000_000 }

    package func measure<T>(_ body: () throws(DocRouteError) -> T) throws(DocRouteError) -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer {
            let elapsed = DispatchTime.now().uptimeNanoseconds - start
            nanoseconds.withLock { $0 += elapsed }
        }
        return try body()
    }
}
