import CCurl
import CCurlShims
import FoundationEssentials
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

/// One upstream HTTP exchange for one client request, and how its bytes become frames to the front.
///
/// Created on the event loop, then owned by the engine thread from `attach` on (see `CurlEngine`).
final class CurlTransfer: @unchecked Sendable {
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
    private let request: PreparedRequest
    private var translator: any ResponseTranslator
    private let clientWantsStream: Bool
    private let timeouts: UpstreamTimeouts
    private let mapError: @Sendable (Int, [UInt8], [HTTPHeader]) -> GatewayError
    /// Replaces the answer's `model` field (the route member that served it), when set.
    private let responseModel: String?
    private var usage: Usage?
    /// Answer events that carried something, for estimating usage when the upstream reports none.
    private var eventsOut = 0
    private var bytesOut = 0
    private var usageTokens: Int? { usage?.total_tokens }
    private var quotaExhausted = false
    /// Headers of the error the client got (with `retry-after` from an error body, e.g. Gemini's RetryInfo).
    private var failureHeaders: [HTTPHeader] = []
    private var onFinish: (@Sendable (TransferOutcome) -> Void)?

    private(set) var easy: UnsafeMutableRawPointer?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var mode = Mode.awaitingBody
    private var status = 0
    private var responseHeaders: [HTTPHeader] = []
    private var contentType = ""
    private var body: [UInt8] = []
    private var parser = SSEParser()
    private var startedAt = 0.0
    private var firstByteAt: Double?
    private var lastActivityAt = 0.0
    /// Frames produced by this transfer go to the engine's outbox.
    private let engine: CurlEngine
    /// Set once a terminal frame (`end` or `failure`) went out; nothing may follow it.
    private var ended = false

    static let maximumBufferedBody = 64 * 1024 * 1024

    init(
        id: UInt32, engine: CurlEngine, provider: String, request: PreparedRequest, clientWantsStream: Bool,
        timeouts: UpstreamTimeouts, mapError: @escaping @Sendable (Int, [UInt8], [HTTPHeader]) -> GatewayError,
        responseModel: String? = nil, onFinish: (@Sendable (TransferOutcome) -> Void)? = nil
    ) {
        self.id = id
        self.engine = engine
        self.provider = provider
        self.request = request
        self.translator = request.translator
        self.clientWantsStream = clientWantsStream
        self.timeouts = timeouts
        self.mapError = mapError
        self.responseModel = responseModel
        self.onFinish = onFinish
    }

    /// The next moment this transfer must have made progress by.
    var deadline: Double {
        if firstByteAt == nil { return startedAt + timeouts.firstByte }
        return lastActivityAt + timeouts.idle
    }

