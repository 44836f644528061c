import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension Support {
    /// The `docroute` binary built beside the test bundle.
    package static var binary: URL {
        let testBinary = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        return testBinary.deletingLastPathComponent().appendingPathComponent("docroute")
    }

    /// Runs a script of the project and returns its stdout (trimmed); throws on failure.
    /// Through `system(3)` and a file: Foundation's `Process` did not see the script exit once
    /// it had left a server running.
    @discardableResult
    package static func script(_ arguments: [String]) throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("script-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: output) }
        let quoted = arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(
            separator: " ")
        let status = system("cd '\(Support.packageRoot.path)' && bash \(quoted) > '\(output.path)' 2>/dev/null")
        let text = ((try? String(contentsOf: output, encoding: .utf8)) ?? "").trimmingCharacters(
            in: .whitespacesAndNewlines)
        guard status == 0 else {
            throw CocoaError(
                .fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "\(arguments) failed (\(status)): \(text)"])
        }
        return text
    }
}

/// A child process started with posix_spawn (stdout and stderr appended to `log`), so that
/// tests can SIGKILL it at any moment and reap it.
package final class Child {
    package let pid: pid_t
    package private(set) var status: Int32?

    package init(_ arguments: [String], log: URL, environment extra: [String: String] = [:]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([Support.binary.path] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var env = ProcessInfo.processInfo.environment
        env["OMP_THREAD_LIMIT"] = "1"
        env.merge(extra) { $1 }
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in envp { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, Support.binary.path, &actions, nil, argv, envp)
        guard rc == 0 else { throw NSError(domain: "spawn", code: Int(rc)) }
        self.pid = pid
    }

    /// Sends `signal`.
    package func signal(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Waits up to `timeout` seconds for the exit; the exit status, or nil (still running).
    @discardableResult
    package func wait(timeout: Double) -> Int32? {
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
    package func killNine() {
        kill(pid, SIGKILL)
        wait(timeout: 30)
    }
}

/// A deterministic generator (SplitMix64), so a failing run can be replayed from its seed.
package struct SeededRandom: RandomNumberGenerator {
    package var state: UInt64
    package init(state: UInt64) { self.state = state }
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
