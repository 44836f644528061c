import Foundation

#if canImport(Glibc)
    import Glibc
    import DocRouteModel
#endif

/// Sleeps until something happens in the inbox, a timeout passes, or `wake()` is called.
/// On Linux it listens to inotify (any event means "scan again": the scan, not the event,
/// decides what is ready); elsewhere, or when inotify cannot be had, it simply waits for the
/// timeout (polling).
final class FolderEvents: @unchecked Sendable {
    // Immutable after init; the descriptors are used by one waiting thread and by wake().
    private let notify: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private var watched: Set<String> = []
    private let lock = NSLock()

    /// Whether inotify is in use.
    var usesInotify: Bool { notify >= 0 }

    init(useInotify: Bool) {
        #if os(Linux)
            notify = useInotify ? inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC)) : -1
        #else
            notify = -1
        #endif
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            _ = fcntl(fds[0], F_SETFL, O_NONBLOCK)
            _ = fcntl(fds[1], F_SETFL, O_NONBLOCK)
        }
        wakeRead = fds[0]
        wakeWrite = fds[1]
    }

    deinit {
        if notify >= 0 { close(notify) }
        if wakeRead >= 0 { close(wakeRead) }
        if wakeWrite >= 0 { close(wakeWrite) }
    }

    /// Watches `directories` (those not watched yet).
    func watch(_ directories: [URL]) {
        #if os(Linux)
            guard notify >= 0 else { return }
            lock.lock()
            defer { lock.unlock() }
            let mask = UInt32(
                IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MODIFY | IN_ATTRIB | IN_DELETE | IN_MOVED_FROM)
            for dir in directories where !watched.contains(dir.path) {
                if inotify_add_watch(notify, dir.path, mask) >= 0 { watched.insert(dir.path) }
            }
        #endif
    }

    /// Blocks until an event, a wake-up, or `timeout` seconds.
    func wait(timeout: Double) {
        var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        if notify >= 0 { fds.append(pollfd(fd: notify, events: Int16(POLLIN), revents: 0)) }
        let ms = Int32(max(0, min(timeout, 3600)) * 1000)
        _ = poll(&fds, nfds_t(fds.count), ms)
        drain(wakeRead)
        if notify >= 0 { drain(notify) }
    }

    /// Ends a `wait` now (from any thread).
    func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    private func drain(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while read(fd, &buffer, buffer.count) > 0 {}
    }
}