    func attach(to easy: UnsafeMutableRawPointer) throws(GatewayError) {
        self.easy = easy
        let me = Unmanaged.passUnretained(self).toOpaque()
        _ = orchestra_curl_setopt_string(easy, CURLOPT_URL, request.url)
        _ = orchestra_curl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = orchestra_curl_setopt_long(easy, CURLOPT_POST, 1)
        _ = orchestra_curl_setopt_long(easy, CURLOPT_POSTFIELDSIZE, request.body.count)
        request.body.withUnsafeBufferPointer { bytes in
            _ = orchestra_curl_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
        }
        for header in request.headers + ["Expect:"] {
            headerList = curl_slist_append(headerList, header)
        }
        _ = orchestra_curl_setopt_pointer(easy, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headerList))
        _ = orchestra_curl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Int(timeouts.connect * 1000))
        _ = orchestra_curl_setopt_long(easy, CURLOPT_TCP_NODELAY, 1)
        _ = orchestra_curl_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1)
        _ = orchestra_curl_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, "")
        _ = orchestra_curl_setopt_pointer(easy, CURLOPT_PRIVATE, me)
        _ = orchestra_curl_setopt_write_callback(easy, CURLOPT_HEADERFUNCTION, CurlCallbacks.header)
        _ = orchestra_curl_setopt_pointer(easy, CURLOPT_HEADERDATA, me)
        _ = orchestra_curl_setopt_write_callback(easy, CURLOPT_WRITEFUNCTION, CurlCallbacks.write)
        _ = orchestra_curl_setopt_pointer(easy, CURLOPT_WRITEDATA, me)
        startedAt = MonotonicClock.seconds()
        lastActivityAt = startedAt
        // The transfer must outlive libcurl's use of `me`: the engine's `active` table keeps it.
    }

    /// The transfer is over (answered, failed or cancelled): release curl state and report the outcome once.
    func detach() {
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
        easy = nil
        onFinish?(TransferOutcome(
            status: status, headers: failureHeaders + responseHeaders, tokens: usageTokens, quotaExhausted: quotaExhausted
        ))
        onFinish = nil
    }

    /// The answer as the client gets it: the `model` field replaced when a route chose the member, and
    /// usage noted when budgets count tokens.
    private func finishing(_ payload: [UInt8]) -> [UInt8] {
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
        if let usage { return UsageReport(usage) }
        let prompt = max(1, request.body.count / 4)
        let completion = clientWantsStream ? max(0, eventsOut - 2) : max(0, (bytesOut - 200) / 4)
        return UsageReport(promptTokens: prompt, completionTokens: completion, estimated: true)
    }

    private static let usageKey = Array(#""total_tokens""#.utf8)

    // MARK: Callbacks (engine thread, inside curl_multi_perform)

    func receivedHeaderLine(_ bytes: UnsafeBufferPointer<UInt8>) {
        let now = MonotonicClock.seconds()
        if firstByteAt == nil { firstByteAt = now }
        lastActivityAt = now
        var line = String(decoding: bytes, as: UTF8.self)
        // "\r\n" is one Character in Swift: trim by scalars.
        while let last = line.unicodeScalars.last, last == "\n" || last == "\r" { line.unicodeScalars.removeLast() }
        if line.hasPrefix("HTTP/") {
            // A new response (after a 100 Continue, say): forget the previous one's headers.
            responseHeaders.removeAll()
            let parts = line.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon]).lowercased()
        let value = line[line.index(after: colon)...].drop(while: { $0 == " " || $0 == "\t" })
        if name == "content-type" { contentType = value.lowercased() }
        responseHeaders.append(HTTPHeader(name: name, value: String(value)))
    }

    /// Returns `false` to make libcurl abort the transfer.
    func receivedBody(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        lastActivityAt = MonotonicClock.seconds()
        if mode == .awaitingBody {
            if (200...299).contains(status) && clientWantsStream && contentType.contains("text/event-stream") {
                mode = .streaming
                engine.emit(.head(id: id, ResponseHead(status: status, streaming: true, headers: ForwardedHeaders.select(responseHeaders))))
            } else {
                mode = .buffering
            }
        }
        switch mode {
        case .streaming:
            return forward(parser.feed(bytes))
        case .buffering, .awaitingBody:
            if body.count + bytes.count > Self.maximumBufferedBody {
                fail(.upstreamInvalid(provider, detail: "it is larger than \(Self.maximumBufferedBody) bytes"))
                return false
            }
            body.append(contentsOf: bytes)
        }
        return true
    }

    /// Translates the events one network read completed and sends them as one SSE-framed chunk.
    private func forward(_ events: [SSEParser.Event]) -> Bool {
        guard !events.isEmpty else { return true }
        var framed = ByteBuffer()
        do {
            for event in events {
                for payload in try translator.translate(event: event) {
                    SSEFraming.append(finishing(payload), to: &framed)
                }
            }
        } catch {
            if framed.readableBytes > 0 { engine.emit(.chunk(id: id, framed)) }
            fail(error)
            return false
        }
        if framed.readableBytes > 0 { engine.emit(.chunk(id: id, framed)) }
        return true
    }

    // MARK: Endings (engine thread)

    func complete(result: CURLcode) {
        guard !ended else { return }
        guard result == CURLE_OK else {
            let detail = String(cString: curl_easy_strerror(result))
            if result == CURLE_OPERATION_TIMEDOUT {
                fail(.upstreamTimeout(provider, detail: detail))
            } else {
                fail(.upstreamUnreachable(provider, detail: detail))
            }
            return
        }
        switch mode {
        case .streaming:
            if let last = parser.finish(), !forward([last]) { return }
            do {
                let trailing = try translator.finishStream()
                if !trailing.isEmpty {
                    var framed = ByteBuffer()
                    for payload in trailing { SSEFraming.append(finishing(payload), to: &framed) }
                    engine.emit(.chunk(id: id, framed))
                }
            } catch {
                fail(error)
                return
            }
            ended = true
            engine.emit(.usage(id: id, usageReport))
            engine.emit(.end(id: id))
        case .buffering, .awaitingBody:
            guard (200...299).contains(status) else {
                fail(mapError(status, body, responseHeaders))
                return
            }
            if clientWantsStream {
                fail(.upstreamInvalid(provider, detail: "a stream was requested but the answer is not an event stream"))
                return
            }
            do {
                let translated = finishing(try translator.translate(body: body))
                ended = true
                engine.emit(.head(id: id, ResponseHead(status: status, streaming: false, headers: ForwardedHeaders.select(responseHeaders))))
                engine.emit(.chunk(id: id, ByteBuffer(bytes: translated)))
                engine.emit(.usage(id: id, usageReport))
                engine.emit(.end(id: id))
            } catch {
                fail(error)
            }
        }
    }

    func timedOut() {
        let detail = firstByteAt == nil
            ? "no answer within \(Self.format(timeouts.firstByte)) s"
            : "no data for \(Self.format(timeouts.idle)) s"
        fail(.upstreamTimeout(provider, detail: detail))
    }

    private func fail(_ error: GatewayError) {
        guard !ended else { return }
        ended = true
        quotaExhausted = error.code.isQuotaExhausted || status == 402
        failureHeaders = error.headers
        engine.emit(.failure(id: id, error))
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}

/// libcurl's C callbacks: they find their transfer through the user-data pointer.
enum CurlCallbacks {
    static let header: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
        data, size, count, context in
        guard let data, let context else { return 0 }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        data.withMemoryRebound(to: UInt8.self, capacity: length) {
            transfer.receivedHeaderLine(UnsafeBufferPointer(start: $0, count: length))
        }
        return length
    }

    static let write: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
        data, size, count, context in
        guard let data, let context else { return 0 }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        let keepGoing = data.withMemoryRebound(to: UInt8.self, capacity: length) {
            transfer.receivedBody(UnsafeBufferPointer(start: $0, count: length))
        }
        return keepGoing ? length : 0
    }
}
