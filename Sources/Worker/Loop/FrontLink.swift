import Glibc
import NIOCore
import Shared

/// The worker's side of its socket to the front: frames read from it, frames queued for it, and the
/// queue written out once per round of `WorkerLoop`, so a round that advanced many streams costs one
/// `write(2)`.
///
/// Confined to the worker's one thread (everything that sends runs on it), which is why it may be
/// `@unchecked Sendable`.
final class FrontLink: @unchecked Sendable {
    /// Why the link is over: the front closed it, or bytes from it were not a frame.
    enum Closed: Error {
        case byFront
        case failed(String)
    }

    let descriptor: Int32
    private var incoming = ByteBuffer()
    private var outgoing = ByteBuffer()

    /// Connects to the front's Unix-domain socket at `path`.
    init(connectingTo path: String) throws(Closed) {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .failed("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else {
            close(descriptor)
            throw .failed("socket path longer than \(capacity - 1) bytes: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path.utf8)
            raw[path.utf8.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw .failed("connect to \(path): \(reason)")
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        self.descriptor = descriptor
    }

    /// Whether frames wait for the socket to take them (then the loop also waits for it to be writable).
    var hasUnsent: Bool { outgoing.readableBytes > 0 }

    /// Queues frames; they go out at the end of the loop's round.
    func send(_ frames: [WorkerFrame]) {
        for frame in frames { frame.encode(into: &outgoing) }
    }

    /// Queues one frame.
    func send(_ frame: WorkerFrame) {
        frame.encode(into: &outgoing)
    }

    /// Reads what the socket holds and hands each whole frame to `deliver`.
    func receive(_ deliver: (WorkerFrame) -> Void) throws(Closed) {
        while true {
            let count = incoming.writeWithUnsafeMutableBytes(minimumWritableBytes: 64 * 1024) { buffer in
                Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            }
            if count == 0 { throw .byFront }
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { break }
                throw .failed("read: \(String(cString: strerror(errno)))")
            }
            if count < 64 * 1024 { break }
        }
        while let length = incoming.getInteger(at: incoming.readerIndex, as: UInt32.self) {
            guard length <= WorkerFrame.maximumLength else { throw .failed("a frame of \(length) bytes") }
            guard incoming.readableBytes >= 4 + Int(length) else { break }
            incoming.moveReaderIndex(forwardBy: 4)
            var payload = incoming.readSlice(length: Int(length))!
            do {
                deliver(try WorkerFrame.decode(&payload))
            } catch {
                throw .failed("\(error)")
            }
        }
        if incoming.readableBytes == 0 {
            Self.empty(&incoming)
        } else if incoming.readerIndex > 1024 * 1024 {
            incoming.discardReadBytes()
        }
    }

    /// Writes what the socket takes now; the rest waits for it to be writable.
    func flush() throws(Closed) {
        while outgoing.readableBytes > 0 {
            let written = outgoing.withUnsafeReadableBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { return }
                throw .failed("write: \(String(cString: strerror(errno)))")
            }
            outgoing.moveReaderIndex(forwardBy: written)
        }
        Self.empty(&outgoing)
    }

    /// Empties a buffer for reuse, or lets a large one go (one big request or answer does not keep its
    /// memory for the life of the worker).
    private static func empty(_ buffer: inout ByteBuffer) {
        if buffer.capacity > 1024 * 1024 { buffer = ByteBuffer() } else { buffer.clear() }
    }
}
