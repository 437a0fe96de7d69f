import CProcessShims
import Glibc

/// A spawned worker process: started with a clean signal state and no inherited fds beyond 0-2,
/// waited for by its own pid (never `waitpid(-1)`, which would steal other libraries' children).
struct ChildProcess: Sendable {
    enum Exit: Sendable, Equatable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)

        var description: String {
            switch self {
            case .exited(let code): return "exited with status \(code)"
            case .signaled(let signal): return "killed by signal \(signal)"
            }
        }
    }

    struct SpawnError: Error, CustomStringConvertible {
        var path: String
        var errno: Int32
        var description: String { "cannot start \(path): \(String(cString: strerror(errno)))" }
    }

    let pid: pid_t

    /// Starts `path`; `keyDescriptor`, when given, becomes the child's fd 3.
    static func spawn(
        path: String, arguments: [String], environment: [String], keyDescriptor: Int32? = nil
    ) throws(SpawnError) -> ChildProcess {
        var pid: pid_t = 0
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        let result = orchestra_spawn(path, argv, envp, keyDescriptor ?? -1, &pid)
        guard result == 0 else { throw SpawnError(path: path, errno: result) }
        return ChildProcess(pid: pid)
    }

    /// Returns how the process ended, or `nil` while it runs. Reaps it when it has ended.
    func poll() -> Exit? {
        var code: Int32 = -1
        var signal: Int32 = -1
        let result = orchestra_wait_child(pid, &code, &signal)
        guard result == pid else {
            // ECHILD: already reaped elsewhere; treat as gone so the slot does not wait forever.
            return result < 0 ? .exited(-1) : nil
        }
        return signal >= 0 ? .signaled(signal) : .exited(code)
    }

    func signal(_ number: Int32) {
        kill(pid, number)
    }
}
