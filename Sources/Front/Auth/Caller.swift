/// Who is calling, for the rest of the request: set by `ClientAuthentication` around the handler and
/// read where the request is admitted and accounted (the key's id, never the key). Built once per key
/// when the keys are loaded, so a request takes it with one reference, its scopes already worked out.
final class Caller: Sendable, Equatable {
    /// One set of limits that holds for this caller, and whose spend and windows it counts in.
    struct Scope: Sendable, Equatable {
        /// `key:<id>` or `team:<id>`: how budgets and windows are stored.
        var subject: String
        var limits: AccessLimits
    }

    let key: ClientKeyRecord?
    let team: TeamRecord?
    /// The admin key: every model, no limits.
    let isAdmin: Bool
    /// How usage records and log lines name the caller: the key's id, `admin`, or `anonymous` with keys off.
    let client: String
    /// The key's limits, then its team's: a request must pass both.
    let scopes: [Scope]
    /// No limit applies: the admin, no keys, or a key and team without limits.
    let isUnlimited: Bool

    init(key: ClientKeyRecord? = nil, team: TeamRecord? = nil, isAdmin: Bool = false) {
        self.key = key
        self.team = team
        self.isAdmin = isAdmin
        client = key?.id ?? (isAdmin ? "admin" : "anonymous")
        var scopes: [Scope] = []
        if let key { scopes.append(Scope(subject: "key:" + key.id, limits: key.limits)) }
        if let team { scopes.append(Scope(subject: "team:" + team.id, limits: team.limits)) }
        self.scopes = scopes
        isUnlimited = scopes.allSatisfy { $0.limits.isUnlimited }
    }

    static let anonymous = Caller()
    static let admin = Caller(isAdmin: true)

    static func == (a: Caller, b: Caller) -> Bool { a.key == b.key && a.team == b.team && a.isAdmin == b.isAdmin }

    /// Whether this caller may name `model` (every allow-list in force must permit it).
    func mayUse(_ model: String) -> Bool {
        scopes.allSatisfy { scope in scope.limits.models.map { ModelAllowList(entries: $0).permits(model) } ?? true }
    }

    @TaskLocal static var current = Caller.anonymous
}
