import Foundation
import Hummingbird
import Shared

/// `GET /v1/models/{id}` (OpenAI's shape) and `GET /api/models`, the full catalog for the dashboard,
/// editors and tools: context, capabilities, prices, colour and whether the provider can answer now.
struct CatalogRoutes: Sendable {
    let supervisor: WorkerSupervisor

    struct ModelObject: Encodable {
        var id: String
        var object = "model"
        var created: Int
        var owned_by: String
    }

    struct CatalogEntry: Encodable {
        struct Capabilities: Encodable {
            var tools: Bool
            var vision: Bool
            var reasoning: Bool
            var fim: Bool
            var embedding: Bool
        }

        /// US dollars per million tokens; `null` when unknown (never shown as free).
        struct Pricing: Encodable {
            var input: Double?
            var output: Double?
            var unit = "USD per 1M tokens"
        }

        var id: String
        var provider: String
        var provider_name: String
        var model: String
        var colour: String
        var dialect: String
        var context_length: Int?
        var max_output: Int?
        var capabilities: Capabilities
        var pricing: Pricing
        /// The provider's worker is ready and has its key.
        var available: Bool
        var provider_state: String
        /// Why the model cannot be used now, when it cannot.
        var unavailable_reason: String?
    }

    struct Catalog: Encodable {
        var object = "list"
        var data: [CatalogEntry]
    }

    /// One provider for the dashboard: who it is and its traffic, with its `Availability` fields beside.
    struct ProviderEntry: Encodable {
        var name: String
        var display_name: String
        var colour: String
        var dialect: String
        var models: Int
        var traffic: ProviderStats.Summary
        var availability: Availability

        private enum CodingKeys: String, CodingKey { case name, display_name, colour, dialect, models, traffic }

        func encode(to encoder: any Encoder) throws {
            try availability.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(display_name, forKey: .display_name)
            try container.encode(colour, forKey: .colour)
            try container.encode(dialect, forKey: .dialect)
            try container.encode(models, forKey: .models)
            try container.encode(traffic, forKey: .traffic)
        }
    }

    /// `GET /api/providers`: each provider's worker state, traffic and rate-limit budget (never a key).
    func providers(_ request: Request, context: some RequestContext, stats: ProviderStats) throws -> Response {
        let entries = supervisor.orderedSlots.map { slot in
            let config = slot.config
            return ProviderEntry(
                name: config.name, display_name: config.displayName, colour: config.colour, dialect: config.dialect.rawValue,
                models: config.models.count, traffic: stats.summary(provider: config.name), availability: slot.availability
            )
        }
        return try StatusRoutes.json(["providers": entries], status: .ok)
    }

    /// The `id` is everything after `/v1/models/`: model ids contain slashes.
    func model(_ request: Request, context: some RequestContext) throws -> Response {
        let id = String(request.uri.path.dropFirst("/v1/models/".count))
        guard let modelID = ModelID(id), Caller.current.mayUse(id), let entry = entries().first(where: { $0.id == id }), entry.available
        else {
            throw GatewayError.modelNotFound("The model '\(id)' does not exist or its provider cannot answer now.")
        }
        return try StatusRoutes.json(
            ModelObject(id: id, created: Int(Date().timeIntervalSince1970), owned_by: modelID.provider), status: .ok
        )
    }

    func catalog(_ request: Request, context: some RequestContext) throws -> Response {
        try StatusRoutes.json(Catalog(data: entries()), status: .ok)
    }

    /// `GET /continue/config.yaml[?key_ref=NAME]`: Continue's config for the models usable now, with
    /// the gateway's address as the client reached it.
    func continueConfig(_ request: Request, context: some RequestContext) throws -> Response {
        let keyRef = request.uri.queryParameters.get("key_ref")
        if let keyRef, keyRef.isEmpty || !keyRef.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
            throw GatewayError.invalidRequest(
                "key_ref takes a secret name of letters, digits and '_'.", code: .invalidValue, param: "key_ref")
        }
        let host = request.head.authority ?? "127.0.0.1:\(supervisor.config.server.port)"
        var entries: [ContinueConfig.Entry] = []
        let caller = Caller.current
        for slot in supervisor.orderedSlots where slot.availability.usable {
            entries += slot.config.models.filter { caller.mayUse("\(slot.config.name)/\($0.id)") }.map {
                ContinueConfig.Entry(provider: slot.config, model: $0)
            }
        }
        let yaml = ContinueConfig(baseURL: "http://\(host)", keyReference: keyRef, entries: entries).render()
        return Response(
            status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: yaml))
        )
    }

    /// Every model of every enabled provider, in catalog order.
    func entries() -> [CatalogEntry] {
        var entries: [CatalogEntry] = []
        for slot in supervisor.orderedSlots {
            let provider = slot.config
            let availability = slot.availability
            for model in provider.models {
                let reason = availability.unavailableReason(model: model.id)
                entries.append(
                    CatalogEntry(
                        id: "\(provider.name)/\(model.id)", provider: provider.name, provider_name: provider.displayName,
                        model: model.id, colour: provider.colour, dialect: provider.dialect.rawValue,
                        context_length: model.contextLength, max_output: model.maxOutput,
                        capabilities: .init(
                            tools: model.tools, vision: model.vision, reasoning: model.reasoning, fim: model.fim, embedding: model.embedding
                        ),
                        pricing: .init(input: model.inputPrice, output: model.outputPrice),
                        available: reason == nil, provider_state: availability.state, unavailable_reason: reason
                    ))
            }
        }
        return entries
    }
}
