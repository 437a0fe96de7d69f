import Foundation
import Hummingbird
import Shared

/// `GET /v1/key/info`: the calling key's own record (id, name, prefix, dates; never the key), so a team
/// member can see what their key is. With client keys off there is no key to describe: 404.
struct KeyInfoRoute: Sendable {
    let keys: ClientKeyCache?

    struct Info: Encodable {
        var id: String
        var name: String
        var prefix: String
        var created_at: String
        var expires_at: String?
    }

    func info(_ request: Request, context: some RequestContext) throws -> Response {
        guard let keys, let id = CallerIdentity.keyID, let record = keys.record(id: id) else {
            throw GatewayError(.notFound, message: "Client keys are off on this gateway: there is no key to describe.")
        }
        let info = Info(
            id: record.id, name: record.name, prefix: record.prefix, created_at: record.createdAt.formatted(.iso8601),
            expires_at: record.expiresAt?.formatted(.iso8601)
        )
        return try StatusRoutes.json(info, status: .ok)
    }
}
