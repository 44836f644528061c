import Foundation

#if canImport(Glibc)
    import Glibc
    import DocRouteModel
#endif

/// The worker's side: reads one request per line on stdin, `{"path": "…"}`, and answers each
/// with the document's records, one JSON line each, then an empty line. Its first line is
/// `ready`. It exits when stdin ends or when the supervisor that started it is gone.
public enum WorkerLoop {
    static let ready = "ready"

    struct Request: Codable { var path: String }

    static func request(path: String) -> String {
        String(decoding: (try? JSONEncoder().encode(Request(path: path))) ?? Data(), as: UTF8.self)
    }

    /// Serves `pipeline` until stdin ends. `memoryMB` caps the process's data segment
    /// (RLIMIT_DATA), so a bomb fails an allocation instead of taking the machine; the
    /// supervisor turns that into the document's error record.
    public static func serve(_ pipeline: Pipeline, memoryMB: Int?) {
        if let memoryMB {
            let bytes = rlim_t(memoryMB) * 1024 * 1024
            var limit = rlimit(rlim_cur: bytes, rlim_max: bytes)
            setrlimit(Int32(RLIMIT_DATA.rawValue), &limit)
        }
        // Answers go to a private copy of stdout; whatever a library prints goes to stderr.
        let answers = fcntl(1, F_DUPFD_CLOEXEC, 3)
        dup2(2, 1)
        watchSupervisor()
        let faults = Faults(ProcessInfo.processInfo.environment["DOCROUTE_TEST_FAULTS"])
        send(ready + "\n", to: answers)
        while let line = readLine(strippingNewline: true) {
            guard let request = try? JSONDecoder().decode(Request.self, from: Data(line.utf8)) else {
                FileHandle.standardError.write(Data("worker: unreadable request\n".utf8))
                exit(2)
            }
            faults.apply(to: request.path)
            let records = pipeline.process(path: request.path)
            send(records.map { $0.json() + "\n" }.joined() + "\n", to: answers)
        }
    }

    private static func send(_ text: String, to fd: Int32) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { exit(0) }  // the supervisor is gone
            offset += n
        }
    }

    /// Exits as soon as the process that started this worker is gone (its stdin stays open
    /// while a document is being read, so a killed supervisor would not be noticed otherwise).
    private static func watchSupervisor() {
        let supervisor = ProcessInfo.processInfo.environment["DOCROUTE_SUPERVISOR"].flatMap { pid_t($0) } ?? getppid()
        let thread = Thread {
            while true {
                if getppid() != supervisor { _exit(0) }
                usleep(250_000)
            }
        }
        thread.name = "docroute-worker-watch"
        thread.start()
    }

    /// Faults the tests inject in a worker, by file name, through `DOCROUTE_TEST_FAULTS`
    /// (`crash=NAME,hang=NAME,memory=NAME`, NAME ending the file's name): the ones no real
    /// input produces on demand.
    /// Unset in normal runs, so no file name means anything.
    struct Faults {
        var byName: [String: String] = [:]

        init(_ text: String?) {
            for item in (text ?? "").split(separator: ",") {
                let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.count == 2 { byName[parts[1]] = parts[0] }
            }
        }

        func apply(to path: String) {
            let name = (path as NSString).lastPathComponent
            switch byName.first(where: { name.hasSuffix($0.key) })?.value {
            case "crash":
                let words = [1, 2, 3]
                let end = Int(getpid() % 1) + 1  // 1, though the compiler cannot tell
                _ = words[2..<(end)]  // Range requires lowerBound <= upperBound: a runtime trap
            case "hang":
                while true { sleep(60) }
            case "memory":
                var blocks: [UnsafeMutableRawPointer] = []
                while true {
                    guard let block = malloc(64 << 20) else { fatalError("Could not allocate memory") }
                    memset(block, 1, 64 << 20)
                    blocks.append(block)
                }
            default:
                break
            }
        }
    }
}
