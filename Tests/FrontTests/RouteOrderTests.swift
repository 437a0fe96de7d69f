import Shared
import Testing

@testable import OrchestraFront

@Suite("Route strategies")
struct RouteOrderTests {
    typealias Member = RouteOrder.Member

    static func member(_ id: String, context: Int? = nil, prices: (Double, Double)? = nil) -> Member {
        let model = ModelID(id)!
        return Member(
            candidate: .init(provider: model.provider, model: model.model),
            info: ModelInfo(id: model.model, contextLength: context, inputPrice: prices?.0, outputPrice: prices?.1)
        )
    }

    let members = [
        member("a/one", context: 8_000, prices: (1, 1)),
        member("b/two", context: 1_000_000, prices: nil),
        member("c/three", context: 128_000, prices: (0.1, 0.2)),
        member("d/four", context: 128_000, prices: (0.1, 0.2)),
    ]

    func ids(_ strategy: RouteConfig.Strategy, needs: RequestNeeds = RequestNeeds(), ttfb: [String: Double] = [:]) -> [String] {
        RouteOrder.sorted(members, by: strategy, needs: needs, timeToFirstByte: { ttfb[$0] }).map(\.candidate.id)
    }

    @Test("ordered keeps the order written")
    func ordered() {
        #expect(ids(.ordered) == ["a/one", "b/two", "c/three", "d/four"])
    }

    @Test("cheapest by the request's tokens; unknown prices last, never free; ties in written order")
    func cheapest() {
        var needs = RequestNeeds()
        needs.promptTokens = 1000
        needs.maxOutput = 100
        #expect(ids(.cheapest, needs: needs) == ["c/three", "d/four", "a/one", "b/two"])
    }

    @Test("cheapest weighs output against input: a cheap input with dear output loses on long answers")
    func cheapestWeighsOutput() {
        let pair = [Self.member("x/in", prices: (0.1, 10)), Self.member("y/out", prices: (1, 1))]
        var short = RequestNeeds()
        short.promptTokens = 10_000
        short.maxOutput = 10
        var long = short
        long.maxOutput = 10_000
        let order = { (needs: RequestNeeds) in
            RouteOrder.sorted(pair, by: .cheapest, needs: needs, timeToFirstByte: { _ in nil }).map(\.candidate.id)
        }
        #expect(order(short) == ["x/in", "y/out"])
        #expect(order(long) == ["y/out", "x/in"])
    }

    @Test("fastest by measured time to first byte; never-measured members after the measured ones")
    func fastest() {
        #expect(ids(.fastest, ttfb: ["d/four": 0.2, "b/two": 0.05]) == ["b/two", "d/four", "a/one", "c/three"])
    }

    @Test("longest by context window, unknown context last")
    func longest() {
        let withUnknown = members + [Member(candidate: .init(provider: "e", model: "five"), info: nil)]
        let order = RouteOrder.sorted(withUnknown, by: .longest, needs: RequestNeeds(), timeToFirstByte: { _ in nil }).map(\.candidate.id)
        #expect(order == ["b/two", "c/three", "d/four", "a/one", "e/five"])
    }
}
