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
        await perform(
            url: url, method: "POST", body: Data(json.utf8), headers: ["Content-Type: application/json"] + headers,
            abortAfterBytes: abortAfterBytes)
    }

    static func post(_ url: String, body: Data, headers: [String] = []) async -> Response {
        await perform(url: url, method: "POST", body: body, headers: headers, abortAfterBytes: nil)
    }

    /// Any method with an optional JSON body (PATCH and DELETE for the admin API).
    static func send(_ method: String, _ url: String, json: String? = nil, headers: [String] = []) async -> Response {
        await perform(
            url: url, method: method, body: json.map { Data($0.utf8) },
            headers: (json == nil ? [] : ["Content-Type: application/json"]) + headers, abortAfterBytes: nil)
    }

    static func get(_ url: String, headers: [String] = []) async -> Response {
        await perform(url: url, method: "GET", body: nil, headers: headers, abortAfterBytes: nil)
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
        _ = globalInit
        return await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(
                    returning: performBlocking(url: url, method: method, body: body, headers: headers, abortAfterBytes: abortAfterBytes))
            }
            thread.start()
        }
    }

    /// libcurl's global set-up is not thread-safe: run it once, before the first request thread.
    private static let globalInit: Void = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()

    private static func performBlocking(url: String, method: String, body: Data?, headers: [String], abortAfterBytes: Int?) -> Response {
        let easy = curl_easy_init()!
        defer { curl_easy_cleanup(easy) }
        let transfer = Transfer()
        transfer.abortAfterBytes = abortAfterBytes
        let context = Unmanaged.passUnretained(transfer).toOpaque()
        _ = orchestra_curl_setopt_string(easy, CURLOPT_URL, url)
        _ = orchestra_curl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = orchestra_curl_setopt_long(easy, CURLOPT_TIMEOUT, ProcessInfo.processInfo.environment["ORCHESTRA_HANG_DUMPS"] == nil ? 30 : 8)
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
        if method != "GET" && method != "POST" { _ = orchestra_curl_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method) }
        if method == "POST" && body == nil {
            _ = orchestra_curl_setopt_long(easy, CURLOPT_POST, 1)
            _ = orchestra_curl_setopt_long(easy, CURLOPT_POSTFIELDSIZE, 0)
        }
        transfer.start = Date()
        let traceDirectory = ProcessInfo.processInfo.environment["ORCHESTRA_HANG_DUMPS"]
        let tracePath = traceDirectory.map { "\($0)/trace-\(UUID().uuidString).txt" }
        let trace = tracePath.flatMap { fopen($0, "w") }
        if let trace {
            _ = orchestra_curl_setopt_long(easy, CURLOPT_VERBOSE, 1)
            _ = orchestra_curl_setopt_pointer(easy, CURLOPT_STDERR, UnsafeMutableRawPointer(trace))
        }
        let code = curl_easy_perform(easy)
        if let trace {
            fputs("result \(code.rawValue) after \(Date().timeIntervalSince(transfer.start)) s\n", trace)
            fclose(trace)
            if code != CURLE_OPERATION_TIMEDOUT, let tracePath { unlink(tracePath) }
        }
        if code == CURLE_OPERATION_TIMEDOUT, let dumpDirectory = ProcessInfo.processInfo.environment["ORCHESTRA_HANG_DUMPS"] {
            HangDump.write(url: url, to: dumpDirectory)
        }
        return Response(
            status: transfer.status, headers: transfer.headers, body: transfer.body, arrivals: transfer.arrivals.map { ($0.0, $0.1) })
    }
}

/// Debug aid: when a request times out and ORCHESTRA_HANG_DUMPS is set, record every thread's stack of
/// every running `orchestra` process there.
enum HangDump {
    static func write(url: String, to directory: String) {
        let pgrep = Process()
        pgrep.executableURL = URL(fileURLWithPath: "/usr/bin/pgrep")
        pgrep.arguments = ["-f", "orchestra serve"]
        let pipe = Pipe()
        pgrep.standardOutput = pipe
        try? pgrep.run()
        let pids = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        let port = url.split(separator: ":").last?.split(separator: "/").first.map(String.init) ?? ""
        let ss = Process()
        ss.executableURL = URL(fileURLWithPath: "/bin/sh")
        ss.arguments = ["-c", "ss -tanpi | grep -A1 ':\(port) ' > \(directory)/ss-\(port).txt 2>&1"]
        try? ss.run()
        ss.waitUntilExit()
        for pid in pids {
            let gdb = Process()
            gdb.executableURL = URL(fileURLWithPath: "/usr/bin/gdb")
            gdb.arguments = ["-p", String(pid), "-batch", "-ex", "thread apply all bt 30"]
            let out =
                FileManager.default.createFile(atPath: "\(directory)/hang-\(pid).txt", contents: nil)
                ? FileHandle(forWritingAtPath: "\(directory)/hang-\(pid).txt") : nil
            out?.write(Data("timed out: \(url)\n".utf8))
            gdb.standardOutput = out
            gdb.standardError = out
            try? gdb.run()
            gdb.waitUntilExit()
        }
    }
}
