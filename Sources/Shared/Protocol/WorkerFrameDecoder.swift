import NIOCore
import NIOExtras

/// The NIO pipeline pieces both ends of a worker socket install: length framing from NIOExtras,
/// then `WorkerFrame` decoding. Outbound frames are written as already-framed `ByteBuffer`s.
public enum WorkerFramePipeline {
    public static func handlers() -> (ByteToMessageHandler<LengthFieldBasedFrameDecoder>, WorkerFrameDecoder) {
        (
            ByteToMessageHandler(LengthFieldBasedFrameDecoder(lengthFieldBitLength: .fourBytes)),
            WorkerFrameDecoder()
        )
    }
}

/// Turns one length-delimited payload into a `WorkerFrame`.
public final class WorkerFrameDecoder: ChannelInboundHandler, Sendable {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = WorkerFrame

    public init() {}

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var payload = unwrapInboundIn(data)
        do {
            let frame = try WorkerFrame.decode(&payload)
            context.fireChannelRead(wrapInboundOut(frame))
        } catch {
            context.fireErrorCaught(error)
            context.close(promise: nil)
        }
    }
}
