/// The code before and after the cursor of an autocomplete request.
///
/// Continue renders autocomplete prompts with a template chosen by model name; for Codestral it is
/// `[SUFFIX]{suffix}[PREFIX]{prefix}` (reference §7.3). Mistral's FIM endpoint wants the two parts
/// separately, so the template is taken apart again here. An explicit `suffix` field wins.
struct FIMPrompt: Equatable {
    var prefix: String
    var suffix: String?

    static let suffixTag = "[SUFFIX]"
    static let prefixTag = "[PREFIX]"

    init(prefix: String, suffix: String?) {
        self.prefix = prefix
        self.suffix = suffix
    }

    init(prompt: String, suffix: String?) {
        if let suffix {
            self.init(prefix: prompt, suffix: suffix)
        } else if prompt.hasPrefix(Self.suffixTag), let tag = prompt.firstRange(of: Self.prefixTag) {
            let afterSuffixTag = prompt.index(prompt.startIndex, offsetBy: Self.suffixTag.count)
            self.init(prefix: String(prompt[tag.upperBound...]), suffix: String(prompt[afterSuffixTag..<tag.lowerBound]))
        } else {
            self.init(prefix: prompt, suffix: nil)
        }
    }

    /// Whether there is code after the cursor to fill towards.
    var isFillInTheMiddle: Bool { !(suffix ?? "").isEmpty }
}
