import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
    import DocRouteModel
#endif

/// One worker: the docroute executable running its `worker` command, sent one document at a
/// time on its stdin and answering on its stdout (see `WorkerLoop` for the protocol). Its
/// stderr goes to an unlinked file, read back when it dies. Used by one thread at a time:
/// the pool hands it out.
final class WorkerProcess: @unchecked Sendable {
    let pid: pid_t
    /// Our end of the worker's stdin.
    private let input: Int32
    /// Our end of the worker's stdout.
    private let output: Int32
    /// The worker's stderr (an unlinked temporary file, opened for appending).
    private let errors: Int32
    private var buffer: [UInt8] = []
    private var reaped = false
    /// Documents answered so far.
    var documents = 0
    /// Seconds from spawn until the worker said it was ready.
    private(set) var startSeconds = 0.0

    /// How an exchange ended.
    enum Outcome {
        /// The worker answered with these record lines.
        case answered([String])
        /// The worker died: how, and what it printed on stderr.
        case died(Death)
        /// No answer before the deadline; the worker has been killed.
        case timedOut
    }

    /// How a worker process ended.
    struct Death: CustomStringConvertible {
        var signal: Int32?
        var status: Int32?
        var stderr: String

        var description: String {
            var how = signal.map { "killed by \(Self.name(of: $0))" } ?? "exited with status \(status ?? -1)"
            if let message = Self.message(in: stderr) { how += ": " + message }
            return how
        }

        /// The lines of a runtime failure (Swift's `Fatal error`, C++'s `terminate called`, an
        /// allocation failure), or the last line printed; nil when nothing was printed.
        static func message(in stderr: String) -> String? {
            let lines = stderr.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter
            { !$0.isEmpty }
            let markers = [
                "Fatal error", "fatal error", "terminate called", "what():", "runtime failure", "Could not allocate",
                "Error:", "error:",
            ]
            let found = lines.filter { line in markers.contains { line.contains($0) } }
            let picked = found.isEmpty ? lines.suffix(1) : found.prefix(3)
            guard !picked.isEmpty else { return nil }
            let text = picked.joined(separator: " | ")
            return text.count > 400 ? String(text.prefix(400)) + "…" : text
        }

        /// Whether the worker ran out of memory (an allocation that failed under the cap).
        var outOfMemory: Bool {
            ["bad_alloc", "Could not allocate", "cannot allocate", "out of memory"].contains { stderr.contains($0) }
        }

        static func name(of signal: Int32) -> String {
            let names: [Int32: String] = [
                SIGILL: "SIGILL", SIGTRAP: "SIGTRAP", SIGABRT: "SIGABRT", SIGBUS: "SIGBUS",
                SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV", SIGTERM: "SIGTERM",
                SIGPIPE: "SIGPIPE", SIGXCPU: "SIGXCPU", SIGSYS: "SIGSYS",
            ]
            return names[signal] ?? "signal \(signal)"
        }
    }

    private init(pid: pid_t, input: Int32, output: Int32, errors: Int32) {
        self.pid = pid; self.input = input; self.output = output; self.errors = errors
    }

    deinit {
        if !reaped { Glibc.kill(pid, SIGKILL); _ = reap(wait: true) }
        close(input); close(output); close(errors)
    }

    /// Starts `executable arguments…` and waits (up to `startTimeout` seconds) for its ready line.
    static func spawn(
        executable: String, arguments: [String], environment: [String: String],
        startTimeout: Double
    ) throws(DocRouteError) -> WorkerProcess {
        let begin = DispatchTime.now().uptimeNanoseconds
        // Pipes and spawns one at a time: descriptors are made close-on-exec right after they
        // are made, and no other worker may be spawned in between (it would inherit them).
        let (pid, input, output, errors) = try spawnLock.withLock { _ throws(DocRouteError) in
            try start(executable: executable, arguments: arguments, environment: environment)
        }
        let worker = WorkerProcess(pid: pid, input: input, output: output, errors: errors)
        switch worker.readLine(until: DispatchTime.now().uptimeNanoseconds + UInt64(startTimeout * 1e9)) {
        case .line(let line) where line == WorkerLoop.ready:
            worker.startSeconds = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
            return worker
        case .line(let line):
            worker.kill()
            throw .crashed("the worker did not start: it said \(line.prefix(200))")
        case .end:
            throw .crashed("the worker did not start: \(worker.reap(wait: true))")
        case .timedOut:
            worker.kill()
            throw .crashed("the worker did not start within \(startTimeout) s")
        }
    }

    private static let spawnLock = Mutex(())

