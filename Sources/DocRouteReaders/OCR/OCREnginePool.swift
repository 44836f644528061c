import DocRouteModel
import Foundation
import Synchronization

/// Lends Tesseract engines so that each is used by one thread at a time. Engines are created
/// on demand (about 0.1 s each) and kept for reuse; at most `maxEngines` exist at once.
public final class OCREnginePool: Sendable {
    private struct State {
        var idle: [TesseractEngine] = []
        var created = 0
    }

    private let state = Mutex(State())
    private let available: DispatchSemaphore
    /// Tesseract language(s), e.g. `eng` or `eng+fra`.
    public let language: String
    public let maxEngines: Int

    public init(language: String = "eng", maxEngines: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.language = language
        self.maxEngines = max(1, maxEngines)
        self.available = DispatchSemaphore(value: max(1, maxEngines))
    }

    /// Runs `body` with an engine that no other thread uses meanwhile.
    package func withEngine<T>(_ body: (TesseractEngine) throws(DocRouteError) -> T) throws(DocRouteError) -> T {
        available.wait()
        defer { available.signal() }
        let engine: TesseractEngine
        if let idle = state.withLock({ $0.idle.popLast() }) {
            engine = idle
        } else {
            engine = try TesseractEngine(language: language)
            state.withLock { $0.created += 1 }
        }
        defer { state.withLock { $0.idle.append(engine) } }
        return try body(engine)
    }

    /// The Tesseract library version.
    public static var tesseractVersion: String { TesseractEngine.version }
}
