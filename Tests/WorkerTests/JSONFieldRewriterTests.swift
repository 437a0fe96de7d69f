import Testing

@testable import OrchestraWorker

@Suite("JSON field rewriter")
struct JSONFieldRewriterTests {
    func rewrite(_ json: String, _ value: String = "codestral-2501") -> String? {
        Array(json.utf8).withUnsafeBytes { JSONFieldRewriter.replacingTopLevelString("model", in: $0, with: value) }
            .map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("replaces only the top-level model, leaving nested ones and everything else byte for byte")
    func topLevelOnly() {
        let body =
            #"{ "messages":[{"role":"user","content":"say \"model\": {x}","model":"nested"}],"model" : "mistral/codestral-2501","n":1,"stop":null,"t":[1,{"a":"]"}],"f":-1.5e3 }"#
        #expect(
            rewrite(body)
                == #"{ "messages":[{"role":"user","content":"say \"model\": {x}","model":"nested"}],"model" : "codestral-2501","n":1,"stop":null,"t":[1,{"a":"]"}],"f":-1.5e3 }"#
        )
    }

    @Test("escapes the new value")
    func escapes() {
        #expect(rewrite(#"{"model":"x"}"#, "a\"b") == #"{"model":"a\"b"}"#)
    }

    @Test(
        "gives up on anything that is not an object with a string model",
        arguments: [
            "[]", "{}", #"{"model":1}"#, #"{"model":"x""#, #"{"model" "x"}"#, "", #"{"a":"unterminated}"#,
        ])
    func refuses(_ json: String) {
        #expect(rewrite(json) == nil)
    }
}
