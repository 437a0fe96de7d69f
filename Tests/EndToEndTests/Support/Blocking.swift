import Foundation

/// Runs blocking work (waiting for a process, reading a pipe to its end) on a thread of its own.
///
/// Tests must never block the cooperative thread pool: the in-process fake upstream answers on it,
/// so a test thread stuck in `waitUntilExit()` for a gateway that waits on that upstream would
/// deadlock the whole run.
enum Blocking {
    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: work()) }.start()
        }
    }
}

extension Process {
    /// Waits for exit without blocking a cooperative thread.
    func exited() async -> Int32 {
        await Blocking.run { [self] in
            waitUntilExit()
            return terminationStatus
        }
    }
}

/// Runs a command to completion off the cooperative pool; returns its status and combined output.
enum Command {
    struct Result: Sendable {
        var status: Int32
        var output: String
    }

    static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil) async throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let handle = pipe.fileHandleForReading
        let output = await Blocking.run { String(decoding: handle.readDataToEndOfFile(), as: UTF8.self) }
        return Result(status: await process.exited(), output: output)
    }
}
