import Foundation
import Hummingbird
import NIOCore
import Shared

/// `/admin/v1/…`: keys, teams and usage by key and team for the admin key (the dashboard and scripts),
/// as described by `AdminOpenAPI`. A change is in force on this instance at once and on the others
/// sharing the database within a second.
struct AdminRoutes: Sendable {
    let access: Gateway.Access
    let usage: UsageRoutes
    let timeZone: TimeZone

    struct List<Item: Encodable>: Encodable {
        var data: [Item]
    }

    /// The largest body an admin request may have (64 KiB).
    static let maxBodyBytes = 65_536

    private static let keyFields: Set = ["name", "team_id", "expires_at", "disabled", "limits", "metadata"]
    private static let teamFields: Set = ["name", "disabled", "limits", "metadata"]

    func register(on router: Router<GatewayRequestContext>) {
        let group = router.group("/admin/v1")
        group.get("openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: AdminOpenAPI.json)))
        }
        group.get("keys") { _, _ in try await self.listKeys() }
        group.post("keys") { request, _ in try await self.createKey(request) }
        group.get("keys/:id") { _, context in try self.json(try await self.keyView(try await self.key(context))) }
        group.patch("keys/:id") { request, context in try await self.updateKey(request, context) }
        group.post("keys/:id/revoke") { _, context in try await self.revokeKey(context) }
        group.get("teams") { _, _ in try await self.listTeams() }
        group.post("teams") { request, _ in try await self.createTeam(request) }
        group.get("teams/:id") { _, context in try self.json(try await self.teamView(try await self.team(context))) }
        group.patch("teams/:id") { request, context in try await self.updateTeam(request, context) }
        group.delete("teams/:id") { _, context in try await self.deleteTeam(context) }
        group.get("usage") { request, context in try await self.usage.usage(request, context: context, unixSeconds: false) }
    }

    private var store: any AccessStore { access.cache.store }

    /// A `team_id` naming no team: 404, naming the field.
    private func requireTeam(_ change: AccessChange) async throws {
        guard case .some(.some(let id)) = change.teamID else { return }
        guard try await store.teams().contains(where: { $0.id == id }) else {
            throw GatewayError(.notFound, message: "No team with id '\(id)'.", param: "team_id")
        }
    }

    private func listKeys() async throws -> Response {
        var views: [KeyView] = []
        for record in try await store.keys() { views.append(try await keyView(record)) }
        return try json(List(data: views))
    }

    /// A key with its budget's standing and its last use.
    private func keyView(_ record: ClientKeyRecord, secret: String? = nil) async throws -> KeyView {
        let now = Date()
        let budget = try await BudgetView.of(
            subject: "key:" + record.id, limits: record.limits, ledger: access.ledger, now: now, timeZone: timeZone)
        return KeyView(record, now: now, secret: secret, budget: budget, lastUsed: usage.recorder.lastUse(of: record.id))
    }

    private func teamView(_ team: TeamRecord, keys: [ClientKeyRecord]) async throws -> TeamView {
        let budget = try await BudgetView.of(
            subject: "team:" + team.id, limits: team.limits, ledger: access.ledger, now: Date(), timeZone: timeZone)
        return TeamView(team, keys: keys.filter { $0.teamID == team.id }.count, budget: budget)
    }

    private func createKey(_ request: Request) async throws -> Response {
        let change = try AccessChange(json: try await Self.body(request), fields: Self.keyFields)
        try await requireTeam(change)
        guard let name = change.name else { throw GatewayError.invalidRequest("'name' is required.", code: .missingField, param: "name") }
        let secret = ClientKey.generate()
        var record = ClientKeyRecord(
            id: ClientKeyRecord.newID(), name: name, prefix: secret.displayPrefix, digest: secret.digest, createdAt: Date())
        try await Self.mapped { () async throws(AccessStoreError) in
            try change.apply(to: &record)
            try await store.insertKey(record)
        }
        try await access.cache.reload()
        return try json(try await keyView(record, secret: secret.secret), status: .created)
    }

