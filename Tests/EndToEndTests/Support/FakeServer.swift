import Hummingbird
import Logging

/// Serves a fake upstream's router on 127.0.0.1 with an ephemeral port, and says which port.
enum FakeServer {
    static func start(_ router: Router<BasicRequestContext>, label: String) async -> (port: Int, task: Task<Void, any Error>) {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: {
                var logger = Logger(label: label)
                logger.logLevel = .critical
                return logger
            }()
        )
        let task = Task { try await app.run() }
        var iterator = stream.makeAsyncIterator()
        return (await iterator.next() ?? 0, task)
    }
}
