import CCurl
import CCurlShims
import Glibc
import NIOCore
import Shared
import Synchronization

/// Runs every upstream transfer of this worker on one dedicated thread with libcurl's multi interface:
/// connections are reused across requests, many transfers are in flight at once, and stream bytes are
/// handled as they arrive.
///
/// Thread confinement: the multi handle and every `CurlTransfer` are touched only by the engine's
/// thread. Other threads talk to it through `inbox` (under a mutex) and `curl_multi_wakeup`, the one
/// thread-safe multi call. That invariant is why this type may be `@unchecked Sendable`.
final class CurlEngine: UpstreamTransport, @unchecked Sendable {
    private enum Command {
        case start(CurlTransfer)
        case cancel(UInt32)
    }

    private let multi: UnsafeMutableRawPointer
    private let inbox = Mutex<[Command]>([])
    private let link: FrontLink
    // Engine-thread state.
    private var active: [UInt32: CurlTransfer] = [:]
    private var idleHandles: [UnsafeMutableRawPointer] = []
    private var outbox: [WorkerFrame] = []
    /// Work for the worker's event loop collected during a round (finished transfers telling the rate
    /// limiter), handed over in one hop per round rather than one per transfer.
    private var eventLoopWork: [@Sendable () -> Void] = []
    private let eventLoop: any EventLoop

    init(link: FrontLink, eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        multi = curl_multi_init()!
        self.link = link
        _ = orchestra_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, 256)
        let thread = EngineThread(engine: self)
        thread.start()
    }

    /// Queues a transfer; it starts on the engine thread's next round.
    func start(_ exchange: UpstreamExchange) {
        let transfer = CurlTransfer(exchange: exchange, engine: self)
        inbox.withLock { $0.append(.start(transfer)) }
        curl_multi_wakeup(multi)
    }

    /// Aborts a transfer whose client went away. Nothing more is sent for it.
    func cancel(id: UInt32) {
        inbox.withLock { $0.append(.cancel(id)) }
        curl_multi_wakeup(multi)
    }

    /// Queues work for the event loop at the end of this round (engine thread only).
    func onEventLoop(_ work: @escaping @Sendable () -> Void) {
        eventLoopWork.append(work)
    }

    /// Collects a frame to send at the end of this round (engine thread only).
    func emit(_ frame: WorkerFrame) {
        outbox.append(frame)
    }

    fileprivate func runLoop() {
        var running: Int32 = 0
        while true {
            for command in inbox.withLock({ commands in
                defer { commands.removeAll() }
                return commands
            }) {
                switch command {
                case .start(let transfer): add(transfer)
                case .cancel(let id): if let transfer = active[id] { finish(transfer) }
                }
            }
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
            let waitMilliseconds = expireTimeouts()
            if !outbox.isEmpty {
                link.send(outbox)
                outbox.removeAll(keepingCapacity: true)
            }
            if !eventLoopWork.isEmpty {
                let work = eventLoopWork
                eventLoopWork.removeAll(keepingCapacity: true)
                eventLoop.execute { for item in work { item() } }
            }
            curl_multi_poll(multi, nil, 0, waitMilliseconds, nil)
        }
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
        transfer.detach()
        active[transfer.id] = nil
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

/// The engine's own OS thread: the multi loop blocks in `curl_multi_poll`, so it cannot share a
/// thread with NIO or Swift concurrency.
private final class EngineThread: @unchecked Sendable {
    let engine: CurlEngine

    init(engine: CurlEngine) {
        self.engine = engine
    }

    func start() {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        pthread_create(
            &thread, nil,
            { context in
                let box = Unmanaged<EngineThread>.fromOpaque(context!).takeRetainedValue()
                box.engine.runLoop()
                return nil
            }, context)
        pthread_detach(thread)
    }
}
