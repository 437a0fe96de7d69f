import NIOCore
import Shared

/// The worker's side of its socket: encodes frames and writes them to the front.
///
/// Safe to call from any thread: the curl thread sends a whole batch of frames in one write, which
/// is one event-loop hop and one flush however many streams advanced in that round.
final class FrontLink: Sendable {
    private let channel: any Channel

    init(channel: any Channel) {
        self.channel = channel
    }

    func send(_ frames: [WorkerFrame]) {
        channel.writeFrames(frames)
    }
}
