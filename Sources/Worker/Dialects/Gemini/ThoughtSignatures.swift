/// Carries Gemini's thought signatures inside OpenAI tool-call ids.
///
/// Gemini 3 rejects a replayed function call whose `thoughtSignature` is missing, and OpenAI clients
/// drop fields they do not know, so the signature rides in the field most clients send back
/// unchanged: the call's id (`<id>__thought__<signature>`, the form LiteLLM uses too), which survives a
/// restart or another worker. It is also sent in Google's `extra_content.google.thought_signature`
/// (clients such as the OpenAI Agents SDK strip the id's suffix and replay that instead), and the
/// worker remembers it by call id for clients that keep neither.
enum ThoughtSignatures {
    static let separator = "__thought__"
    /// Google's documented value for history whose signatures were lost (e.g. it came from another model).
    static let skipValidator = "skip_thought_signature_validator"

    static func attach(_ signature: String?, to id: String) -> String {
        guard let signature, !signature.isEmpty else { return id }
        return id + separator + signature
    }

    static func split(_ id: String) -> (id: String, signature: String?) {
        guard let range = id.firstRange(of: separator) else { return (id, nil) }
        return (String(id[..<range.lowerBound]), String(id[range.upperBound...]))
    }

    /// Gemini 1.x and 2.x models neither send nor check signatures.
    static func required(model: String) -> Bool {
        !(model.hasPrefix("gemini-1") || model.hasPrefix("gemini-2"))
    }
}
