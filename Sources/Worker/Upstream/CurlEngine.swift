import CCurl
import CCurlShims
import Glibc
import NIOCore
import Shared
import Synchronization

/// Runs every upstream transfer of this worker with libcurl's multi interface, on the worker's one
/// thread (`WorkerLoop` waits in `curl_multi_poll`, the front's socket among the descriptors):
/// connections are reused across requests, many transfers are in flight at once, and stream bytes are
/// handled as they arrive, with no hop between threads.
///
/// Thread confinement: the multi handle and every `CurlTransfer` are touched only by the worker's
/// thread. That invariant is why this type may be `@unchecked Sendable`.
final class CurlEngine: UpstreamTransport, @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    private let link: FrontLink
    private var active: [UInt32: CurlTransfer] = [:]
    /// Transfers to add at the start of the next `advance` (one may start while curl reports another's end).
    private var starting: [CurlTransfer] = []
    private var idleHandles: [UnsafeMutableRawPointer] = []

    init(link: FrontLink) {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        multi = curl_multi_init()!
        self.link = link
        _ = orchestra_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, 256)
    }

    /// Queues a transfer; it starts in this round's `advance`.
    func start(_ exchange: UpstreamExchange) {
        starting.append(CurlTransfer(exchange: exchange, engine: self))
    }

    /// Aborts a transfer whose client went away. Nothing more is sent for it.
    func cancel(id: UInt32) {
        if let index = starting.firstIndex(where: { $0.id == id }) {
            starting.remove(at: index).detach()
        } else if let transfer = active[id] {
            finish(transfer)
        }
    }

    /// Queues a frame for the front.
    func emit(_ frame: WorkerFrame) {
        link.send(frame)
    }

    func wait(front: Int32, events: Int16, milliseconds: Int32) -> Int16 {
        var descriptor = curl_waitfd(fd: front, events: events, revents: 0)
        curl_multi_poll(multi, &descriptor, 1, milliseconds, nil)
        return descriptor.revents
    }

    func advance() -> Int32 {
        // A transfer that ends may admit a queued one (through the rate limiter): go round until none waits.
        repeat {
            let added = starting
            starting.removeAll()
            for transfer in added { add(transfer) }
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            var remaining: Int32 = 0
            while let message = curl_multi_info_read(multi, &remaining) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                let result = message.pointee.data.result
                var raw: UnsafeMutableRawPointer?
                _ = orchestra_curl_getinfo_pointer(easy, CURLINFO_PRIVATE, &raw)
                guard let raw else { continue }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(raw).takeUnretainedValue()
                transfer.complete(result: result)
                finish(transfer)
            }
        } while !starting.isEmpty
        let wait = expireTimeouts()
        return starting.isEmpty ? wait : 0
    }

    private func add(_ transfer: CurlTransfer) {
        let easy = idleHandles.popLast() ?? curl_easy_init()!
        do {
            try transfer.attach(to: easy)
        } catch {
            emit(.failure(id: transfer.id, error))
            transfer.detach()
            curl_easy_reset(easy)
            idleHandles.append(easy)
            return
        }
        active[transfer.id] = transfer
        curl_multi_add_handle(multi, easy)
    }

    private func finish(_ transfer: CurlTransfer) {
        guard let easy = transfer.easy else { return }
        curl_multi_remove_handle(multi, easy)
        active[transfer.id] = nil
        transfer.detach()
        curl_easy_reset(easy)
        if idleHandles.count < 64 {
            idleHandles.append(easy)
        } else {
            curl_easy_cleanup(easy)
        }
    }

    /// Ends transfers that passed their first-byte or idle deadline; returns how long the loop may sleep.
    private func expireTimeouts() -> Int32 {
        guard !active.isEmpty else { return 1000 }
        let now = MonotonicClock.seconds()
        var nextDeadline = now + 1
        for transfer in active.values {
            let deadline = transfer.deadline
            if deadline <= now {
                transfer.timedOut()
                finish(transfer)
            } else {
                nextDeadline = min(nextDeadline, deadline)
            }
        }
        return Int32(max(1, min(1000, (nextDeadline - now) * 1000)))
    }
}
