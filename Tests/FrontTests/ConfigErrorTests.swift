import Shared
import Testing

@testable import OrchestraFront

@Suite("Config errors name their key path")
struct ConfigErrorTests {
    /// A bad config and the key path its error must name.
    static let cases: [(toml: String, path: String)] = [
        ("nonsense = 1", "nonsense"),
        ("[server]\nlisten = \"nope\"", "server.listen"),
        ("[server]\nlisten = 8000", "server.listen"),
        ("[server]\nmax_body_bytes = 0", "server.max_body_bytes"),
        ("[server]\nmax_connections = 0", "server.max_connections"),
        ("[storage]\npostgres_url = \"postgres://u:secret@h/d\"", "storage.postgres_url"),
        ("[storage]\npostgres_url = \"mysql://u@h/d\"", "storage.postgres_url"),
        ("[storage]\npostgres_url = \"postgres://u@h/d?sslmode=maybe\"", "storage.postgres_url"),
        ("[storage]\npostgres_password_file = \"/etc/pg\"", "storage.postgres_password_file"),
        ("[storage]\npostgres_password = \"x\"", "storage.postgres_password"),
        ("[storage]\nlease = 1", "storage.lease"),
        ("[storage]\nlease = -3", "storage.lease"),
        ("[storage]\nbudget_fail_open = \"yes\"", "storage.budget_fail_open"),
        ("[server]\nidle_timeout = 0", "server.idle_timeout"),
        ("[server]\nheader_timeout = -1", "server.header_timeout"),
        ("[server]\nallowed_hosts = \"example.com\"", "server.allowed_hosts"),
        ("[server]\nlog_format = \"xml\"", "server.log_format"),
        ("[server]\nport = 1", "server.port"),
        ("[supervisor]\nbackoff_initial = -1", "supervisor.backoff_initial"),
        ("[supervisor]\nmax_restarts = -1", "supervisor.max_restarts"),
        ("[providers.mistral]\napi_key = \"sk-secret\"", "providers.mistral.api_key"),
        ("[providers.mistral]\nbase_url = \"ftp://x\"", "providers.mistral.base_url"),
        ("[providers.mine]\ndialect = \"openai\"", "providers.mine.base_url"),
        ("[providers.mine]\nbase_url = \"http://h\"\ndialect = \"soap\"", "providers.mine.dialect"),
        ("[providers.Bad-Name]\nbase_url = \"http://h\"", "providers.Bad-Name"),
        ("[providers.mistral]\ncolour = \"red\"", "providers.mistral.colour"),
        ("[providers.mistral]\nmax_answer_bytes = 999999999", "providers.mistral.max_answer_bytes"),
        ("[providers.mistral]\nmax_answer_seconds = 0", "providers.mistral.max_answer_seconds"),
        ("[providers.mistral.headers]\nAuthorization = \"Bearer x\"", "providers.mistral.headers.Authorization"),
        ("[providers.mistral]\ncompletions = \"sometimes\"", "providers.mistral.completions"),
        ("[providers.mistral]\napi_key_env = \"A\"\napi_key_file = \"/k\"", "providers.mistral.api_key_file"),
        ("[providers.mistral]\napi_key_env = \"not a name\"", "providers.mistral.api_key_env"),
        ("[providers.mistral]\napi_key_file = \"relative\"", "providers.mistral.api_key_file"),
        ("[providers.mistral]\nconnect_timeout = 0", "providers.mistral.connect_timeout"),
        ("[providers.mistral.quirks]\ntool_call_ids = \"short\"", "providers.mistral.quirks.tool_call_ids"),
        ("[providers.mistral.quirks]\nmessage_names = \"maybe\"", "providers.mistral.quirks.message_names"),
        ("[providers.mistral.quirks]\nmax_tokens_field = \"tokens\"", "providers.mistral.quirks.max_tokens_field"),
        ("[providers.mistral.quirks]\nmax_stop_sequences = 0", "providers.mistral.quirks.max_stop_sequences"),
        ("[providers.mistral.limits]\nrpm = 0", "providers.mistral.limits.rpm"),
        ("[providers.mistral.limits]\nmax_wait = -1", "providers.mistral.limits.max_wait"),
        ("[providers.mistral.limits]\nwindows = [{ requests = 1 }]", "providers.mistral.limits.windows"),
        ("[providers.mistral.limits]\nwindows = [{ seconds = 5 }]", "providers.mistral.limits.windows"),
        ("[routes.fast2]\nstrategy = \"ordered\"", "routes.fast2.models"),
        ("[routes.x]\nmodels = [\"nowhere/model\"]", "routes.x.models"),
        ("[routes.x]\nmodels = [\"demo/echo\"]\nstrategy = \"random\"", "routes.x.strategy"),
        ("[routes.demo]\nmodels = [\"demo/echo\"]", "routes.demo"),
        ("[retries]\nattempts = 0", "retries.attempts"),
        ("[retries]\nbackoff = -1.0", "retries.backoff"),
        ("[retries]\nmax_time = 0", "retries.max_time"),
        ("[usage]\nflush_interval = 0", "usage.flush_interval"),
        ("[usage]\nretention_days = 0", "usage.retention_days"),
        ("[usage]\nreference_model = \"gpt\"", "usage.reference_model"),
        ("[responses]\nretention_days = 0", "responses.retention_days"),
        ("[responses]\nkeep = true", "responses.keep"),
        ("[telemetry]\notlp_endpoint = \"udp://x\"", "telemetry.otlp_endpoint"),
        ("[telemetry]\nencoding = \"xml\"", "telemetry.encoding"),
    ]

    @Test("each bad value is refused with its key path", arguments: cases)
    func refused(_ toml: String, path: String) {
        do {
            _ = try ConfigLoader.parse(toml)
            Issue.record("accepted: \(toml)")
        } catch {
            #expect(error.path.hasPrefix(path), "\(error)")
            #expect(error.description.contains(path))
            #expect(!error.description.contains("sk-secret"))
        }
    }

    @Test("TOML syntax errors say where")
    func syntax() {
        #expect(throws: ConfigError.self) { try ConfigLoader.parse("[server\nlisten = 1") }
        do {
            _ = try ConfigLoader.parse("a = \n")
        } catch {
            #expect(error.message.contains("line 1"))
        }
    }

    @Test("a good config merges with the built-ins")
    func merges() throws {
        let config = try ConfigLoader.parse(
            """
            [server]
            listen = "0.0.0.0:9000"
            [providers.mistral.limits]
            rpm = 30
            [providers.local]
            base_url = "http://127.0.0.1:11434/v1"
            """
        )
        #expect(config.server.host == "0.0.0.0" && config.server.port == 9000)
        #expect(config.provider(named: "mistral")?.limits.windows == [RateLimits.Window(requests: 30, seconds: 60)])
        #expect(config.provider(named: "local")?.key == KeySource.none)
        #expect(config.providers.first?.name == "demo")
    }
}
