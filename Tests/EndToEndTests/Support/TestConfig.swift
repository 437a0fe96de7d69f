import Shared

/// Config snippets for end-to-end tests.
enum TestConfig {
    /// Turns off the built-in providers (except `demo`) so a test gateway starts only the workers it uses.
    static let builtinsOff: String = BuiltinCatalog.providers
        .filter { $0.name != "demo" }
        .map { "[providers.\($0.name)]\nenabled = false\n" }
        .joined()

    static let fakeKey = "test-fake-key-1"
    static let otherKey = "test-other-key-2"
    static let clientKey = "client-secret-must-not-leak"

    /// `fake` and `other` point at the same fake upstream with different keys; `nokey` has no key set.
    static func providers(upstream: String, extra: String = "") -> String {
        """
        \(builtinsOff)
        [providers.fake]
        base_url = "\(upstream)"
        api_key_env = "FAKE_API_KEY"
        first_byte_timeout = 1
        idle_timeout = 2
        headers = { "X-Title" = "Orchestra tests" }

        [providers.fake.models.ok]
        context_length = 1000

        [providers.other]
        base_url = "\(upstream)"
        api_key_env = "OTHER_API_KEY"

        [providers.nokey]
        base_url = "\(upstream)"
        api_key_env = "NOKEY_API_KEY"

        [providers.nokey.models.ok]

        \(extra)
        """
    }

    static let environment = ["FAKE_API_KEY": fakeKey, "OTHER_API_KEY": otherKey]
}
