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

    private static let keyFields: Set = ["name", "team_id", "expires_at", "disabled", "limits", "metadata"]
    private static let teamFields: Set = ["name", "disabled", "limits", "metadata"]

    func register(on router: Router<GatewayRequestContext>) {
        let group = router.group("/admin/v1")
        group.get("openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: AdminOpenAPI.json)))
        }
        group.get("keys") { _, _ in try self.listKeys() }
        group.post("keys") { request, _ in try await self.createKey(request) }
        group.get("keys/:id") { _, context in try self.json(try self.keyView(try self.key(context))) }
        group.patch("keys/:id") { request, context in try await self.updateKey(request, context) }
        group.post("keys/:id/revoke") { _, context in try self.revokeKey(context) }
        group.get("teams") { _, _ in try self.listTeams() }
        group.post("teams") { request, _ in try await self.createTeam(request) }
        group.get("teams/:id") { _, context in try self.json(try self.teamView(try self.team(context))) }
        group.patch("teams/:id") { request, context in try await self.updateTeam(request, context) }
        group.delete("teams/:id") { _, context in try self.deleteTeam(context) }
        group.get("usage") { request, context in try self.usage.usage(request, context: context, unixSeconds: false) }
    }

    private var store: any AccessStore { access.cache.store }

    /// A `team_id` naming no team: 404, naming the field.
    private func requireTeam(_ change: AccessChange) throws {
        guard case .some(.some(let id)) = change.teamID else { return }
        guard try store.teams().contains(where: { $0.id == id }) else {
            throw GatewayError(.notFound, message: "No team with id '\(id)'.", param: "team_id")
        }
    }

    private func listKeys() throws -> Response {
        try json(List(data: try store.keys().map { try keyView($0) }))
    }

    /// A key with its budget's standing and its last use.
    private func keyView(_ record: ClientKeyRecord, secret: String? = nil) throws -> KeyView {
        let now = Date()
        let budget = try BudgetView.of(
            subject: "key:" + record.id, limits: record.limits, ledger: access.ledger, now: now, timeZone: timeZone)
        return KeyView(record, now: now, secret: secret, budget: budget, lastUsed: usage.recorder.lastUse(of: record.id))
    }

    private func teamView(_ team: TeamRecord, keys: [ClientKeyRecord]) throws -> TeamView {
        let budget = try BudgetView.of(
            subject: "team:" + team.id, limits: team.limits, ledger: access.ledger, now: Date(), timeZone: timeZone)
        return TeamView(team, keys: keys.filter { $0.teamID == team.id }.count, budget: budget)
    }

    private func createKey(_ request: Request) async throws -> Response {
        let change = try AccessChange(json: try await Self.body(request), fields: Self.keyFields)
        try requireTeam(change)
        guard let name = change.name else { throw GatewayError.invalidRequest("'name' is required.", code: .missingField, param: "name") }
        let secret = ClientKey.generate()
        var record = ClientKeyRecord(
            id: ClientKeyRecord.newID(), name: name, prefix: secret.displayPrefix, digest: secret.digest, createdAt: Date())
        try Self.mapped { () throws(AccessStoreError) in
            try change.apply(to: &record)
            try store.insertKey(record)
        }
        try access.cache.reload()
        return try json(try keyView(record, secret: secret.secret), status: .created)
    }

    private func updateKey(_ request: Request, _ context: GatewayRequestContext) async throws -> Response {
        var record = try key(context)
        let change = try AccessChange(json: try await Self.body(request), fields: Self.keyFields)
        try requireTeam(change)
        try Self.mapped { () throws(AccessStoreError) in
            try change.apply(to: &record)
            try store.updateKey(record)
        }
        try access.cache.reload()
        return try json(try keyView(record))
    }

    private func revokeKey(_ context: GatewayRequestContext) throws -> Response {
        let id = try key(context).id
        try Self.mapped { () throws(AccessStoreError) in try store.revokeKey(id: id, at: Date()) }
        try access.cache.reload()
        return try json(try keyView(try key(context)))
    }

    private func listTeams() throws -> Response {
        let keys = try store.keys()
        return try json(List(data: try store.teams().map { try teamView($0, keys: keys) }))
    }

    private func createTeam(_ request: Request) async throws -> Response {
        let change = try AccessChange(json: try await Self.body(request), fields: Self.teamFields)
        guard let name = change.name else { throw GatewayError.invalidRequest("'name' is required.", code: .missingField, param: "name") }
        var team = TeamRecord(id: TeamRecord.newID(), name: name, createdAt: Date())
        try Self.mapped { () throws(AccessStoreError) in
            try change.apply(to: &team)
            try store.insertTeam(team)
        }
        try access.cache.reload()
        return try json(try teamView(team, keys: []), status: .created)
    }

    private func updateTeam(_ request: Request, _ context: GatewayRequestContext) async throws -> Response {
        var team = try team(context)
        let change = try AccessChange(json: try await Self.body(request), fields: Self.teamFields)
        try Self.mapped { () throws(AccessStoreError) in
            try change.apply(to: &team)
            try store.updateTeam(team)
        }
        try access.cache.reload()
        return try json(try teamView(team))
    }

    private func deleteTeam(_ context: GatewayRequestContext) throws -> Response {
        let team = try team(context)
        try Self.mapped { () throws(AccessStoreError) in try store.deleteTeam(id: team.id) }
        try access.cache.reload()
        return Response(status: .noContent)
    }

    private func key(_ context: GatewayRequestContext) throws -> ClientKeyRecord {
        let id = context.parameters.get("id") ?? ""
        guard let record = try store.key(id: id) else { throw GatewayError(.notFound, message: "No key with id '\(id)'.") }
        return record
    }

    private func team(_ context: GatewayRequestContext) throws -> TeamRecord {
        let id = context.parameters.get("id") ?? ""
        guard let team = try store.teams().first(where: { $0.id == id }) else {
            throw GatewayError(.notFound, message: "No team with id '\(id)'.")
        }
        return team
    }

    private func teamView(_ team: TeamRecord) throws -> TeamView {
        try teamView(team, keys: try store.keys())
    }

    private func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        try StatusRoutes.json(value, status: status)
    }

    /// The request's JSON object (at most 64 KiB).
    private static func body(_ request: Request) async throws -> [String: JSONValue] {
        let buffer = try await request.body.collect(upTo: 65_536)
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView)), let object = value.objectValue
        else {
            throw GatewayError.invalidRequest("The body must be a JSON object.", code: .invalidJSON)
        }
        return object
    }

    /// A store's refusal as the HTTP answer it deserves.
    private static func mapped(_ work: () throws(AccessStoreError) -> Void) throws(GatewayError) {
        do {
            try work()
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
