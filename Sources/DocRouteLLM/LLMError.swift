import DocRouteModel

/// Why an LLM request gave no usable answer. The router turns each into a fallback for the
/// fields it was asked for (they keep what cheaper strategies found) and an error entry in the
/// record; none stops the document.
public enum LLMError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No answer within the request timeout (after retries).
    case timeout(seconds: Double)
    /// Connection refused, reset or closed (after retries).
    case unreachable(String)
    /// The server answered with an HTTP error status (after retries where they apply).
    case http(status: Int, message: String)
    /// The answer held no JSON object.
    case invalidJSON(String)
    /// JSON that does not follow the schema DocRoute asked for.
    case schemaViolation(String)
    /// The model answered nothing.
    case emptyAnswer
    /// The answer was larger than DocRoute accepts.
    case tooLarge(bytes: Int)
    /// The pipeline names an API-key variable that is not set.
    case missingAPIKey(variable: String)

    /// Stable code for records: `llm_timeout`, `llm_unreachable`, `llm_http`, `llm_invalid_json`,
    /// `llm_schema`, `llm_empty`, `llm_too_large`, `llm_api_key`.
    public var code: String {
        switch self {
        case .timeout: "llm_timeout"
        case .unreachable: "llm_unreachable"
        case .http: "llm_http"
        case .invalidJSON: "llm_invalid_json"
        case .schemaViolation: "llm_schema"
        case .emptyAnswer: "llm_empty"
        case .tooLarge: "llm_too_large"
        case .missingAPIKey: "llm_api_key"
        }
    }

    public var description: String {
        switch self {
        case .timeout(let s): "LLM gave no answer within \(s) s"
        case .unreachable(let m): "LLM server unreachable: \(m)"
        case .http(let status, let m): "LLM server answered HTTP \(status): \(m)"
        case .invalidJSON(let m): "LLM answer is not JSON: \(m)"
        case .schemaViolation(let m): "LLM answer does not follow the schema: \(m)"
        case .emptyAnswer: "LLM answered nothing"
        case .tooLarge(let b): "LLM answer too large (\(b) bytes)"
        case .missingAPIKey(let v): "environment variable \(v) (llm.api_key_env) is not set"
        }
    }

    /// Whether trying again later may help (429, 5xx, connection trouble, timeouts).
    var isTransient: Bool {
        switch self {
        case .timeout, .unreachable: true
        case .http(let status, _): status == 429 || status >= 500
        default: false
        }
    }

    /// At most 200 characters of `s`, for messages.
    static func excerpt(_ s: String) -> String {
        s.count <= 200 ? s : String(s.prefix(200)) + "…"
    }
}
