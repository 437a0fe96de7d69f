import FoundationEssentials
import Shared

/// What an upstream's answer says about its rate limits (reference §6): `retry-after` (seconds),
/// `retry-after-ms`, OpenAI-style `x-ratelimit-remaining-*` / `-reset-*` (Go durations
/// such as `6m0s` or `2m59.56s`), and Anthropic's `anthropic-ratelimit-*` (RFC 3339 resets).
struct UpstreamRateSignals {
    /// Seconds until the key may be used again, when the upstream said so.
    var restFor: Double?

    init(status: Int, headers: [HTTPHeader]) {
        // One pass, the first of each name counting (every answer goes through here).
        var retryAfterMs: String?
        var retryAfter: String?
        var spent: [String: String] = [:]
        for header in headers {
            switch header.name {
            case "retry-after-ms": retryAfterMs = retryAfterMs ?? header.value
            case "retry-after": retryAfter = retryAfter ?? header.value
            case "x-ratelimit-remaining-requests", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-requests", "x-ratelimit-reset-tokens",
                "anthropic-ratelimit-requests-remaining", "anthropic-ratelimit-tokens-remaining", "anthropic-ratelimit-requests-reset",
                "anthropic-ratelimit-tokens-reset":
                if spent[header.name] == nil { spent[header.name] = header.value }
            default: continue
            }
        }
        var rest: Double?
        if let milliseconds = retryAfterMs.flatMap(Double.init) {
            rest = milliseconds / 1000
        } else if let retryAfter {
            // An HTTP-date form is rare from LLM APIs; it falls back to the 1-second default below.
            rest = Double(retryAfter)
        }
        // A budget reported as spent rests the key until its reset, even on a successful answer.
        if !spent.isEmpty {
            for kind in ["requests", "tokens"] {
                if spent["x-ratelimit-remaining-\(kind)"] == "0", let reset = spent["x-ratelimit-reset-\(kind)"].flatMap(Self.goDuration) {
                    rest = max(rest ?? 0, reset)
                }
                if spent["anthropic-ratelimit-\(kind)-remaining"] == "0",
                    let reset = spent["anthropic-ratelimit-\(kind)-reset"].flatMap(Self.rfc3339)
                {
                    rest = max(rest ?? 0, reset)
                }
            }
        }
        if status == 429, rest == nil { rest = 1 }
        restFor = rest
    }

    /// `1h2m3.5s`, `12ms`, `6m0s`, `1.5s` → seconds.
    static func goDuration(_ text: String) -> Double? {
        var total = 0.0
        var number = ""
        var index = text.startIndex
        var sawUnit = false
        while index < text.endIndex {
            let character = text[index]
            if character.isNumber || character == "." {
                number.append(character)
                index = text.index(after: index)
                continue
            }
            guard let value = Double(number) else { return nil }
            let rest = text[index...]
            if rest.hasPrefix("ms") {
                total += value / 1000
                index = text.index(index, offsetBy: 2)
            } else if rest.hasPrefix("h") {
                total += value * 3600
                index = text.index(after: index)
            } else if rest.hasPrefix("m") {
                total += value * 60
                index = text.index(after: index)
            } else if rest.hasPrefix("s") {
                total += value
                index = text.index(after: index)
            } else {
                return nil
            }
            number = ""
            sawUnit = true
        }
        if !number.isEmpty { total += Double(number) ?? 0 }
        return sawUnit || !number.isEmpty ? total : nil
    }

    private static func rfc3339(_ text: String) -> Double? {
        guard let date = try? Date(text, strategy: .iso8601) else { return nil }
        return max(0, date.timeIntervalSinceNow)
    }
}
