import Foundation
import Testing

@testable import Shared

@Suite("Strict JSON object check")
struct StrictJSONObjectTests {
    private func check(_ text: String) -> StrictJSONObject? {
        Array(text.utf8).withUnsafeBytes { StrictJSONObject($0) }
    }

    private func decoderAccepts(_ bytes: [UInt8]) -> Bool {
        (try? JSONDecoder().decode(AnyJSONObject.self, from: Data(bytes))) != nil
    }

    @Test(
        "well-formed objects pass",
        arguments: [
            "{}", " \n\t{ }\r\n", #"{"a":1}"#, #"{"a":-0.5e+10,"b":[true,false,null,{}],"c":"\"\\\/\b\f\n\r\t\u00e9"}"#,
            #"{"emoji":"😀","pair":"\ud83d\ude00","accent":"é","cjk":"漢"}"#, #"{"a":{"b":{"c":[[[]]]}}}"#, #"{"a":0,"b":1E5,"c":-12.0}"#,
        ])
    func accepts(_ text: String) {
        #expect(check(text) != nil, "\(text)")
        #expect(decoderAccepts(Array(text.utf8)))
    }

    @Test(
        "anything else is refused",
        arguments: [
            "", "[]", "1", "\"a\"", "null", "{", "}", #"{"a"}"#, #"{"a":}"#, #"{"a":1,}"#, #"{,"a":1}"#, #"{"a":1}x"#, #"{"a":1}{}"#,
            #"{'a':1}"#, #"{a:1}"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":+1}"#, #"{"a":1e}"#, #"{"a":-}"#, #"{"a":tru}"#,
            #"{"a":True}"#, #"{"a":nul}"#, #"{"a":"\x"}"#, #"{"a":"\u12"}"#, #"{"a":"\ud83d"}"#, #"{"a":"\ude00"}"#,
            #"{"a":"\ud83d\u0041"}"#, "{\"a\":\"tab\there\"}", "{\"a\":\"line\nbreak\"}", #"{"a":[1,2}"#, #"{"a":{"b":1]}"#,
            #"{"a":NaN}"#, #"{"a":Infinity}"#, "{\"a\":1}\u{0}", "\u{FEFF}{}",
        ])
    func refuses(_ text: String) {
        #expect(check(text) == nil, "\(text)")
    }

    @Test("invalid UTF-8 is refused: overlongs, surrogates, stray continuations, cut sequences, past U+10FFFF")
    func invalidUTF8() {
        for sequence: [UInt8] in [
            [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80], [0xFF],
        ] {
            let bytes = Array(#"{"a":""#.utf8) + sequence + Array(#""}"#.utf8)
            #expect(bytes.withUnsafeBytes { StrictJSONObject($0) } == nil, "\(sequence)")
        }
    }

    @Test("nesting deeper than 256 levels is refused")
    func depth() {
        let deep = #"{"a":"# + String(repeating: "[", count: 300) + String(repeating: "]", count: 300) + "}"
        #expect(check(deep) == nil)
        let fine = #"{"a":"# + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "}"
        #expect(check(fine) != nil)
    }

    @Test("top-level members: names, kinds, value ranges without quotes, escapes noted")
    func members() throws {
        let text = #"{"model" : "p/m", "stream":true,"n":12,"x\"":"a\nb","o":{"k":[1]},"z":null}"#
        let bytes = Array(text.utf8)
        try bytes.withUnsafeBytes { raw in
            let object = try #require(StrictJSONObject(raw))
            let read = object.members.map {
                (
                    String(decoding: raw[$0.key], as: UTF8.self), $0.kind, String(decoding: raw[$0.value], as: UTF8.self), $0.keyEscaped,
                    $0.valueEscaped
                )
            }
            #expect(read.map(\.0) == ["model", "stream", "n", #"x\""#, "o", "z"])
            #expect(read.map(\.1) == [.string, .bool, .number, .string, .object, .null])
            #expect(read.map(\.2) == ["p/m", "true", "12", #"a\nb"#, #"{"k":[1]}"#, "null"])
            #expect(read.map(\.3) == [false, false, false, true, false, false])
            #expect(read.map(\.4) == [false, false, false, true, false, false])
            // An escaped key might spell any name.
            #expect(object.member("model", in: raw) == .unsure)
        }
        let plain = Array(#"{"stream":true, "model" : "p/m"}"#.utf8)
        plain.withUnsafeBytes { raw in
            guard case .found(let model) = StrictJSONObject(raw)?.member("model", in: raw) else {
                Issue.record("model not found")
                return
            }
            #expect(String(decoding: raw[model.value], as: UTF8.self) == "p/m")
        }
    }

    @Test("a lookup is unsure of a repeated name or any escaped key, and finds nothing that is not there")
    func lookups() {
        func lookup(_ text: String, _ key: StaticString) -> StrictJSONObject.Lookup? {
            Array(text.utf8).withUnsafeBytes { raw in StrictJSONObject(raw)?.member(key, in: raw) }
        }
        #expect(lookup(#"{"model":"a","model":"b"}"#, "model") == .unsure)
        #expect(lookup(#"{"mod\u0065l":"a"}"#, "model") == .unsure)
        #expect(lookup(#"{"models":"a","mode":1}"#, "model") == .absent)
    }

    @Test("random mutations of a request: whatever the check accepts, JSONDecoder accepts")
    func neverMoreLenientThanTheDecoder() {
        let seed = Array(
            #"{"model":"p/m","stream":false,"max_tokens":64,"messages":[{"role":"user","content":"h\u00e9 \"x\" 😀"}],"t":1.5e-3}"#.utf8)
        let pieces: [[UInt8]] =
            ["{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "d83d", "-", "0", "1", ".", "e", "true", "null", " ", "\u{1}", "é"]
            .map { Array($0.utf8) } + [[0xC3], [0xFF], [0xED, 0xA0, 0x80]]
        var accepted = 0
        for case let seedValue in UInt64(1)...3000 {
            var random = SeededRandom(seed: seedValue)
            var bytes = seed
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let at = Int.random(in: 0...bytes.count, using: &random)
                switch Int.random(in: 0...2, using: &random) {
                case 0: bytes.insert(contentsOf: pieces.randomElement(using: &random)!, at: at)
                case 1: if at < bytes.count { bytes.remove(at: at) }
                default: if at < bytes.count { bytes[at] = pieces.randomElement(using: &random)!.first! }
                }
            }
            let strict = bytes.withUnsafeBytes { StrictJSONObject($0) } != nil
            if strict {
                accepted += 1
                #expect(decoderAccepts(bytes), "seed \(seedValue): \(String(decoding: bytes, as: UTF8.self))")
            }
        }
        // Some mutations keep the object valid (inside strings, mostly); the property must be exercised.
        #expect(accepted > 100)
    }
}
