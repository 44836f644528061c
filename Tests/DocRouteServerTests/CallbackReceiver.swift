import Crypto
import DocRouteTestSupport
import Foundation
import Hummingbird
import Testing

/// A callback receiver on loopback for the tests: it checks each callback's signature, answers
/// the first attempt of every seventh job 503 (so that it is sent again), and takes the rest.
struct CallbackReceiver {
    /// What the receiver saw: per job, the deliveries it took (answered 2xx) and every attempt.
    actor Inbox {
        var taken: [String: Int] = [:]
        var attempts: [String: [(delivery: String, attempt: Int)]] = [:]
        var bodies: [String: Data] = [:]
        var badSignatures = 0

        func receive(job: String, delivery: String, attempt: Int, body: Data, signed: Bool) -> Bool {
            if !signed { badSignatures += 1 }
            attempts[job, default: []].append((delivery, attempt))
            if attempt == 1, (Int(job) ?? 0) % 7 == 0 { return false }
            taken[job, default: 0] += 1
            bodies[job] = body
            return true
        }
    }

    let inbox: Inbox
    let url: String
    let running: Task<Void, Error>

    func stop() { running.cancel() }

    /// A receiver listening on a free port, checking signatures made with `secret`.
    static func start(secret: String) async throws -> CallbackReceiver {
        let inbox = Inbox()
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            var request = request
            let body = Data(buffer: try await request.collectBody(upTo: 1 << 24))
            let field = { (name: String) in
                request.headers.first { $0.name.canonicalName == name.lowercased() }?.value ?? ""
            }
            let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
            let expected = "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
            let take = await inbox.receive(
                job: field("X-DocRoute-Job"), delivery: field("X-DocRoute-Delivery"),
                attempt: Int(field("X-DocRoute-Attempt")) ?? 0, body: body,
                signed: field("X-DocRoute-Signature") == expected)
            return Response(status: take ? .noContent : .serviceUnavailable)
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) })
        let running = Task { try await app.run() }
        var port = 0
        for await p in ports {
            port = p
            break
        }
        return CallbackReceiver(inbox: inbox, url: "http://127.0.0.1:\(port)/hook", running: running)
    }

    /// `count` jobs posted at once to the server at `base`, each a text-layer sample (so that the
    /// test is about the API, not OCR time) with `hook` as its callback; their ids.
    static func submit(_ count: Int, to base: String, hook: String) async throws -> [String] {
        let samples = try ["docx", "pdf"].flatMap { kind in
            try FileManager.default.contentsOfDirectory(
                at: Support.identityRoot.appendingPathComponent(kind), includingPropertiesForKeys: nil)
        }.sorted { $0.path < $1.path }
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<count {
                let sample = samples[i % samples.count]
                group.addTask {
                    let (body, type) = ServeTests.multipart(
                        file: try Data(contentsOf: sample), name: sample.lastPathComponent,
                        fields: ["callback_url": hook])
                    let answer = try await ServeTests.send(base + "/v1/jobs", method: "POST", body: body, type: type)
                    #expect(answer.status == 202, "\(answer.text)")
                    return answer.json?["id"] as? String ?? ""
                }
            }
            var ids: [String] = []
            for try await id in group { ids.append(id) }
            return ids
        }
        #expect(Set(ids).count == count)
        return ids
    }

    /// Waits (at most `seconds`) for a callback of every job in `ids`, then checks that each was
    /// taken once, signed, those refused once sent again under the same delivery id, and that a
    /// callback's body is the job as `GET /v1/jobs/{id}` answers it, done.
    func expectEachOnce(_ ids: [String], server: String, seconds: Double = 120) async throws {
        let end = Date().addingTimeInterval(seconds)
        while await inbox.taken.count < ids.count, Date() < end { try await Task.sleep(for: .milliseconds(100)) }
        try await Task.sleep(for: .milliseconds(500))  // a late second delivery would show now
        let taken = await inbox.taken
        #expect(Set(taken.keys) == Set(ids))
        #expect(taken.values.allSatisfy { $0 == 1 }, "\(taken.filter { $0.value != 1 })")
        #expect(await inbox.badSignatures == 0)
        let attempts = await inbox.attempts
        let retried = ids.filter { (Int($0) ?? 0) % 7 == 0 }
        #expect(!retried.isEmpty)
        for id in retried {
            let seen = attempts[id] ?? []
            #expect(seen.map(\.attempt) == [1, 2], "job \(id): \(seen)")
            #expect(Set(seen.map(\.delivery)).count == 1)
        }
        let bodies = await inbox.bodies
        for id in ids.prefix(5) {
            let sent = try #require(try JSONSerialization.jsonObject(with: bodies[id] ?? Data()) as? [String: Any])
            #expect(sent["state"] as? String == "done")
            #expect((sent["records"] as? [[String: Any]])?.first?["status"] as? String == "ok")
            let asked = try await ServeTests.send(server + "/v1/jobs/\(id)")
            #expect(NSDictionary(dictionary: sent) == NSDictionary(dictionary: asked.json ?? [:]))
        }
    }
}
