import ArgumentParser
import CProcessShims
import Glibc
import Logging
import Shared

/// `orchestra-worker`: one provider's process. Started by the front, never by hand.
///
/// It connects to the socket the front listens on, learns its provider from the first frame, reads
/// that provider's key itself, and serves requests until the front goes away.
public struct WorkerCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "orchestra-worker",
        abstract: "Serves one provider for the Orchestra front (started by `orchestra serve`)."
    )

    @Option(help: "Unix-domain socket of the front to connect to.")
    var socket: String

    @Option(help: "Provider this worker serves (for logs; the front sends the configuration).")
    var provider: String

    @Option(help: "File descriptor holding this provider's key, passed by the front.")
    var keyFD: Int32?

    public init() {}

    public func run() throws {
        // Die with the front even if it is killed without a chance to clean up.
        _ = orchestra_set_parent_death_signal(SIGTERM)
        signal(SIGPIPE, SIG_IGN)
        // A large upstream answer's buffers go back to the system once relayed.
        orchestra_return_large_buffers(256 * 1024)
        // A worker holds its provider's keys: no other process of this user may read its memory or fds.
        _ = orchestra_forbid_inspection()
        let passedKey = keyFD.flatMap(KeyLoader.readDescriptor)
        let json = getenv(GatewayLogHandler.formatVariable).map { String(cString: $0) } == "json"
        LoggingSystem.bootstrap { GatewayLogHandler(label: $0, format: json ? .json : .text) }
        try WorkerLoop(socketPath: socket, provider: provider, passedKey: passedKey).run()
    }
}
