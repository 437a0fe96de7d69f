import Logging
import OTel
import ServiceLifecycle
import Shared

/// OpenTelemetry traces over OTLP/HTTP (swift-otel), when `[telemetry] otlp_endpoint` is set: a span per
/// HTTP request (Hummingbird's tracing middleware) with a child span per upstream attempt. Off by default:
/// nothing is bootstrapped and the tracer stays a no-op.
enum Telemetry {
    /// The exporter service to run alongside the gateway, or `nil` when telemetry is off.
    static func bootstrap(_ config: TelemetryConfig, logger: Logger) throws -> (any Service)? {
        guard let endpoint = config.otlpEndpoint else { return nil }
        var otel = OTel.Configuration.default
        otel.serviceName = config.serviceName
        otel.metrics.enabled = false
        otel.logs.enabled = false
        otel.traces.enabled = true
        otel.traces.batchSpanProcessor.scheduleDelay = .milliseconds(Int64(config.exportInterval * 1000))
        var base = endpoint
        while base.hasSuffix("/") { base.removeLast() }
        otel.traces.otlpExporter.endpoint = base + "/v1/traces"
        otel.traces.otlpExporter.protocol = config.encoding == "json" ? .httpJSON : .httpProtobuf
        otel.traces.otlpExporter.compression = .none
        otel.diagnosticLogger = .custom(logger)
        let service = try OTel.bootstrap(configuration: otel)
        logger.info("tracing to \(base)/v1/traces")
        return service
    }
}
