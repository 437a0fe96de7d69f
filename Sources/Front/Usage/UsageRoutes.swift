import Foundation
import Hummingbird
import NIOCore
import Shared

/// `GET /api/usage?from=&to=&group_by=provider|model|key|team|day|instance|endpoint` (JSON, the whole fleet's) and
/// `GET /metrics` (Prometheus text format).
struct UsageRoutes: Sendable {
    let recorder: UsageRecorder
    let supervisor: WorkerSupervisor
    let counters: RequestCounters

    struct Report: Encodable {
        var from: String
        var to: String
        var group_by: String
        var reference_model: String?
        var rows: [UsageRow]
        var totals: UsageRow
        /// `false` when some requests had no price: their cost is unknown, not zero.
        var cost_complete: Bool
    }

    /// `unixSeconds: false` for the admin API, whose document allows dates and RFC 3339 times only.
    func usage(_ request: Request, context: some RequestContext, unixSeconds: Bool = true) async throws -> Response {
        let query = request.uri.queryParameters
        let grouping = try UsageQuery.grouping(query.get("group_by"))
        let (from, to) = try UsageQuery.period(from: query.get("from"), to: query.get("to"), unixSeconds: unixSeconds)
        // What is still buffered belongs in the answer.
        await recorder.flush()
        let rows: [UsageRow]
        do {
            rows = try await recorder.store.report(from: from, to: to, groupBy: grouping)
        } catch {
            throw GatewayError(.usageUnavailable, message: "Usage cannot be read now: the database did not answer (\(error)).")
        }
        let report = Report(
            from: UsageQuery.format(from), to: UsageQuery.format(to), group_by: grouping.rawValue,
            reference_model: supervisor.config.usage.referenceModel, rows: rows, totals: UsageQuery.total(rows),
            cost_complete: rows.allSatisfy { $0.unpriced_requests == 0 }
        )
        return try StatusRoutes.json(report, status: .ok)
    }

    func metrics(_ request: Request, context: some RequestContext) throws -> Response {
        recorder.metrics.workers(
            supervisor.orderedSlots.map { slot in
                let availability = slot.availability
                let limits = availability.limits
                return (slot.config.name, availability.state == "ready", availability.restarts, limits?.in_flight ?? 0, limits?.queued ?? 0)
            })
        recorder.metrics.inFlight(counters.snapshot.inFlight)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: recorder.metrics.registry.emitToBuffer()))
        )
    }
}

/// Parsing and totals shared by `/api/usage` and `orchestra usage`.
enum UsageQuery {
    static func grouping(_ text: String?) throws(GatewayError) -> UsageGrouping {
        guard let text else { return .provider }
        guard let grouping = UsageGrouping(rawValue: text) else {
            throw .invalidRequest(
                "group_by must be provider, model, key, team, day, instance or endpoint.", code: .invalidValue, param: "group_by")
        }
        return grouping
    }

    /// `from`/`to` as `YYYY-MM-DD`, ISO 8601 times or Unix seconds; by default the last 7 days.
    /// A `from` at or after `to` is an empty period (no usage), not an error.
    static func period(from: String?, to: String?, now: Date = Date(), unixSeconds: Bool = true) throws(GatewayError) -> (Double, Double) {
        let end =
            try to.map { text throws(GatewayError) in try parse(text, param: "to", unixSeconds: unixSeconds) }
            ?? now.timeIntervalSince1970 + 1
        let start =
            try from.map { text throws(GatewayError) in try parse(text, param: "from", unixSeconds: unixSeconds) } ?? end - 7 * 86400
        return (start, max(start, end))
    }

    private static func parse(_ text: String, param: String, unixSeconds: Bool) throws(GatewayError) -> Double {
        if unixSeconds, let seconds = Double(text) {
            guard seconds.isFinite, abs(seconds) < 1e11 else {
                throw .invalidRequest("'\(param)' is out of range.", code: .invalidValue, param: param)
            }
            return seconds
        }
        if let date = RFC3339.date(text) { return date.timeIntervalSince1970 }
        throw .invalidRequest(
            "'\(param)' must be a date (2026-11-25)\(unixSeconds ? ", an RFC 3339 time or Unix seconds" : " or an RFC 3339 time").",
            code: .invalidValue, param: param)
    }

    static func format(_ seconds: Double) -> String {
        Date(timeIntervalSince1970: seconds).formatted(.iso8601)
    }

    static func total(_ rows: [UsageRow]) -> UsageRow {
        var total = UsageRow(
            key: "total", requests: 0, errors: 0, prompt_tokens: 0, completion_tokens: 0, reasoning_tokens: 0, cached_tokens: 0,
            estimated_requests: 0, cost_usd: 0, unpriced_requests: 0, reference_cost_usd: 0, savings_usd: 0, average_latency_seconds: 0
        )
        var latency = 0.0
        for row in rows {
            total.requests += row.requests
            total.errors += row.errors
            total.prompt_tokens += row.prompt_tokens
            total.completion_tokens += row.completion_tokens
            total.reasoning_tokens += row.reasoning_tokens
            total.cached_tokens += row.cached_tokens
            total.estimated_requests += row.estimated_requests
            total.cost_usd += row.cost_usd
            total.unpriced_requests += row.unpriced_requests
            total.reference_cost_usd += row.reference_cost_usd
            total.savings_usd += row.savings_usd
            latency += row.average_latency_seconds * Double(row.requests)
        }
        total.average_latency_seconds = total.requests > 0 ? latency / Double(total.requests) : 0
        return total
    }
}
