import Foundation

/// The order of day, month and year in all-numeric dates.
public enum DateOrder: String, Sendable, CaseIterable {
    case dmy, mdy, ymd
}

/// The facts a machine-readable zone holds that a document also prints elsewhere.
public enum MRZPart: String, Sendable, CaseIterable {
    case documentCode = "document_code", issuingState = "issuing_state", documentNumber = "document_number"
    case birthDate = "birth_date", sex, expiryDate = "expiry_date", nationality, surname
    case givenNames = "given_names"
}

/// Tokens a request cost, as the server reported them.
public struct LLMUsage: Sendable, Hashable, Codable {
    public var prompt: Int
    public var completion: Int

    public init(prompt: Int = 0, completion: Int = 0) { self.prompt = prompt; self.completion = completion }

    public static func + (a: LLMUsage, b: LLMUsage) -> LLMUsage {
        LLMUsage(prompt: a.prompt + b.prompt, completion: a.completion + b.completion)
    }
}

extension TemplateSpec {
    /// The field names of the `{{field}}` placeholders in a template's `text`, in order.
    public static func placeholders(in text: String) -> [String] {
        var names: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if !name.isEmpty { names.append(name) }
            rest = rest[close.upperBound...]
        }
        return names
    }
}
