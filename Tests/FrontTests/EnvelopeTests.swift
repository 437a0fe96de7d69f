import Foundation
import NIOCore
import Shared
import Testing

@testable import OrchestraFront

@Suite("Request envelope")
struct EnvelopeTests {
    private func fast(_ text: String) -> ProxyRoute.Envelope? {
        Array(text.utf8).withUnsafeBytes { ProxyRoute.Envelope.read($0) }
    }

    private func decoded(_ text: String) -> ProxyRoute.Envelope? {
        try? JSONDecoder().decode(ProxyRoute.Envelope.self, from: Data(text.utf8))
    }

    @Test(
        "plain bodies are read from the bytes, to the values JSONDecoder reads",
        arguments: [
            #"{"model":"p/m","messages":[]}"#, #"{"model":"p/m","stream":true,"max_tokens":64}"#,
            #"{"stream":false,"max_completion_tokens":-3,"model":null,"max_tokens":null}"#, #"{}"#,
            #"{"messages":[{"content":"\"model\":\"x\""}],"model":"a/é"}"#,
        ])
    func readFast(_ text: String) throws {
        let envelope = try #require(fast(text))
        #expect(envelope == decoded(text))
    }

    @Test(
        "anything unusual is left to JSONDecoder: escapes, repeated keys, fractions, wrong types, bad JSON",
        arguments: [
            #"{"model":"p\/m"}"#, #"{"mod\u0065l":"p/m"}"#, #"{"model":"a/b","model":"c/d"}"#, #"{"max_tokens":64.0}"#,
            #"{"max_tokens":1e3}"#, #"{"max_tokens":1234567890123456789}"#, #"{"stream":"yes"}"#, #"{"model":5}"#, #"{"model":"p/m","#,
            "[1]",
        ])
    func leftToTheDecoder(_ text: String) {
        #expect(fast(text) == nil)
    }

    @Test("what the decoder refuses, decodeEnvelope refuses with its error; what it reads, the route reads")
    func sameAnswers() throws {
        #expect(throws: GatewayError.self) { try ProxyRoute.decodeEnvelope(ByteBuffer(string: #"{"stream":"yes"}"#)) }
        #expect(
            try ProxyRoute.decodeEnvelope(ByteBuffer(string: #"{"max_tokens":64.0,"model":"p\/m"}"#))
                == decoded(#"{"max_tokens":64,"model":"p/m"}"#))
    }
}
