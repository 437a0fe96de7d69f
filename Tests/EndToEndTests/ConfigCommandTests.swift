import Foundation
import Testing

/// `orchestra check-config` and `orchestra models`, run as the real binary.
@Suite("Config and command line")
struct ConfigCommandTests {
    struct Run {
        var status: Int32
        var output: String
    }

    static func run(_ arguments: [String], config: String? = nil) async throws -> Run {
        var arguments = arguments
        var file: URL?
        if let config {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("orchestra-config-\(UUID().uuidString).toml")
            try config.write(to: url, atomically: true, encoding: .utf8)
            arguments += ["--config", url.path]
            file = url
        }
        defer { file.map { try? FileManager.default.removeItem(at: $0) } }
        let result = try await Command.run(GatewayProcess.orchestraBinary, arguments)
        return Run(status: result.status, output: result.output)
    }

    @Test("a valid config is accepted and shown with key locations, never key values")
    func validConfig() async throws {
        let result = try await Self.run(
            ["check-config"],
            config: """
                [server]
                listen = "0.0.0.0:9000"

                [providers.mistral]
                api_key_file = "/etc/orchestra/mistral.key"
                headers = { "X-Team" = "platform" }

                [providers.local]
                base_url = "http://127.0.0.1:11434/v1"

                [providers.local.models."llama3.1:8b"]
                context_length = 131072
                tools = true

                [providers.local.quirks]
                drop_fields = ["logprobs"]
                rename_fields = { seed = "random_seed" }
                echo_reasoning = true

                [providers.claude]
                dialect = "anthropic"
                base_url = "https://api.anthropic.com"
                api_key_env = "ANTHROPIC_API_KEY"

                [providers.groq.limits]
                rpm = 30
                tpm = 8000
                max_concurrent = 4
                max_wait = 5

                [providers.groq.models."openai/gpt-oss-120b".limits]
                rpd = 1000

                [routes.mine]
                models = ["groq/openai/gpt-oss-120b", "local/llama3.1:8b"]
                strategy = "cheapest"

                [retries]
                attempts = 2
                """)
        #expect(result.status == 0)
        #expect(result.output.contains("listen: 0.0.0.0:9000"))
        #expect(result.output.contains("key=file:/etc/orchestra/mistral.key"))
        #expect(result.output.contains("key=env:GROQ_API_KEY"))
        #expect(result.output.contains("local [enabled ] dialect=openai base_url=http://127.0.0.1:11434/v1"))
        #expect(result.output.contains("quirks: drop_fields=logprobs rename seed->random_seed echo_reasoning"))
        #expect(result.output.contains("tool_call_ids=9-alphanumeric"), "Mistral's built-in quirks are shown")
        #expect(result.output.contains("claude [enabled ] dialect=anthropic base_url=https://api.anthropic.com"))
        #expect(result.output.contains("gemini [enabled ] dialect=gemini"))
        #expect(result.output.contains("limits: 30 requests per 60.0 s, 8000 tokens per 60.0 s, 4 at once, wait up to 5.0 s"))
        #expect(result.output.contains("limits openai/gpt-oss-120b: 1000 requests per 86400.0 s"))
        #expect(result.output.contains("mine [cheapest]: groq/openai/gpt-oss-120b, local/llama3.1:8b"))
        #expect(result.output.contains("fast [fastest]: "), "built-in task routes are listed")
        #expect(result.output.contains("retries: 2 attempts"))
        #expect(result.output.contains("configuration OK"))
    }

    @Test(
        "bad configs are rejected with the key's path",
        arguments: [
            ("[server]\nlisten = 8000\n", "server.listen: expected a string, found an integer"),
            ("[server]\nlisten = \"localhost\"\n", "server.listen: expected \"host:port\""),
            ("[sever]\nlisten = \"127.0.0.1:1\"\n", "sever: unknown key"),
            ("[providers.groq]\nbase_ur = \"http://x\"\n", "providers.groq.base_ur: unknown key"),
            ("[providers.groq]\napi_key = \"gsk_123\"\n", "providers.groq.api_key: unknown key: keys are never written in config"),
            ("[providers.mine]\napi_key_env = \"MINE\"\n", "providers.mine.base_url: required"),
            ("[providers.mine]\nbase_url = \"ftp://x\"\n", "providers.mine.base_url: must start with http:// or https://"),
            ("[providers.groq]\nenabled = \"yes\"\n", "providers.groq.enabled: expected true or false, found a string"),
            ("[providers.groq]\napi_key_env = \"A\"\napi_key_file = \"/k\"\n", "providers.groq.api_key_file: set either"),
            ("[providers.groq.models.x]\ninput_price = -1\n", "providers.groq.models.x.input_price: must not be negative"),
            (
                "[providers.groq]\nheaders = { Authorization = \"Bearer x\" }\n",
                "providers.groq.headers.Authorization: credentials never go in headers"
            ),
            ("[server\n", "invalid TOML at line 1"),
            (
                "[providers.mine]\nbase_url = \"http://x\"\ndialect = \"cohere\"\n",
                "providers.mine.dialect: unknown dialect \"cohere\" (known: openai, gemini, anthropic, demo)"
            ),
            (
                "[providers.mine]\nbase_url = \"http://x\"\nquirks = { drop_feilds = [\"n\"] }\n",
                "providers.mine.quirks.drop_feilds: unknown key"
            ),
            (
                "[providers.mine]\nbase_url = \"http://x\"\nquirks = { drop_fields = \"n\" }\n",
                "providers.mine.quirks.drop_fields: expected an array of strings"
            ),
            (
                "[providers.mine]\nbase_url = \"http://x\"\nquirks = { tool_call_ids = \"short\" }\n",
                "providers.mine.quirks.tool_call_ids: expected one of \"any\", \"9-alphanumeric\""
            ),
            ("[providers.groq.limits]\nrpm = 0\n", "providers.groq.limits.rpm: must be at least 1"),
            ("[providers.groq.limits]\nwindows = [{ requests = 3 }]\n", "providers.groq.limits.windows[0].seconds: required"),
            ("[routes.x]\nmodels = [\"nosuch/model\"]\n", "routes.x.models: 'nosuch/model' is not a known provider/model id"),
            ("[routes.groq]\nmodels = [\"groq/x\"]\n", "routes.groq: 'groq' is already a provider name"),
            ("[retries]\nattempts = 0\n", "retries.attempts: must be at least 1"),
        ]
    )
    func badConfig(config: String, expected: String) async throws {
        let result = try await Self.run(["check-config"], config: config)
        #expect(result.status != 0)
        #expect(result.output.contains(expected), "output was: \(result.output)")
        #expect(!result.output.contains("gsk_123"))
    }

    @Test("models lists the built-in catalog of every provider")
    func models() async throws {
        let result = try await Self.run(["models"])
        #expect(result.status == 0)
        for id in [
            "demo/echo", "kimi/kimi-for-coding", "nvidia/moonshotai/kimi-k2.5", "mistral/codestral-2501",
            "openrouter/", "siliconflow/Qwen/Qwen3-32B", "groq/openai/gpt-oss-120b", "cerebras/gpt-oss-120b",
            "gemini/gemini-2.5-flash",
        ] {
            #expect(result.output.contains(id), "missing \(id)")
        }
    }
}