    /// Makes the pipes and the stderr file and starts the process: its pid, our end of its
    /// stdin, of its stdout, and its stderr file.
    private static func start(
        executable: String, arguments: [String],
        environment: [String: String]
    ) throws(DocRouteError) -> (pid_t, Int32, Int32, Int32) {
        var toChild: [Int32] = [-1, -1], fromChild: [Int32] = [-1, -1]
        guard pipe(&toChild) == 0 else { throw .crashed("cannot start a worker: pipe: \(errnoText())") }
        guard pipe(&fromChild) == 0 else {
            close(toChild[0]); close(toChild[1])
            throw .crashed("cannot start a worker: pipe: \(errnoText())")
        }
        var template = Array((NSTemporaryDirectory() + "/docroute-worker-XXXXXX").utf8CString)
        let errors = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard errors >= 0 else {
            for fd in toChild + fromChild { close(fd) }
            throw .crashed("cannot start a worker: stderr file: \(errnoText())")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        for fd in toChild + fromChild + [errors] { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(errors, F_SETFL, O_APPEND)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The supervisor ignores SIGPIPE; the worker gets the default back, and no blocked signal.
        var defaults = sigset_t(), empty = sigset_t()
        sigemptyset(&defaults); sigaddset(&defaults, SIGPIPE)
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv + envp { free(p) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        close(toChild[0]); close(fromChild[1])
        guard spawned == 0 else {
            close(toChild[1]); close(fromChild[0]); close(errors)
            throw .crashed("cannot start a worker (\(executable)): \(String(cString: strerror(spawned)))")
        }
        return (pid, toChild[1], fromChild[0], errors)
    }

    /// Sends one document and waits for its records until `deadline` (uptime nanoseconds).
    /// A worker that did not answer in time is killed.
    func exchange(path: String, deadline: UInt64) -> Outcome {
        ftruncate(errors, 0)
        let request = WorkerLoop.request(path: path) + "\n"
        guard writeAll(Array(request.utf8)) else { return .died(reap(wait: true)) }
        var lines: [String] = []
        while true {
            switch readLine(until: deadline) {
            case .line(let line):
                if line.isEmpty {
                    documents += 1
                    return .answered(lines)
                }
                lines.append(line)
            case .end:
                return .died(reap(wait: true))
            case .timedOut:
                kill()
                return .timedOut
            }
        }
    }

    /// Whether the worker has exited on its own (reaping it if so).
    var hasExited: Bool {
        if reaped { return true }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { reaped = true; return true }
        return false
    }

    /// Closes its stdin (the worker exits when its current document is done) and waits up to
    /// `grace` seconds before killing it.
    func retire(grace: Double = 5) {
        close(input)
        let end = Date().addingTimeInterval(grace)
        while !hasExited && Date() < end { usleep(10_000) }
        if !reaped { kill() }
    }

    /// Kills the worker and reaps it.
    func kill() {
        guard !reaped else { return }
        Glibc.kill(pid, SIGKILL)
        _ = reap(wait: true)
    }

    // MARK: pipes

    private enum Read { case line(String), end, timedOut }

    /// The next line on the worker's stdout (without its newline).
    private func readLine(until deadline: UInt64) -> Read {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return .line(line)
            }
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < deadline else { return .timedOut }
            var fds = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            let waitMs = Int32(min(UInt64(Int32.max), (deadline - now) / 1_000_000 + 1))
            let ready = poll(&fds, 1, waitMs)
            if ready < 0 && errno == EINTR { continue }
            if ready == 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let n = read(output, &chunk, chunk.count)
            if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            if n <= 0 { return .end }
            buffer.append(contentsOf: chunk[..<n])
        }
    }

    private func writeAll(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBufferPointer { write(input, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// Waits for the worker to end (killing it after 2 s when it lingers) and says how it did.
    private func reap(wait: Bool) -> Death {
        var status: Int32 = 0
        if !reaped {
            let end = Date().addingTimeInterval(2)
            var done = false
            while Date() < end {
                let r = waitpid(pid, &status, WNOHANG)
                if r == pid || (r < 0 && errno != EINTR) { done = true; break }
                usleep(5_000)
            }
            if !done {
                Glibc.kill(pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            }
            reaped = true
        }
        let signal = status & 0x7f
        return Death(
            signal: signal != 0 && signal != 0x7f ? signal : nil,
            status: signal == 0 ? (status >> 8) & 0xff : nil, stderr: stderrTail())
    }

    /// The last 64 KiB the worker wrote on stderr since its current document was sent.
    private func stderrTail() -> String {
        var info = stat()
        guard fstat(errors, &info) == 0 else { return "" }
        let size = Int(info.st_size), count = min(size, 1 << 16)
        var bytes = [UInt8](repeating: 0, count: count)
        let n = pread(errors, &bytes, count, off_t(size - count))
        return n > 0 ? String(decoding: bytes[..<n], as: UTF8.self) : ""
    }
}

func errnoText() -> String { String(cString: strerror(errno)) }
