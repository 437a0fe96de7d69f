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

    /// What one batch of the worker's events became: the client's bytes, and whether the stream ended.
    private struct Step {
        var out: [ByteBuffer] = []
        var finished = false
        /// Set when the stream ended on an error inside a chunk: the worker's transfer may still run.
        var stopUpstream = false

        var joined: ByteBuffer {
            if out.count == 1 { return out[0] }
            var joined = ByteBuffer()
            for var part in out { joined.writeBuffer(&part) }
            return joined
        }
    }

    /// Encodes a batch of events, accounting the request when the batch ends the stream.
    private func step(_ batch: [ResponseEvent], encoding: inout Encoding, usage: inout UsageReport?) -> Step {
        var step = Step()
        events: for event in batch {
            switch event {
            case .chunk(let bytes):
                let (encoded, failure) = encoding.chunk(bytes)
                if encoded.readableBytes > 0 { step.out.append(encoded) }
                if let failure {
                    step.finished = true
                    step.stopUpstream = true
                    ledger.finish(status: failure.status, usage: usage)
                    break events
                }
            case .usage(let report):
                usage = report
            case .end:
                step.out.append(encoding.end())
                step.finished = true
                ledger.finish(status: 200, usage: usage)
            case .failure(let error):
                step.out.append(encoding.failure(error))
                step.finished = true
                ledger.finish(status: error.status, usage: usage)
            case .head:
                break
            }
        }
        return step
    }

    /// The whole stream, when it had already ended in what came with its head (a short answer, an
    /// early error): sent with the head in one write, where a chunked stream took three.
    func whole() async -> ByteBuffer? {
        let ended = dispatched.pending.contains {
            switch $0 {
            case .end, .failure: true
            case .chunk, .usage, .head: false
            }
        }
        guard ended else { return nil }
        var encoding = self.encoding
        var usage: UsageReport?
        let step = step(dispatched.pending, encoding: &encoding, usage: &usage)
        await encoding.keep()
        if step.stopUpstream { dispatched.target.connection.cancel(id: dispatched.id) }
        return step.joined
    }

    func run(_ writer: inout any ResponseBodyWriter) async throws {
        var encoding = self.encoding
        var batch = dispatched.pending
        var usage: UsageReport?
        let connection = dispatched.target.connection
        while true {
            let step = step(batch, encoding: &encoding, usage: &usage)
            if step.finished { await encoding.keep() }
            if !step.out.isEmpty {
                do {
                    try await writer.write(step.joined)
                } catch {
                    // The client went away: stop the upstream transfer too.
                    connection.cancel(id: dispatched.id)
                    if !step.finished { ledger.finish(status: 499, usage: usage) }
                    throw error
                }
            }
            if step.finished {
                if step.stopUpstream { connection.cancel(id: dispatched.id) }
                break
            }
            batch = await dispatched.events.next()
            if batch.isEmpty { batch = [.failure(.workerLost(connection.provider))] }
        }
        try await writer.finish(nil)
    }
}
