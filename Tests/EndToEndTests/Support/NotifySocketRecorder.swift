import Foundation
import Glibc
import Synchronization

/// Plays systemd's notification socket: a Unix datagram socket bound to a temp path, whose messages
/// (`READY=1`, `STATUS=…`, …) are recorded in arrival order.
final class NotifySocketRecorder: Sendable {
    let path: String
    private let fd: Int32
    private let messages = Mutex<[String]>([])
    private let stopping = Mutex(false)
    private let stopped = DispatchSemaphore(value: 0)

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString.prefix(8)).sock").path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            path.utf8CString.withUnsafeBytes { raw.copyMemory(from: $0) }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else { throw POSIXError(.EADDRINUSE) }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [self] in receiveLoop() }
        thread.start()
    }

    var received: [String] { messages.withLock { $0 } }

    /// Waits (bounded) until a message satisfying `predicate` has arrived; returns it.
    func waitFor(timeout: TimeInterval = 15, _ predicate: (String) -> Bool) async -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let match = received.first(where: predicate) { return match }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// Only this thread ever closes `fd`, after its last `recv`: closing it from another thread while
    /// `recv` may still run would let that `recv` read from whatever socket reuses the number next
    /// (another test's HTTP connection, whose answer would then vanish).
    private func receiveLoop() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        defer {
            Glibc.close(fd)
            stopped.signal()
        }
        while !stopping.withLock({ $0 }) {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count > 0 {
                let text = String(decoding: buffer[0..<count], as: UTF8.self)
                messages.withLock { $0.append(text) }
            } else if count < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
                return
            }
        }
    }

    /// Stops the receiving thread (within its 100 ms receive timeout), which then closes the socket.
    func close() {
        stopping.withLock { $0 = true }
        stopped.wait()
        unlink(path)
    }
}
