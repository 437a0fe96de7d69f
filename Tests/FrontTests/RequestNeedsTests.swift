import NIOCore
import Shared
import Testing

@testable import OrchestraFront

@Suite("Request needs")
struct RequestNeedsTests {
    func needs(_ json: String) -> RequestNeeds { RequestNeeds(body: ByteBuffer(string: json)) }

    @Test("tools, images and the output asked for are read from the body")
    func reads() {
        let request = needs(
            #"{"model":"x","max_tokens":100,"tools":[{"type":"function","function":{"name":"f"}}],"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:"}}]}]}"#
        )
        #expect(request.tools && request.vision)
        #expect(request.maxOutput == 100)
        #expect(request.promptTokens > 0)
        #expect(needs(#"{"max_completion_tokens":7,"max_tokens":100}"#).maxOutput == 7)
        #expect(!needs(#"{"messages":[{"role":"user","content":"hi"}],"tools":[]}"#).tools)
    }

    @Test("a model lacking what is needed says why; unknown capabilities count as able")
    func unmet() {
        var request = RequestNeeds()
        request.tools = true
        #expect(request.unmet(by: ModelInfo(id: "m")) == "no tool use")
        #expect(request.unmet(by: ModelInfo(id: "m", tools: true)) == nil)
        #expect(request.unmet(by: nil) == nil)
        request = RequestNeeds()
        request.vision = true
        #expect(request.unmet(by: ModelInfo(id: "m", tools: true)) == "no image input")
        request = RequestNeeds()
        request.promptTokens = 900
        request.maxOutput = 200
        #expect(request.unmet(by: ModelInfo(id: "m", contextLength: 1000)) == "context of 1000 tokens is too small")
        #expect(request.unmet(by: ModelInfo(id: "m", contextLength: 1100)) == nil)
    }

    @Test("a body that is not JSON still has a size")
    func notJSON() {
        let request = needs("not json at all")
        #expect(!request.tools && request.promptTokens == 3)
    }
}
