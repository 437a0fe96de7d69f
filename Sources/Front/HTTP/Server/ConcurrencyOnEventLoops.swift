import CProcessShims
import NIOCore
import NIOPosix

/// Runs Swift concurrency's global executor on NIO's event loops (as NIO's
/// `NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor` does, which
/// finds the runtime's hook with `dlsym` and so fails in the statically linked release binary). A
/// request's handler then runs on the event loop that read it rather than on a thread of a second
/// pool: no thread hand-over, and no wake-up, between the socket and the handler.
///
/// Nothing run as a task may block for long: it would hold up the connections of that event loop.
enum ConcurrencyOnEventLoops {
    /// `ORCHESTRA_EXECUTOR=pool` keeps Swift's own pool (a way back, should a task ever need to block).
    static let switchVariable = "ORCHESTRA_EXECUTOR"

    /// Installs the hook; `false` when another one was installed first (then Swift's own pool stays).
    /// Call once, at start-up.
    static func install() -> Bool {
        orchestra_install_global_enqueue_hook { job in ConcurrencyOnEventLoops.enqueue(job!) } == 1
    }

    /// Runs a job on the current thread's loop when on one (no wake-up), else on the next in turn. It
    /// runs as a global job (on the generic executor), as Swift's own pool would run it: run as the
    /// loop's own (NIO's `enqueue`), every later call into a nonisolated function would switch
    /// executors and go round the loop again.
    private static func enqueue(_ raw: UnsafeMutableRawPointer) {
        let job = unsafeBitCast(raw, to: UnownedJob.self)
        MultiThreadedEventLoopGroup.singleton.any().execute { job.runSynchronously(on: genericExecutor) }
    }

    /// The runtime's generic executor (no identity, no implementation): what a global job runs on.
    private static let genericExecutor = withUnsafeBytes(of: (UInt(0), UInt(0))) { $0.load(as: UnownedSerialExecutor.self) }
}
