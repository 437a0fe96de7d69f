import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// Writes one answer to its connection's channel from the task that makes it. The head leaves with
/// the first body bytes (or the end); a body of known length is flushed once, at its end, so a whole
/// answer is one write; a stream (no length) is flushed part by part. A stream waits while the client
/// reads slower than it is written (the channel is not writable), and fails once the client has gone.
struct ChannelResponseWriter: ResponseBodyWriter {
    let channel: any Channel
    private var head: HTTPResponse?
    private let streamed: Bool

    init(channel: any Channel, head: HTTPResponse) {
        self.channel = channel
        self.head = head
        streamed = head.headerFields.value(.contentLength) == nil
    }

    mutating func write(_ buffer: ByteBuffer) async throws {
        guard channel.isActive else { throw ChannelError.ioOnClosedChannel }
        let head = self.head
        self.head = nil
        let waiting = streamed && !channel.isWritable ? channel.eventLoop.makePromise(of: Void.self) : nil
        send(head: head, body: buffer, end: false, trailers: nil, flush: streamed, promise: waiting)
        try await waiting?.futureResult.get()
    }

    consuming func finish(_ trailers: HTTPFields?) async throws {
        guard channel.isActive else { throw ChannelError.ioOnClosedChannel }
        send(head: head, body: nil, end: true, trailers: trailers, flush: true, promise: nil)
    }

    /// One hop to the channel's event loop for all the parts, when not already on it.
    private func send(
        head: HTTPResponse?, body: ByteBuffer?, end: Bool, trailers: HTTPFields?, flush: Bool, promise: EventLoopPromise<Void>?
    ) {
        let channel = self.channel
        let parts = {
            if let head { channel.write(HTTPServerResponsePart.head(HTTPResponseHead(head)), promise: end || body != nil ? nil : promise) }
            if let body { channel.write(HTTPServerResponsePart.body(.byteBuffer(body)), promise: end ? nil : promise) }
            if end { channel.write(HTTPServerResponsePart.end(trailers.map(HTTPHeaders.init)), promise: promise) }
            if flush { channel.flush() }
        }
        if channel.eventLoop.inEventLoop {
            parts()
        } else {
            channel.eventLoop.execute(parts)
        }
    }
}
