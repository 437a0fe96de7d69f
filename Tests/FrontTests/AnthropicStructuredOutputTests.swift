import Foundation
import Shared
import Testing

@testable import OrchestraFront

/// `/v1/messages` structured output reaches the chat path as OpenAI's `json_schema` response format,
/// whichever spelling the client used; what does not fit is refused by name.
@Suite("Anthropic structured output into the chat path")
struct AnthropicStructuredOutputTests {
    static func chat(_ json: String) throws -> [String: JSONValue] {
        let request = try JSONDecoder().decode(AnthropicRequest.self, from: Data(json.utf8))
        return try JSONValue.decode(AnthropicIngress.chatBody(request)).objectValue ?? [:]
    }

    static let schema = #"{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"#

    @Test(arguments: [
        #"{"model":"p/m","max_tokens":9,"messages":[{"role":"user","content":"hi"}],"output_config":{"format":{"type":"json_schema","schema":SCHEMA}}}"#,
        #"{"model":"p/m","max_tokens":9,"messages":[{"role":"user","content":"hi"}],"output_format":{"type":"json_schema","schema":SCHEMA}}"#,
    ])
    func eitherSpellingBecomesAJSONSchemaResponseFormat(json: String) throws {
        let body = try Self.chat(json.replacingOccurrences(of: "SCHEMA", with: Self.schema))
        let format = try #require(body["response_format"]?.objectValue)
        #expect(format["type"] == "json_schema")
        let inner = try #require(format["json_schema"]?.objectValue)
        #expect(inner["schema"] == (try JSONValue.decode(Array(Self.schema.utf8))) && inner["strict"] == .bool(true))
    }

    @Test func effortBecomesReasoningEffort() throws {
        let body = try Self.chat(
            #"{"model":"p/m","max_tokens":9,"messages":[{"role":"user","content":"hi"}],"output_config":{"effort":"max"}}"#)
        #expect(body["reasoning_effort"] == "high" && body["response_format"] == nil)
    }

    @Test(arguments: [
        (#""output_config":{"format":{"type":"text"}}"#, "output_config.format.type"),
        (#""output_format":{"type":"json_schema"}"#, "output_format.schema"),
        (#""output_config":{"effort":"extreme"}"#, "output_config.effort"),
    ])
    func whatDoesNotFitIsRefusedByName(field: String, param: String) {
        do {
            _ = try Self.chat(#"{"model":"p/m","max_tokens":9,"messages":[{"role":"user","content":"hi"}],"# + field + "}")
            Issue.record("accepted \(field)")
        } catch let error as GatewayError {
            #expect(error.status == 400 && error.param == param, "\(error.message)")
        } catch {
            Issue.record("\(error)")
        }
    }
}
