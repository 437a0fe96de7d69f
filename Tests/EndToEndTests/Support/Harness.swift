import Foundation

/// Runs `body` against a fresh fake upstream and a fresh gateway configured for it, then stops both.
func withGateway(
    extraConfig: String = "", server: String = "", environment: [String: String] = TestConfig.environment,
    _ body: (GatewayProcess, FakeUpstream) async throws -> Void
) async throws {
    let upstream = try await FakeUpstream.start()
    defer { upstream.stop() }
    let gateway = try await GatewayProcess.start(
        config: TestConfig.providers(upstream: upstream.baseURL, extra: extraConfig), server: server, environment: environment
    )
    do {
        try await body(gateway, upstream)
    } catch {
        await gateway.stop()
        throw error
    }
    await gateway.stop()
}

func chatBody(model: String, stream: Bool = false, includeUsage: Bool = false, text: String = "Say hello") -> String {
    var fields = [#""model":"\#(model)""#, #""messages":[{"role":"user","content":"\#(text)"}]"#]
    if stream { fields.append(#""stream":true"#) }
    if includeUsage { fields.append(#""stream_options":{"include_usage":true}"#) }
    return "{" + fields.joined(separator: ",") + "}"
}
