import NIOCore
import Shared

/// How a transfer ended, for the rate limiter: what the upstream said and what the answer used.
struct TransferOutcome: Sendable {
    var status: Int
    var headers: [HTTPHeader]
    /// Total tokens from the answer's usage, when it had one.
    var tokens: Int?
    /// The upstream's quota is spent (402, `insufficient_quota`), not just short throttling.
    var quotaExhausted: Bool
}

/// One upstream answer on its way to the front: status and header lines, then body bytes as they
/// arrive, become frames (`head`, SSE-framed `chunk`s or one whole body, `usage`, `end` or `failure`).
///
/// It knows nothing of the network: libcurl's transfer feeds it, and so does the offline demo, so
/// both answer through the same translation, usage reading and error mapping.
struct UpstreamAnswer {
    /// How the answer is being handled, decided when its first body byte arrives.
    private enum Mode {
        case awaitingBody
        /// A successful SSE answer: each event goes to the front as it arrives.
        case streaming
        /// Anything else is kept whole until it ends (success bodies, error bodies).
        case buffering
    }

    let id: UInt32
    private let provider: String
    private var translator: any ResponseTranslator
    private let clientWantsStream: Bool
    private let mapError: @Sendable (Int, [UInt8], [HTTPHeader]) -> GatewayError
    /// Replaces the answer's `model` field (the route member that served it), when set.
    private let responseModel: String?
    /// The request's size, for estimating usage when the upstream reports none.
    private let requestBytes: Int
    private var usage: Usage?
    /// Answer events that carried something, for estimating usage when the upstream reports none.
    private var eventsOut = 0
    private var bytesOut = 0
    private var quotaExhausted = false
    /// Headers of the error the client got (with `retry-after` from an error body, e.g. Gemini's RetryInfo).
    private var failureHeaders: [HTTPHeader] = []
    private var mode = Mode.awaitingBody
    private(set) var status = 0
    private var responseHeaders: [HTTPHeader] = []
    private var contentType = ""
    private var body: [UInt8] = []
    private var parser = SSEParser()
    /// Set once a terminal frame (`end` or `failure`) went out; nothing may follow it.
    private(set) var ended = false

