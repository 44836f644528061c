import AsyncHTTPClient
import DocRouteModel
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// An OpenAI-compatible chat-completions backend (`POST {url}/chat/completions`) on
/// AsyncHTTPClient: llama.cpp's `llama-server`, Ollama's `/v1`, vLLM and OpenAI itself.
///
/// Asks for structured output with `response_format: json_schema` (strict); a server that
/// rejects that with HTTP 400 is asked again, and from then on, with `json_object` and the
/// schema in the prompt. Retries 429, 5xx, timeouts and connection errors with jittered
/// exponential backoff; at most `maxConcurrency` requests are in flight. The API key is read
/// from the environment variable the pipeline names and is never logged or recorded.
public final class OpenAIBackend: LLMBackend {
    public let model: String
    let endpoint: String
    let apiKey: String?
    let timeout: Double
    let retries: Int
    /// Answers larger than this are refused (a runaway model cannot fill memory).
    public static let maxAnswerBytes = 1 << 20
    private let slots: DispatchSemaphore
    /// Set once the server has rejected `json_schema`.
    private let plainJSON = Atomic(false)
    private let totals = Mutex(LLMUsage())

    /// `environment` is where `spec.apiKeyEnv` is looked up (the process's by default).
    public init(spec: LLMSpec, environment: [String: String] = ProcessInfo.processInfo.environment) throws(LLMError) {
        model = spec.model
        var base = spec.url
        while base.hasSuffix("/") { base.removeLast() }
        endpoint = base + "/chat/completions"
        if let variable = spec.apiKeyEnv {
            guard let key = environment[variable], !key.isEmpty else { throw .missingAPIKey(variable: variable) }
            apiKey = key
        } else {
            apiKey = nil
        }
        timeout = spec.timeoutSeconds
        retries = spec.retries
        slots = DispatchSemaphore(value: max(1, spec.maxConcurrency))
    }

    /// Tokens used by every request so far.
    public var usage: LLMUsage { totals.withLock { $0 } }

    public func complete(_ request: LLMRequest, requests: inout Int) throws(LLMError) -> LLMAnswer {
        slots.wait()
        defer { slots.signal() }
        var attempt = 0
        while true {
            requests += 1
            let plain = plainJSON.load(ordering: .relaxed)
            do throws(LLMError) {
                let (content, usage) = try send(request, plainJSON: plain)
                totals.withLock { $0 = $0 + usage }
                return LLMAnswer(content: content, usage: usage)
            } catch {
                if case .http(400, let message) = error, !plain, Self.rejectsSchema(message) {
                    plainJSON.store(true, ordering: .relaxed)
                    continue  // not a retry: the same request in the form the server takes
                }
                guard error.isTransient, attempt < retries else { throw error }
                Thread.sleep(forTimeInterval: Self.backoff(attempt: attempt))
                attempt += 1
            }
        }
    }

    /// 0.5 s, 1 s, 2 s, … (capped at 8 s), each × a random 0.5–1.5 so that clients spread out.
    static func backoff(attempt: Int) -> Double {
        min(8, 0.5 * pow(2, Double(attempt))) * Double.random(in: 0.5...1.5)
    }

    /// A 400 that names the structured-output request (not, say, a context overflow).
    static func rejectsSchema(_ message: String) -> Bool {
        let m = message.lowercased()
        return m.contains("response_format") || m.contains("json_schema") || m.contains("schema")
    }

    /// The request body: the messages (plus the schema in the prompt when the server takes
    /// only `json_object`), deterministic sampling, a token cap.
    func body(_ request: LLMRequest, plainJSON: Bool) -> JSONValue {
        var messages = request.messages
        let format: JSONValue
        if plainJSON {
            messages.append(
                LLMMessage(
                    role: "system",
                    content: "Answer with one JSON object that follows this JSON schema:\n" + request.schema.text))
            format = .object(["type": .string("json_object")])
        } else {
            format = .object([
                "type": .string("json_schema"),
                "json_schema": .object([
                    "name": .string(request.schemaName), "strict": .bool(true), "schema": request.schema,
                ]),
            ])
        }
        return .object([
            "model": .string(model),
            "messages": .array(messages.map { .object(["role": .string($0.role), "content": .string($0.content)]) }),
            "response_format": format,
            "temperature": .number(0),
            "seed": .number(42),
            "max_tokens": .number(Double(request.maxTokens)),
            "cache_prompt": .bool(true),
        ])
    }

    private func send(_ request: LLMRequest, plainJSON: Bool) throws(LLMError) -> (String, LLMUsage) {
        let http: HTTPClient.Request
        do {
            http = try HTTPClient.Request(
                url: endpoint, method: .POST, body: .string(body(request, plainJSON: plainJSON).text))
        } catch {
            throw .unreachable("bad URL \(endpoint)")
        }
        var headers = http.headers
        headers.add(name: "Content-Type", value: "application/json")
        if let apiKey { headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        var req = http
        req.headers = headers
        let response: HTTPClient.Response
        do {
            let delegate = ResponseAccumulator(request: req, maxBodySize: Self.maxAnswerBytes)
            response = try Self.client.execute(
                request: req, delegate: delegate,
                deadline: .now() + .milliseconds(Int64(timeout * 1000))
            ).futureResult.wait()
        } catch let e as HTTPClientError where e == .deadlineExceeded || e == .readTimeout || e == .connectTimeout {
            throw .timeout(seconds: timeout)
        } catch is ResponseAccumulator.ResponseTooBigError {
            throw .tooLarge(bytes: Self.maxAnswerBytes)
        } catch {
            throw .unreachable(String(describing: error))
        }
        let text = response.body.map { String(buffer: $0) } ?? ""
        guard response.status == .ok else {
            throw .http(status: Int(response.status.code), message: LLMError.excerpt(Self.errorMessage(text)))
        }
        guard let json = JSONValue.parse(text) else {
            throw .invalidJSON("the server's reply is not JSON: \(LLMError.excerpt(text))")
        }
        guard let choice = json["choices"]?.arrayValue?.first, let message = choice["message"] else {
            throw .schemaViolation("the server's reply has no choices[0].message")
        }
        let content = message["content"]?.stringValue ?? ""
        let usage = LLMUsage(
            prompt: Int(json["usage"]?["prompt_tokens"]?.numberValue ?? 0),
            completion: Int(json["usage"]?["completion_tokens"]?.numberValue ?? 0))
        return (content, usage)
    }

    /// One client for the process (never shut down). A failed connection fails the request at
    /// once (DocRoute's own retries apply), instead of AsyncHTTPClient re-dialling until the
    /// request deadline.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// `error.message` of an OpenAI-style error body, or the body.
    static func errorMessage(_ body: String) -> String {
        JSONValue.parse(body)?["error"]?["message"]?.stringValue ?? body
    }
}
