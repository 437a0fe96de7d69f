import Shared

/// One request's accounting, carried from the route to wherever its answer ends (a whole body, or
/// the end, failure or abandonment of a stream).
struct RequestLedger: Sendable {
    let recorder: UsageRecorder
    let requestID: String
    /// How the usage record names the endpoint: the client's surface (`messages`, `responses`) or the endpoint's own name.
    let endpointName: String
    let started: Double
    var firstByte: Double?
    var route: String?
    var provider: String
    var model: String
    var attempts = 1
    /// Who asked (a key's id, `admin` or `anonymous`) and its team, read when the request arrives.
    let client: String
    let team: String?
    /// The caller's budget reservation and rate slot, settled when the request ends.
    var admission: Admission?
    /// The serving attempt's place in the fleet's provider windows, freed when the request ends.
    var fleetSlot: ProviderFleetWindows.Slot?

    init(recorder: UsageRecorder, endpoint: Endpoint, surface: String? = nil, model: String, caller: Caller) {
        client = caller.client
        endpointName = surface ?? UsageRecorder.name(endpoint)
        team = caller.team?.id
        self.recorder = recorder
        requestID = "req_" + OpenAIIdentifiers.random(24)
        started = MonotonicClock.seconds()
        let id = ModelID(model)
        provider = id?.provider ?? "-"
        self.model = id?.model ?? model
    }

    mutating func answered(by dispatched: RequestDispatcher.Dispatched) {
        firstByte = MonotonicClock.seconds()
        route = dispatched.route
        provider = dispatched.target.provider
        model = dispatched.target.model
        attempts = dispatched.attempts
        fleetSlot = dispatched.fleetSlot
    }

    func finish(status: Int, usage: UsageReport?) {
        let cost = recorder.record(
            requestID: requestID, client: client, team: team, route: route, provider: provider, model: model,
            endpoint: endpointName, status: status, usage: usage, started: started, firstByte: firstByte, attempts: attempts
        )
        let tokens = usage.map { $0.promptTokens + $0.completionTokens }
        admission?.settle(costUSD: cost, tokens: tokens)
        fleetSlot?.finish(tokens: tokens)
    }

    /// The error the client gets, with the request id it can quote.
    func failed(_ error: GatewayError) -> GatewayError {
        finish(status: error.status, usage: nil)
        var error = error
        error.headers.append(HTTPHeader(name: "x-request-id", value: requestID))
        return error
    }
}
