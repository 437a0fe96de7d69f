/// Who is calling, for the rest of the request: set by `ClientAuthMiddleware` around the handler and
/// read where the request is admitted and accounted (the key's id, never the key).
struct Caller: Sendable, Equatable {
    /// One set of limits that holds for this caller, and whose spend and windows it counts in.
    struct Scope: Sendable, Equatable {
        /// `key:<id>` or `team:<id>`: how budgets and windows are stored.
        var subject: String
        var limits: AccessLimits
    }

    var key: ClientKeyRecord?
    var team: TeamRecord?
    /// The admin key: every model, no limits.
    var isAdmin = false

    static let anonymous = Caller()
    static let admin = Caller(isAdmin: true)

    /// How usage records and log lines name the caller: the key's id, `admin`, or `anonymous` with keys off.
    var client: String { key?.id ?? (isAdmin ? "admin" : "anonymous") }

    /// The key's limits, then its team's: a request must pass both.
    var scopes: [Scope] {
        var scopes: [Scope] = []
        if let key { scopes.append(Scope(subject: "key:" + key.id, limits: key.limits)) }
        if let team { scopes.append(Scope(subject: "team:" + team.id, limits: team.limits)) }
        return scopes
    }

    /// Whether this caller may name `model` (every allow-list in force must permit it).
    func mayUse(_ model: String) -> Bool {
        scopes.allSatisfy { scope in scope.limits.models.map { ModelAllowList(entries: $0).permits(model) } ?? true }
    }

    /// Whether any allow-list applies (listings are filtered only then).
    var hasModelList: Bool { scopes.contains { $0.limits.models != nil } }

    @TaskLocal static var current = Caller.anonymous
}
