/// Who is calling, for the rest of the request: set by `ClientAuthMiddleware` around the handler, read
/// where the request is accounted (the key's id, never the key).
enum CallerIdentity {
    @TaskLocal static var keyID: String?

    /// How usage records and log lines name the caller: the key's id, or `anonymous` with keys off.
    static var client: String { keyID ?? "anonymous" }
}
