import Foundation
import Hummingbird
import Shared

/// `GET /v1/models` and `GET /health`: what the gateway can serve right now.
struct StatusRoutes: Sendable {
    let supervisor: WorkerSupervisor
    let counters: RequestCounters

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
        struct Provider: Encodable {
            var state: String
            var key: String?
            var pid: Int32?
            var restarts: Int
            var reason: String?
            var limits: Limits?
        }

        /// The worker's rate limiter, as last reported.
        struct Limits: Encodable {
            var queued: Int
            var in_flight: Int
            var keys: Int
            var resting_keys: Int
            var limited_for: Double?
            var requests_left: Int?
            var resting_models: [String: Double]
        }
        struct Requests: Encodable {
            var total: Int
            var in_flight: Int
        }
        var status: String
        var providers: [String: Provider]
        var requests: Requests
    }

    /// Models of providers that can answer now: worker ready and key present.
    func models(_ request: Request, context: some RequestContext) throws -> Response {
        var data: [ModelList.Model] = []
        let created = Int(Date().timeIntervalSince1970)
        for slot in supervisor.orderedSlots {
            guard slot.canAnswer else { continue }
            for model in slot.config.models {
                data.append(.init(id: "\(slot.config.name)/\(model.id)", created: created, owned_by: slot.config.name))
            }
        }
        return try Self.json(ModelList(data: data), status: .ok)
    }

    /// 200 once every enabled worker is ready, 503 naming what is not.
    func health(_ request: Request, context: some RequestContext) throws -> Response {
        var providers: [String: Health.Provider] = [:]
        var problems: [String] = []
        for slot in supervisor.orderedSlots {
            let snapshot = slot.snapshot
            var entry = Health.Provider(state: snapshot.label, pid: snapshot.pid, restarts: snapshot.restarts, reason: snapshot.reason)
            if let connection = snapshot.connection, let status = snapshot.status {
                entry.key = slot.config.key == .none ? "not needed" : (status.keyPresent ? "present" : "missing")
                let rate = connection.currentRateStatus
                entry.limits = .init(
                    queued: rate.queued, in_flight: rate.inFlight, keys: rate.keys, resting_keys: rate.restingKeys,
                    limited_for: rate.limitedFor, requests_left: rate.requestsLeft, resting_models: rate.restingModels
                )
            } else {
                problems.append("\(slot.config.name) \(snapshot.label)")
            }
            providers[slot.config.name] = entry
        }
        let counts = counters.snapshot
        let health = Health(
            status: problems.isEmpty ? "ok" : "unavailable: " + problems.joined(separator: ", "), providers: providers,
            requests: .init(total: counts.total, in_flight: counts.inFlight)
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
