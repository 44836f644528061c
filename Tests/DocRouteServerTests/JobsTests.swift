import Crypto
import DocRouteModel
import DocRouteServer
import DocRouteTestSupport
import Foundation
import Hummingbird
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// `POST /v1/jobs`, `GET /v1/jobs/{id}` and their signed callbacks, over real HTTP on loopback.
@Suite(.serialized, .tags(.endToEnd)) struct JobsTests {
    typealias Server = ServeTests.Server

    static let secret = "callback-secret-\(UUID().uuidString)"

    /// A file holding `secret`, for `--callback-secret-file`.
    static func secretFile() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(UUID().uuidString)")
        try Data(secret.utf8).write(to: url)
        return url
    }

    /// The job, asked for until it is finished (at most `seconds`).
    static func finished(_ url: String, seconds: Double = 60) async throws -> [String: Any] {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            let answer = try await ServeTests.send(url)
            #expect(answer.status == 200, "\(answer.text)")
            if let state = answer.json?["state"] as? String, state == "done" || state == "dead" {
                return answer.json ?? [:]
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("\(url) not finished in \(seconds) s")
        return [:]
    }

    @Test func aJobAnswersTheRecordExtractPrints() async throws {
        let server = try Server(["--pipeline", ServeTests.pipeline, "--rate", "0"])
        defer { server.stop() }
        let path = Support.identityRoot.appendingPathComponent("png/card-person01-clean.png").path
        let cli = try Support.runBinary(
            Support.binary, ["extract", path, "--pipeline", ServeTests.pipeline, "--jobs", "1"])
        let expected = try #require(
            try JSONSerialization.jsonObject(with: Data(cli.stdout.split(separator: "\n")[0].utf8)) as? [String: Any])
        let (body, type) = ServeTests.multipart(
            file: try Data(contentsOf: URL(fileURLWithPath: path)), name: "card.png")
        var request = URLRequest(url: URL(string: server.url + "/v1/jobs")!)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue(type, forHTTPHeaderField: "Content-Type")
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        #expect(http.statusCode == 202)
        let job = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let id = try #require(job["id"] as? String)
        #expect(["queued", "running"].contains(job["state"] as? String))
        #expect(http.value(forHTTPHeaderField: "Location") == "/v1/jobs/\(id)")
        let done = try await Self.finished(server.url + "/v1/jobs/\(id)")
        #expect(done["state"] as? String == "done")
        #expect(done["name"] as? String == "card.png")
        let records = try #require(done["records"] as? [[String: Any]])
        #expect(records.count == 1)
        #expect(ServeTests.comparable(records[0]) == ServeTests.comparable(expected))
        // An unknown job: 404; a method a path does not take: 405; a callback with no secret
        // to sign it: 400.
        let unknown = try await ServeTests.send(server.url + "/v1/jobs/123456")
        #expect(unknown.status == 404)
        #expect((unknown.json?["error"] as? [String: Any])?["code"] as? String == "not_found")
        #expect(try await ServeTests.send(server.url + "/v1/jobs", method: "DELETE").status == 405)
        let (hooked, hookedType) = ServeTests.multipart(
            file: Data("x".utf8), name: "x.pdf", fields: ["callback_url": "http://127.0.0.1:9/hook"])
        let unsigned = try await ServeTests.send(
            server.url + "/v1/jobs", method: "POST", body: hooked, type: hookedType)
        #expect(unsigned.status == 400, "\(unsigned.text)")
        // What happened is in the metrics.
        let metrics = try await ServeTests.send(server.url + "/metrics").text
        #expect(metrics.contains("docroute_http_requests_total{route=\"/v1/jobs\",status=\"202\"} 1"), "\(metrics)")
        #expect(metrics.contains("docroute_http_requests_total{route=\"/v1/jobs/{id}\",status=\"404\"} 1"))
        #expect(metrics.contains("docroute_jobs_pending 0"))
        #expect(metrics.contains("docroute_document_seconds_count 1"))
    }

    @Test func aHundredConcurrentJobsEachCallBackOnceSigned() async throws {
        let receiver = try await CallbackReceiver.start(secret: Self.secret)
        defer { receiver.stop() }
        let secret = try Self.secretFile()
        defer { try? FileManager.default.removeItem(at: secret) }
        let server = try Server([
            "--pipeline", ServeTests.pipeline, "--rate", "0", "--callback-secret-file", secret.path,
            "--callback-delay", "0.2",
        ])
        defer { server.stop() }
        let ids = try await CallbackReceiver.submit(100, to: server.url, hook: receiver.url)
        try await receiver.expectEachOnce(ids, server: server.url)
        let metrics = try await ServeTests.send(server.url + "/metrics").text
        #expect(metrics.contains("docroute_callbacks_total{outcome=\"delivered\"} 100"), "\(metrics)")
    }

    @Test func theSignatureIsHMACSHA256OfTheBody() {
        // RFC 4231, test case 2.
        #expect(
            Callbacks.signature(Data("what do ya want for nothing?".utf8), secret: Data("Jefe".utf8))
                == "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func schemathesisFindsNoServerErrorAndNoSchemaViolation() throws {
        let secret = try Self.secretFile()
        defer { try? FileManager.default.removeItem(at: secret) }
        let server = try Server(
            [
                "--pipeline", ServeTests.pipeline, "--rate", "0", "--callback-secret-file", secret.path,
                "--callback-attempts", "1", "--readable", Support.identityRoot.path,
            ], environment: ["DOCROUTE_TOKENS": "schema-token"])
        defer { server.stop() }
        // Every check schemathesis has: server errors, statuses, content types, headers and
        // bodies against the schema, authentication, methods; deterministic, so that a failure
        // shows again.
        let run = try Support.runBinary(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "schemathesis", "run", server.url + "/openapi.json", "--header", "Authorization: Bearer schema-token",
                "--checks", "all", "--max-examples", "25", "--generation-deterministic", "--no-color",
            ], timeout: 900)
        #expect(run.status == 0, "schemathesis:\n\(run.stdout.suffix(6000))\n\(run.stderr.suffix(2000))")
        #expect(run.stdout.contains("No issues found"), "\(run.stdout.suffix(3000))")
    }
}