    private func updateKey(_ request: Request, _ context: GatewayRequestContext) async throws -> Response {
        var record = try await key(context)
        let change = try AccessChange(json: try await Self.body(request), fields: Self.keyFields)
        try await requireTeam(change)
        try await Self.mapped { () async throws(AccessStoreError) in
            try change.apply(to: &record)
            try await store.updateKey(record)
        }
        try await access.cache.reload()
        return try json(try await keyView(record))
    }

    private func revokeKey(_ context: GatewayRequestContext) async throws -> Response {
        let id = try await key(context).id
        try await Self.mapped { () async throws(AccessStoreError) in try await store.revokeKey(id: id, at: Date()) }
        try await access.cache.reload()
        return try json(try await keyView(try await key(context)))
    }

    private func listTeams() async throws -> Response {
        let keys = try await store.keys()
        var views: [TeamView] = []
        for team in try await store.teams() { views.append(try await teamView(team, keys: keys)) }
        return try json(List(data: views))
    }

    private func createTeam(_ request: Request) async throws -> Response {
        let change = try AccessChange(json: try await Self.body(request), fields: Self.teamFields)
        guard let name = change.name else { throw GatewayError.invalidRequest("'name' is required.", code: .missingField, param: "name") }
        var team = TeamRecord(id: TeamRecord.newID(), name: name, createdAt: Date())
        try await Self.mapped { () async throws(AccessStoreError) in
            try change.apply(to: &team)
            try await store.insertTeam(team)
        }
        try await access.cache.reload()
        return try json(try await teamView(team, keys: []), status: .created)
    }

    private func updateTeam(_ request: Request, _ context: GatewayRequestContext) async throws -> Response {
        var team = try await team(context)
        let change = try AccessChange(json: try await Self.body(request), fields: Self.teamFields)
        try await Self.mapped { () async throws(AccessStoreError) in
            try change.apply(to: &team)
            try await store.updateTeam(team)
        }
        try await access.cache.reload()
        return try json(try await teamView(team))
    }

    private func deleteTeam(_ context: GatewayRequestContext) async throws -> Response {
        let team = try await team(context)
        try await Self.mapped { () async throws(AccessStoreError) in try await store.deleteTeam(id: team.id) }
        try await access.cache.reload()
        return Response(status: .noContent)
    }

    private func key(_ context: GatewayRequestContext) async throws -> ClientKeyRecord {
        let id = context.parameters.get("id") ?? ""
        guard let record = try await store.key(id: id) else { throw GatewayError(.notFound, message: "No key with id '\(id)'.") }
        return record
    }

    private func team(_ context: GatewayRequestContext) async throws -> TeamRecord {
        let id = context.parameters.get("id") ?? ""
        guard let team = try await store.teams().first(where: { $0.id == id }) else {
            throw GatewayError(.notFound, message: "No team with id '\(id)'.")
        }
        return team
    }

    private func teamView(_ team: TeamRecord) async throws -> TeamView {
        try await teamView(team, keys: try await store.keys())
    }

    private func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        try StatusRoutes.json(value, status: status)
    }

    /// The request's JSON object (at most 64 KiB).
    private static func body(_ request: Request) async throws -> [String: JSONValue] {
        let buffer = try await request.body.collect(upTo: Self.maxBodyBytes)
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView)), let object = value.objectValue
        else {
            throw GatewayError.invalidRequest("The body must be a JSON object.", code: .invalidJSON)
        }
        return object
    }

    /// A store's refusal as the HTTP answer it deserves.
    private static func mapped(_ work: () async throws(AccessStoreError) -> Void) async throws(GatewayError) {
        do {
            try await work()
        } catch {
            switch error {
            case .keyNotFound, .teamNotFound: throw GatewayError(.notFound, message: error.description)
            case .duplicateTeamName, .teamHasKeys: throw GatewayError(.http(status: 409), message: error.description)
            case .invalid: throw GatewayError.invalidRequest(error.description, code: .invalidValue)
            case .storage: throw GatewayError(.internalError, message: error.description)
            }
        }
    }
}
