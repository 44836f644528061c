import DocRouteModel
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Helpers for running the real `docroute watch` binary as a child process and checking the
/// folders it leaves.
enum WatchSupport {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let identity = packageRoot.appendingPathComponent("Samples/identity")
    /// The identity pipeline's spec, by path (children do not run in the package folder).
    static let pipeline = packageRoot.appendingPathComponent("Pipelines/identity.yaml").path

    static var binary: URL {
        let testBinary = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        return testBinary.deletingLastPathComponent().appendingPathComponent("docroute")
    }

    static func temporaryDirectory(_ tag: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "docroute-\(tag)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A child process started with posix_spawn (stdout and stderr appended to `log`), so that
    /// tests can SIGKILL it at any moment and reap it.
    final class Child {
        let pid: pid_t
        private(set) var status: Int32?

        init(_ arguments: [String], log: URL, environment extra: [String: String] = [:]) throws {
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
            let argv = ([WatchSupport.binary.path] + arguments).map { strdup($0) } + [nil]
            defer { for p in argv { free(p) } }
            var env = ProcessInfo.processInfo.environment
            env["OMP_THREAD_LIMIT"] = "1"
            env.merge(extra) { $1 }
            let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer { for p in envp { free(p) } }
            var pid: pid_t = 0
            let rc = posix_spawn(&pid, WatchSupport.binary.path, &actions, nil, argv, envp)
            guard rc == 0 else { throw NSError(domain: "spawn", code: Int(rc)) }
            self.pid = pid
        }

        /// Sends `signal`.
        func signal(_ signal: Int32) {
            kill(pid, signal)
        }

        /// Waits up to `timeout` seconds for the exit; the exit status, or nil (still running).
        @discardableResult
        func wait(timeout: Double) -> Int32? {
            if let status { return status }
            let deadline = Date().addingTimeInterval(timeout)
            var raw: Int32 = 0
            while true {
                let r = waitpid(pid, &raw, WNOHANG)
                if r == pid {
                    // Exit code, or 128 + signal number.
                    let signalled = raw & 0x7f
                    status = signalled == 0 ? (raw >> 8) & 0xff : 128 + signalled
                    return status
                }
                if Date() >= deadline { return nil }
                usleep(20_000)
            }
        }

        /// SIGKILL and reap.
        func killNine() {
            kill(pid, SIGKILL)
            wait(timeout: 30)
        }
    }

    /// Writes `data` to `url` in `pieces` chunks with `pause` seconds between them (a slow copy).
    static func slowCopy(_ data: Data, to url: URL, pieces: Int, pause: Double) throws {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        let size = max(1, (data.count + pieces - 1) / pieces)
        var offset = 0
        while offset < data.count {
            let end = min(data.count, offset + size)
            try handle.write(contentsOf: data[offset..<end])
            offset = end
            if offset < data.count { Thread.sleep(forTimeInterval: pause) }
        }
    }

    /// Every JSON object of a JSON Lines text.
    static func objects(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map {
            guard let o = try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] else {
                throw NSError(domain: "json", code: 1)
            }
            return o
        }
    }

    /// Files under `dir` (relative paths), recursively, hidden ones included.
    static func files(_ dir: URL) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: dir.path) else { return [] }
        var out: [String] = []
        while let p = e.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent(p).path, isDirectory: &isDir),
                !isDir.boolValue
            {
                out.append(p)
            }
        }
        return out.sorted()
    }

    /// A deterministic generator (SplitMix64), so a failing run can be replayed from its seed.
    struct Random: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
