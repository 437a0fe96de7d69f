import Foundation
import Hummingbird
import Shared

/// `GET /v1/models` and `GET /health`: what the gateway can serve right now.
struct StatusRoutes: Sendable {
    let config: GatewayConfig
    let supervisor: WorkerSupervisor

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
        }
        var status: String
        var providers: [String: Provider]
    }

    /// Models of providers that can answer now: worker ready and key present.
    func models(_ request: Request, context: some RequestContext) throws -> Response {
        var data: [ModelList.Model] = []
        let created = Int(Date().timeIntervalSince1970)
        for slot in supervisor.orderedSlots {
            guard case .ready(_, let status) = slot.state, status.keyPresent else { continue }
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
            let state = slot.state
            var entry = Health.Provider(state: state.label, pid: slot.pid, restarts: slot.restarts)
            switch state {
            case .ready(_, let status):
                entry.key = slot.config.key == .none ? "not needed" : (status.keyPresent ? "present" : "missing")
            case .restarting(let reason):
                entry.reason = reason
                problems.append("\(slot.config.name) \(state.label)")
            case .starting, .stopped:
                problems.append("\(slot.config.name) \(state.label)")
            }
            providers[slot.config.name] = entry
        }
        let health = Health(status: problems.isEmpty ? "ok" : "unavailable: " + problems.joined(separator: ", "), providers: providers)
        return try Self.json(health, status: problems.isEmpty ? .ok : .serviceUnavailable)
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
