import Foundation
import Hummingbird
import Shared

/// `GET /v1/models` and `GET /health`: what the gateway can serve right now.
struct StatusRoutes: Sendable {
    let supervisor: WorkerSupervisor
    let counters: RequestCounters
    /// The shared database's reachability (a fleet), `nil` with the embedded SQLite file.
    var storage: StorageHealth? = nil

    struct ModelList: Encodable {
        struct Model: Encodable {
            var id: String
            var object = "model"
            var created: Int
            var owned_by: String
        }
        var object = "list"
        var data: [Model]
    }

    struct Health: Encodable {
        struct Requests: Encodable {
            var total: Int
            var in_flight: Int
        }
        var status: String
        var providers: [String: Availability]
        var requests: Requests
        /// Whether callers need a client key (the dashboard then signs in with the admin key).
        var client_keys: Bool
        /// Why the shared database is unreachable, while it is.
        var database: String?
    }

    /// Models of providers that can answer now: worker ready and key present.
    func models(_ request: Request, context: some RequestContext) throws -> Response {
        var data: [ModelList.Model] = []
        let caller = Caller.current
        let created = Int(Date().timeIntervalSince1970)
        for slot in supervisor.orderedSlots {
            guard slot.availability.usable else { continue }
            for model in slot.config.models where caller.mayUse("\(slot.config.name)/\(model.id)") {
                data.append(.init(id: "\(slot.config.name)/\(model.id)", created: created, owned_by: slot.config.name))
            }
        }
        return try Self.json(ModelList(data: data), status: .ok)
    }

    /// 200 once every enabled worker is ready, 503 naming what is not; "degraded" (still 200: requests
    /// are served) while the shared database is unreachable.
    func health(_ request: Request, context: some RequestContext) throws -> Response {
        var providers: [String: Availability] = [:]
        var problems: [String] = []
        for slot in supervisor.orderedSlots {
            let availability = slot.availability
            // A worker without its key is up (it answers with a clear 401); one that is not connected is not.
            if availability.state != "ready" { problems.append("\(slot.config.name) \(availability.state)") }
            providers[slot.config.name] = availability
        }
        let counts = counters.snapshot
        let database = storage?.problem
        let status =
            !problems.isEmpty
            ? "unavailable: " + problems.joined(separator: ", ") : database != nil ? "degraded: database unreachable" : "ok"
        let health = Health(
            status: status, providers: providers, requests: .init(total: counts.total, in_flight: counts.inFlight),
            client_keys: supervisor.config.auth.enabled, database: database
        )
        return try Self.json(health, status: problems.isEmpty ? .ok : .serviceUnavailable)
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
