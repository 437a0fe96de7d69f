import Prometheus

/// The front door's metrics: open client connections, connections closed at the cap, and connections
/// closed by a timeout (by phase). Handles are made once; updating one is an atomic operation.
struct FrontDoorMetrics: Sendable {
    private let openConnections: Gauge
    private let refusedConnections: Counter
    private let timeouts: [ConnectionPhases.Phase: Counter]

    init(registry: PrometheusCollectorRegistry) {
        openConnections = registry.makeGauge(
            descriptor: .init(namespace: "orchestra", metricName: "client_connections", unitName: "", helpText: "Open client connections"))
        refusedConnections = registry.makeCounter(
            descriptor: .init(
                namespace: "orchestra", metricName: "client_connections_refused", unitName: "total",
                helpText: "Client connections closed at once because the connection cap was reached"))
        var timeouts: [ConnectionPhases.Phase: Counter] = [:]
        for phase in [ConnectionPhases.Phase.idle, .head, .body] {
            timeouts[phase] = registry.makeCounter(
                descriptor: .init(
                    namespace: "orchestra", metricName: "client_timeouts", unitName: "total",
                    helpText: "Client connections closed for taking too long, by what they were doing"),
                labels: [("phase", phase.rawValue)])
        }
        self.timeouts = timeouts
    }

    func open(_ count: Int) { openConnections.set(to: Double(count)) }
    func refused() { refusedConnections.increment() }
    func timedOut(_ phase: ConnectionPhases.Phase) { timeouts[phase]?.increment() }
}
