import DocRouteModel
import DocRouteTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// `docroute serve` as a client sees it, over real HTTP on loopback.
@Suite(.serialized, .tags(.endToEnd)) struct ServeTests {
    static let pipeline = Support.packageRoot.appendingPathComponent("Pipelines/identity.yaml").path

    /// A running server: its child process and base URL.
    struct Server {
        let child: Child
        let url: String
        let log: URL

        init(_ arguments: [String], environment: [String: String] = [:]) throws {
            log = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString).log")
            child = try Child(["serve", "--port", "0", "--jobs", "1"] + arguments, log: log, environment: environment)
            let end = Date().addingTimeInterval(60)
            var found: String? = nil
            while found == nil, Date() < end {
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                found = text.firstMatch(of: /url=(http:\/\/127\.0\.0\.1:\d+)/).map { String($0.1) }
                if found == nil { usleep(50_000) }
            }
            url = try #require(
                found, "the server did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }

        func stop() {
            child.signal(SIGTERM)
            child.wait(timeout: 30)
            try? FileManager.default.removeItem(at: log)
        }
    }

    /// A multipart/form-data body with `file` (named `name`) and other text fields.
    static func multipart(file: Data, name: String, fields: [String: String] = [:]) -> (Data, String) {
        let boundary = "docroute-\(UUID().uuidString)"
        var body = Data()
        for (k, v) in fields {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n".utf8)
        }
        body += Data(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                .utf8)
        body += file + Data("\r\n--\(boundary)--\r\n".utf8)
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    static func send(
        _ url: String, method: String = "GET", body: Data? = nil, type: String? = nil, token: String? = nil
    ) async throws -> (status: Int, json: [String: Any]?, text: String) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.httpBody = body
        if let type { request.setValue(type, forHTTPHeaderField: "Content-Type") }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return (
            status, try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            String(decoding: data, as: UTF8.self)
        )
    }

    /// A record without what differs between two reads of one file: timings, and the path.
    static func comparable(_ record: [String: Any]) -> NSDictionary {
        var r = record
        r.removeValue(forKey: "timings_ms")
        if var source = r["source"] as? [String: Any] {
            source.removeValue(forKey: "path")
            r["source"] = source
        }
        return r as NSDictionary
    }

    @Test func extractAnswersTheRecordExtractPrints() async throws {
        let server = try Server(["--pipeline", Self.pipeline])
        defer { server.stop() }
        for sample in ["png/card-person01-clean.png", "pdf/record-01-person03.pdf"] {
            let path = Support.identityRoot.appendingPathComponent(sample).path
            let cli = try Support.runBinary(
                Support.binary, ["extract", path, "--pipeline", Self.pipeline, "--jobs", "1"])
            #expect(cli.status == 0)
            let expected = try #require(
                try JSONSerialization.jsonObject(with: Data(cli.stdout.split(separator: "\n")[0].utf8))
                    as? [String: Any])
            let (body, type) = Self.multipart(
                file: try Data(contentsOf: URL(fileURLWithPath: path)), name: (sample as NSString).lastPathComponent)
            let answer = try await Self.send(server.url + "/v1/extract", method: "POST", body: body, type: type)
            #expect(answer.status == 200, "\(answer.text)")
            let records = try #require(answer.json?["records"] as? [[String: Any]])
            #expect(records.count == 1)
            #expect(Self.comparable(records[0]) == Self.comparable(expected), "\(sample)")
            #expect(
                (records[0]["source"] as? [String: Any])?["path"] as? String == (sample as NSString).lastPathComponent)
        }
    }

    @Test func refusalsAreTypedAndABadFileIsARecord() async throws {
        let server = try Server(
            ["--pipeline", Self.pipeline, "--max-body-mb", "1"], environment: ["DOCROUTE_TOKENS": "first, second"])
        defer { server.stop() }
        let sample = try Data(contentsOf: Support.identityRoot.appendingPathComponent("pdf/record-01-person03.pdf"))
        let (body, type) = Self.multipart(file: sample, name: "a.pdf")
        // No token, or a wrong one: 401. Health needs none.
        let anonymous = try await Self.send(server.url + "/v1/extract", method: "POST", body: body, type: type)
        #expect(anonymous.status == 401)
        #expect((anonymous.json?["error"] as? [String: Any])?["code"] as? String == "unauthorized")
        let wrong = try await Self.send(server.url + "/v1/pipelines", token: "third")
        #expect(wrong.status == 401)
        #expect(try await Self.send(server.url + "/healthz").status == 200)
        #expect(try await Self.send(server.url + "/v1/pipelines", token: "second").status == 200)
        // Over the size limit: 413, a typed error.
        let (big, bigType) = Self.multipart(file: Data(repeating: 0x25, count: 1_100_000), name: "big.pdf")
        let tooLarge = try await Self.send(
            server.url + "/v1/extract", method: "POST", body: big, type: bigType, token: "first")
        #expect(tooLarge.status == 413)
        #expect((tooLarge.json?["error"] as? [String: Any])?["code"] as? String == "limit_exceeded")
        // A file that is no document: HTTP 200, and a record with its typed error.
        let (junk, junkType) = Self.multipart(file: Data("%PDF-1.7\nbroken\n".utf8), name: "broken.pdf")
        let bad = try await Self.send(
            server.url + "/v1/extract", method: "POST", body: junk, type: junkType, token: "first")
        #expect(bad.status == 200, "\(bad.text)")
        let record = try #require((bad.json?["records"] as? [[String: Any]])?.first)
        #expect(record["status"] as? String == "failed")
        #expect(((record["errors"] as? [[String: Any]])?.first?["code"] as? String).map { !$0.isEmpty } == true)
        // A pipeline the server does not run: 404.
        let (named, namedType) = Self.multipart(file: sample, name: "a.pdf", fields: ["pipeline": "nope"])
        let unknown = try await Self.send(
            server.url + "/v1/extract", method: "POST", body: named, type: namedType, token: "first")
        #expect(unknown.status == 404)
        #expect((unknown.json?["error"] as? [String: Any])?["code"] as? String == "unknown_pipeline")
    }

    @Test func aClientOverItsRateIsToldWhenToComeBack() async throws {
        let server = try Server(["--pipeline", Self.pipeline, "--rate", "0.2", "--burst", "2"])
        defer { server.stop() }
        var statuses: [Int] = []
        for _ in 0..<4 { statuses.append(try await Self.send(server.url + "/v1/pipelines").status) }
        #expect(statuses == [200, 200, 429, 429])
        let refused = try await Self.send(server.url + "/v1/pipelines")
        #expect((refused.json?["error"] as? [String: Any])?["code"] as? String == "rate_limited")
        #expect(try await Self.send(server.url + "/healthz").status == 200)  // not counted
        try await Task.sleep(for: .milliseconds(5200))  // a token back at 0.2 a second
        #expect(try await Self.send(server.url + "/v1/pipelines").status == 200)
    }
}
