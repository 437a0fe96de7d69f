import Shared

/// A route's strategy applied to its usable members: pure, so each order is tested with numbers.
/// Ties keep the order written in the route.
enum RouteOrder {
    /// A route member that can serve the request now, with what the catalog knows about it.
    struct Member: Equatable {
        var candidate: ProviderRouter.Candidate
        var info: ModelInfo?
    }

    static func sorted(
        _ members: [Member], by strategy: RouteConfig.Strategy, needs: RequestNeeds, timeToFirstByte: (String) -> Double?
    ) -> [Member] {
        switch strategy {
        case .ordered:
            return members
        case .cheapest:
            let output = Double(needs.maxOutput ?? 512)
            return stable(members) { member in
                guard let input = member.info?.inputPrice, let outputPrice = member.info?.outputPrice else { return .infinity }
                return input * Double(needs.promptTokens) + outputPrice * output
            }
        case .fastest:
            return stable(members) { timeToFirstByte($0.candidate.id) ?? .infinity }
        case .longest:
            return stable(members) { -Double($0.info?.contextLength ?? 0) }
        }
    }

    private static func stable(_ members: [Member], key: (Member) -> Double) -> [Member] {
        members.enumerated().map { (key($0.element), $0.offset, $0.element) }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
    }
}
