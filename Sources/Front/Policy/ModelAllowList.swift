/// Which models a caller may name: exact ids (`groq/openai/gpt-oss-120b`), globs where `*` matches
/// any run of characters (`mistral/*`), and route names (`code`). No list allows everything.
struct ModelAllowList: Sendable, Equatable {
    let entries: [String]

    func permits(_ model: String) -> Bool {
        entries.contains { Self.matches(pattern: $0, model) }
    }

    /// Glob match with `*` only; case-sensitive like model ids.
    static func matches(pattern: String, _ text: String) -> Bool {
        guard pattern.contains("*") else { return pattern == text }
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false)
        var rest = text[...]
        guard let first = parts.first, rest.hasPrefix(first) else { return false }
        rest = rest.dropFirst(first.count)
        for (index, part) in parts.enumerated().dropFirst() {
            if index == parts.count - 1 { return part.isEmpty || rest.hasSuffix(part) }
            guard !part.isEmpty else { continue }
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return true
    }
}
