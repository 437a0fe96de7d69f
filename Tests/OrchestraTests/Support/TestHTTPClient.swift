import CCurl
import CCurlShims
import Foundation
import Synchronization

/// A blocking libcurl client run on its own thread, so tests can await it without starving the
/// cooperative pool that the in-process fake upstream also runs on.
enum TestHTTPClient {
    struct Response: Sendable {
        var status: Int
        var headers: [String: String]
        var body: Data
        /// When each body piece arrived, seconds since the request started (for streaming checks).
        var arrivals: [(offset: Int, time: Double)]

        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:] }
        var error: [String: Any] { json["error"] as? [String: Any] ?? [:] }
        /// The `data:` payloads of an SSE body, in order.
        var events: [String] {
            text.components(separatedBy: "\n").filter { $0.hasPrefix("data: ") }.map { String($0.dropFirst(6)) }
        }
    }

    static func post(_ url: String, json: String, headers: [String] = [], abortAfterBytes: Int? = nil) async -> Response {
        await perform(url: url, method: "POST", body: Data(json.utf8), headers: ["Content-Type: application/json"] + headers, abortAfterBytes: abortAfterBytes)
    }

    static func post(_ url: String, body: Data, headers: [String] = []) async -> Response {
        await perform(url: url, method: "POST", body: body, headers: headers, abortAfterBytes: nil)
    }

    static func get(_ url: String) async -> Response {
        await perform(url: url, method: "GET", body: nil, headers: [], abortAfterBytes: nil)
    }

    private final class Transfer: @unchecked Sendable {
        var status = 0
        var headers: [String: String] = [:]
        var body = Data()
        var arrivals: [(Int, Double)] = []
        var start = Date()
        var abortAfterBytes: Int?
    }

    private static func perform(url: String, method: String, body: Data?, headers: [String], abortAfterBytes: Int?) async -> Response {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: performBlocking(url: url, method: method, body: body, headers: headers, abortAfterBytes: abortAfterBytes))
            }
            thread.start()
        }
    }

    private static func performBlocking(url: String, method: String, body: Data?, headers: [String], abortAfterBytes: Int?) -> Response {
        let easy = curl_easy_init()!
        defer { curl_easy_cleanup(easy) }
        let transfer = Transfer()
        transfer.abortAfterBytes = abortAfterBytes
        let context = Unmanaged.passUnretained(transfer).toOpaque()
        _ = orchestra_curl_setopt_string(easy, CURLOPT_URL, url)
        _ = orchestra_curl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = orchestra_curl_setopt_long(easy, CURLOPT_TIMEOUT, 30)
        var list: UnsafeMutablePointer<curl_slist>?
        for header in headers + ["Expect:"] { list = curl_slist_append(list, header) }
        defer { curl_slist_free_all(list) }
        _ = orchestra_curl_setopt_pointer(easy, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(list))
        if let body {
            _ = orchestra_curl_setopt_long(easy, CURLOPT_POST, 1)
            _ = orchestra_curl_setopt_long(easy, CURLOPT_POSTFIELDSIZE, body.count)
            body.withUnsafeBytes { bytes in
                _ = orchestra_curl_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
            }
        }
        _ = orchestra_curl_setopt_write_callback(easy, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
            let line = String(decoding: UnsafeRawBufferPointer(start: data, count: size * count), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if line.hasPrefix("HTTP/") {
                transfer.headers = [:]
                transfer.status = Int(line.split(separator: " ")[1]) ?? 0
            } else if let colon = line.firstIndex(of: ":") {
                transfer.headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            return size * count
        }
        _ = orchestra_curl_setopt_pointer(easy, CURLOPT_HEADERDATA, context)
        _ = orchestra_curl_setopt_write_callback(easy, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
            transfer.arrivals.append((transfer.body.count, Date().timeIntervalSince(transfer.start)))
            transfer.body.append(UnsafeRawBufferPointer(start: data, count: size * count).bindMemory(to: UInt8.self))
            if let limit = transfer.abortAfterBytes, transfer.body.count >= limit { return 0 }
            return size * count
        }
        _ = orchestra_curl_setopt_pointer(easy, CURLOPT_WRITEDATA, context)
        if method == "GET" { _ = orchestra_curl_setopt_long(easy, CURLOPT_HTTPGET, 1) }
        transfer.start = Date()
        curl_easy_perform(easy)
        return Response(status: transfer.status, headers: transfer.headers, body: transfer.body, arrivals: transfer.arrivals.map { ($0.0, $0.1) })
    }
}
