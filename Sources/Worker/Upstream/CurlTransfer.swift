import CCurl
import CCurlShims
import FoundationEssentials
import NIOCore
import Shared

/// One upstream HTTP exchange for one client request: libcurl's side (options, callbacks, timeouts)
/// around an `UpstreamAnswer`, which turns the bytes into frames for the front.
///
/// Lives on the worker's one thread, like its `CurlEngine`.
final class CurlTransfer: @unchecked Sendable {
    let id: UInt32
    private let provider: String
    private let request: PreparedRequest
    private let timeouts: UpstreamTimeouts
    private var answer: UpstreamAnswer
    /// Frames the answer produced in one callback, kept for the next so no callback allocates.
    private var frames: [WorkerFrame] = []
    private var onFinish: ((TransferOutcome) -> Void)?

    private(set) var easy: UnsafeMutableRawPointer?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var startedAt = 0.0
    private var firstByteAt: Double?
    private var lastActivityAt = 0.0
    /// Frames produced by this transfer go to the engine's outbox.
    private let engine: CurlEngine

    init(exchange: UpstreamExchange, engine: CurlEngine) {
        id = exchange.id
        self.engine = engine
        provider = exchange.provider
        request = exchange.request
        timeouts = exchange.timeouts
        answer = exchange.answer()
        onFinish = exchange.onFinish
    }

    /// The next moment this transfer must have made progress by.
    var deadline: Double {
        let progress = firstByteAt == nil ? startedAt + timeouts.firstByte : lastActivityAt + timeouts.idle
        return min(progress, startedAt + timeouts.answer)
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
        onFinish?(answer.outcome)
        onFinish = nil
    }

    // MARK: Callbacks (inside curl_multi_perform)

    func receivedHeaderLine(_ bytes: UnsafeBufferPointer<UInt8>) {
        let now = MonotonicClock.seconds()
        if firstByteAt == nil { firstByteAt = now }
        lastActivityAt = now
        answer.receive(headerLine: bytes)
    }

    /// Returns `false` to make libcurl abort the transfer.
    func receivedBody(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        lastActivityAt = MonotonicClock.seconds()
        let keepGoing = answer.receive(body: bytes, into: &frames)
        emitFrames()
        return keepGoing
    }

    // MARK: Endings

    func complete(result: CURLcode) {
        if result == CURLE_OK {
            answer.complete(into: &frames)
        } else {
            let detail = String(cString: curl_easy_strerror(result))
            let error: GatewayError =
                result == CURLE_OPERATION_TIMEDOUT
                ? .upstreamTimeout(provider, detail: detail) : .upstreamUnreachable(provider, detail: detail)
            answer.fail(error, into: &frames)
        }
        emitFrames()
    }

    func timedOut() {
        let detail =
            MonotonicClock.seconds() >= startedAt + timeouts.answer
            ? "the answer ran longer than \(Self.format(timeouts.answer)) s ([providers.\(provider)] max_answer_seconds)"
            : firstByteAt == nil
                ? "no answer within \(Self.format(timeouts.firstByte)) s" : "no data for \(Self.format(timeouts.idle)) s"
        answer.fail(.upstreamTimeout(provider, detail: detail), into: &frames)
        emitFrames()
    }

    private func emitFrames() {
        for frame in frames { engine.emit(frame) }
        frames.removeAll(keepingCapacity: true)
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