    /// The most bytes the upstream may send for this answer (`[providers.x] max_answer_bytes`).
    private let maxAnswerBytes: Int
    private var bytesIn = 0
    private static let usageKey = Array(#""total_tokens""#.utf8)

    init(
        id: UInt32, provider: String, request: PreparedRequest, clientWantsStream: Bool,
        mapError: @escaping @Sendable (Int, [UInt8], [HTTPHeader]) -> GatewayError, responseModel: String?,
        maxAnswerBytes: Int = ProviderConfig.defaultMaxAnswerBytes
    ) {
        self.maxAnswerBytes = maxAnswerBytes
        self.id = id
        self.provider = provider
        self.translator = request.translator
        self.requestBytes = request.body.count
        self.clientWantsStream = clientWantsStream
        self.mapError = mapError
        self.responseModel = responseModel
    }

    var outcome: TransferOutcome {
        TransferOutcome(
            status: status, headers: failureHeaders + responseHeaders, tokens: (usage ?? translator.reportedUsage)?.total_tokens,
            quotaExhausted: quotaExhausted)
    }

    /// One header line as the upstream sent it (the status line included).
    mutating func receive(headerLine: String) {
        var line = headerLine
        line.withUTF8 { receive(headerLine: $0) }
    }

    /// One header line's bytes, read as bytes: a line costs two small strings (its name, lowercased,
    /// and its value), where `Character`-wise trimming and splitting cost a tenth of a worker's time.
    mutating func receive(headerLine bytes: UnsafeBufferPointer<UInt8>) {
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        let line = UnsafeBufferPointer(rebasing: bytes[..<end])
        if line.starts(with: "HTTP/".utf8) {
            // A new response (after a 100 Continue, say): forget the previous one's headers.
            responseHeaders.removeAll()
            let parts = line.split(separator: 0x20, maxSplits: 2)
            status = parts.count > 1 ? Int(String(decoding: parts[1], as: UTF8.self)) ?? 0 : 0
            return
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
        let name = String(unsafeUninitializedCapacity: colon) { out in
            for index in 0..<colon {
                let byte = line[index]
                out[index] = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
            }
            return colon
        }
        var start = colon + 1
        while start < line.count, line[start] == 0x20 || line[start] == 0x09 { start += 1 }
        let value = String(decoding: UnsafeBufferPointer(rebasing: line[start...]), as: UTF8.self)
        if name == "content-type" { contentType = value.lowercased() }
        responseHeaders.append(HTTPHeader(name: name, value: value))
    }

    /// Body bytes; returns `false` when the transfer must stop (the answer failed).
    mutating func receive(body bytes: some Collection<UInt8>, into frames: inout [WorkerFrame]) -> Bool {
        if mode == .awaitingBody {
            if (200...299).contains(status) && clientWantsStream && contentType.contains("text/event-stream") {
                mode = .streaming
                frames.append(
                    .head(id: id, ResponseHead(status: status, streaming: true, headers: ForwardedHeaders.select(responseHeaders))))
            } else {
                mode = .buffering
            }
        }
        bytesIn += bytes.count
        if bytesIn > maxAnswerBytes {
            fail(
                .upstreamInvalid(provider, detail: "it is larger than \(maxAnswerBytes) bytes ([providers.\(provider)] max_answer_bytes)"),
                into: &frames)
            body = []
            return false
        }
        switch mode {
        case .streaming:
            return forward(parser.feed(bytes), into: &frames)
        case .buffering, .awaitingBody:
            body.append(contentsOf: bytes)
        }
        return true
    }

    /// The upstream finished its answer cleanly.
    mutating func complete(into frames: inout [WorkerFrame]) {
        guard !ended else { return }
        switch mode {
        case .streaming:
            if let last = parser.finish(), !forward([last], into: &frames) { return }
            do {
                let trailing = try translator.finishStream()
                if !trailing.isEmpty {
                    var framed = ByteBuffer()
                    for payload in trailing { SSEFraming.append(finishing(payload), to: &framed) }
                    frames.append(.chunk(id: id, framed))
                }
            } catch {
                fail(error, into: &frames)
                return
            }
            ended = true
            frames.append(.usage(id: id, usageReport))
            frames.append(.end(id: id))
        case .buffering, .awaitingBody:
            guard (200...299).contains(status) else {
                fail(mapError(status, body, responseHeaders), into: &frames)
                return
            }
            if clientWantsStream {
                fail(.upstreamInvalid(provider, detail: "a stream was requested but the answer is not an event stream"), into: &frames)
                return
            }
            do {
                let translated = finishing(try translator.translate(body: body))
                ended = true
                frames.append(
                    .head(id: id, ResponseHead(status: status, streaming: false, headers: ForwardedHeaders.select(responseHeaders))))
                frames.append(.chunk(id: id, ByteBuffer(bytes: translated)))
                frames.append(.usage(id: id, usageReport))
                frames.append(.end(id: id))
            } catch {
                fail(error, into: &frames)
            }
        }
    }

    /// The answer ends with `error` (once; nothing follows a terminal frame).
    mutating func fail(_ error: GatewayError, into frames: inout [WorkerFrame]) {
        guard !ended else { return }
        ended = true
        quotaExhausted = error.code.isQuotaExhausted || status == 402
        failureHeaders = error.headers
        frames.append(.failure(id: id, error))
    }

    /// Translates the events one read completed and sends them as one SSE-framed chunk.
    private mutating func forward(_ events: [SSEParser.Event], into frames: inout [WorkerFrame]) -> Bool {
        guard !events.isEmpty else { return true }
        var framed = ByteBuffer()
        do {
            for event in events {
                for payload in try translator.translate(event: event) {
                    SSEFraming.append(finishing(payload), to: &framed)
                }
            }
        } catch {
            if framed.readableBytes > 0 { frames.append(.chunk(id: id, framed)) }
            fail(error, into: &frames)
            return false
        }
        if framed.readableBytes > 0 { frames.append(.chunk(id: id, framed)) }
        return true
    }

    /// The answer as the client gets it: the `model` field replaced when a route chose the member, and
    /// usage noted for accounting and token budgets.
    private mutating func finishing(_ payload: [UInt8]) -> [UInt8] {
        eventsOut += 1
        bytesOut += payload.count
        if ByteSearch.contains(Self.usageKey, in: payload), let found = UsageExtractor.usage(in: payload) {
            usage = found
        }
        guard let responseModel else { return payload }
        return payload.withUnsafeBytes { JSONFieldRewriter.replacingTopLevelString("model", in: $0, with: responseModel) } ?? payload
    }

    /// The answer's usage for accounting: the upstream's own numbers, or an estimate marked as such
    /// (about a token per stream event, four bytes a token otherwise).
    private var usageReport: UsageReport {
        if let usage = usage ?? translator.reportedUsage { return UsageReport(usage) }
        let prompt = max(1, requestBytes / 4)
        let completion = clientWantsStream ? max(0, eventsOut - 2) : max(0, (bytesOut - 200) / 4)
        return UsageReport(promptTokens: prompt, completionTokens: completion, estimated: true)
    }
}
