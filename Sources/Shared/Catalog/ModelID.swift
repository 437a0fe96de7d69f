/// A client's model id split into routing prefix and upstream id, on the first `/` only:
/// `nvidia/moonshotai/kimi-k2.5` is provider `nvidia`, model `moonshotai/kimi-k2.5`.
public struct ModelID: Sendable, Equatable {
    public var provider: String
    public var model: String

    public init?(_ id: String) {
        // By byte, not Character: every request names its model.
        guard let slash = id.utf8.firstIndex(of: UInt8(ascii: "/")) else { return nil }
        let provider = String(id[..<slash])
        let model = String(id[id.index(after: slash)...])
        guard !provider.isEmpty, !model.isEmpty else { return nil }
        self.provider = provider
        self.model = model
    }

    public var description: String { "\(provider)/\(model)" }
}
