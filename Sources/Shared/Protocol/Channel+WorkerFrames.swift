import NIOCore

extension Channel {
    /// Encodes `frames` into one buffer and writes it with one flush. Safe from any thread: off the
    /// event loop it costs one hop, however many frames go out together.
    public func writeFrames(_ frames: [WorkerFrame], capacity: Int = 256) {
        guard !frames.isEmpty else { return }
        var buffer = allocator.buffer(capacity: capacity)
        for frame in frames {
            frame.encode(into: &buffer)
        }
        writeAndFlush(buffer, promise: nil)
    }
}
