import DocRouteModel
import Foundation
import Synchronization

/// Runs `work(i)` for `0..<count` on up to `jobs` threads and hands each result to `emit` on
/// the caller's thread, in index order, as soon as it and those before it are ready.
enum OrderedParallel {
    static func run<T: Sendable>(count: Int, jobs: Int, work: @escaping @Sendable (Int) -> T, emit: (Int, T) -> Void) {
        guard count > 0 else { return }
        let results = Mutex([Int: T]())
        let next = Atomic(0)
        let ready = DispatchSemaphore(value: 0)
        let workers = min(max(1, jobs), count)
        DispatchQueue.global().async {
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let i = next.add(1, ordering: .relaxed).oldValue
                    guard i < count else { return }
                    let value = work(i)
                    results.withLock { $0[i] = value }
                    ready.signal()
                }
            }
        }
        var emitted = 0
        while emitted < count {
            ready.wait()
            while let value = results.withLock({ $0.removeValue(forKey: emitted) }) {
                emit(emitted, value)
                emitted += 1
            }
        }
    }
}
