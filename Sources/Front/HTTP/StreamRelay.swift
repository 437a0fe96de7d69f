import Foundation
import Hummingbird
import NIOCore
import Shared

/// How a worker's stream (OpenAI chunks, already SSE-framed) becomes the bytes a client reads.
protocol StreamEncoding: Sendable {
    /// The client's bytes for some worker chunks, and the error they carried if the upstream failed
    /// inside the stream.
    mutating func chunk(_ bytes: ByteBuffer) -> (ByteBuffer, failure: GatewayError?)
    /// The stream's last bytes after a clean end.
    mutating func end() -> ByteBuffer
    /// The stream's last bytes after a failure: a stream always ends, and says why.
    mutating func failure(_ error: GatewayError) -> ByteBuffer
    /// Runs once the stream has ended, before its last bytes are written (a Responses stream stores
    /// its response here, so a client that read the end can chain on it at once).
    func keep() async
}

extension StreamEncoding {
    func keep() async {}
}

/// Writes a worker's stream to the client in the client's encoding, accounts the request when the
/// stream ends (cleanly, with an error, or because the client left), and stops the upstream transfer
/// when the client goes away. A stream always ends.
struct StreamRelay<Encoding: StreamEncoding>: Sendable {
    let dispatched: RequestDispatcher.Dispatched
    let ledger: RequestLedger
    var encoding: Encoding

    func run(_ writer: inout any ResponseBodyWriter) async throws {
        var encoding = self.encoding
        var batch = dispatched.pending
        var usage: UsageReport?
        let connection = dispatched.target.connection
        while true {
            var out: [ByteBuffer] = []
            var finished = false
            /// Set when the stream ended on an error inside a chunk: the worker's transfer may still run.
            var stopUpstream = false
            events: for event in batch {
                switch event {
                case .chunk(let bytes):
                    let (encoded, failure) = encoding.chunk(bytes)
                    if encoded.readableBytes > 0 { out.append(encoded) }
                    if let failure {
                        finished = true
                        stopUpstream = true
                        ledger.finish(status: failure.status, usage: usage)
                        break events
                    }
                case .usage(let report):
                    usage = report
                case .end:
                    out.append(encoding.end())
                    finished = true
                    ledger.finish(status: 200, usage: usage)
                case .failure(let error):
                    out.append(encoding.failure(error))
                    finished = true
                    ledger.finish(status: error.status, usage: usage)
                case .head:
                    break
                }
            }
            if finished { await encoding.keep() }
            if !out.isEmpty {
                do {
                    if out.count == 1 {
                        try await writer.write(out[0])
                    } else {
                        var joined = ByteBuffer()
                        for var part in out { joined.writeBuffer(&part) }
                        try await writer.write(joined)
                    }
                } catch {
                    // The client went away: stop the upstream transfer too.
                    connection.cancel(id: dispatched.id)
                    if !finished { ledger.finish(status: 499, usage: usage) }
                    throw error
                }
            }
            if finished {
                if stopUpstream { connection.cancel(id: dispatched.id) }
                break
            }
            batch = await dispatched.events.next()
            if batch.isEmpty { batch = [.failure(.workerLost(connection.provider))] }
        }
        try await writer.finish(nil)
    }
}
