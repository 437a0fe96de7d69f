import FoundationEssentials
import NIOCore
import Shared
import Synchronization

/// Responses clients (`/v1/responses`): a whole chat answer becomes a `response` object, a stream the
/// Responses events. A finished response goes to its `ResponseKeeper` when it is to be stored.
struct ResponsesClientEncoding: ClientEncoding {
    let settings: ResponseSettings
    let keeper: ResponseKeeper?

    func stream() -> ResponsesStreamEncoding { ResponsesStreamEncoding(settings: settings, keeper: keeper) }

    func whole(_ body: ByteBuffer) throws(GatewayError) -> ByteBuffer {
        guard let answer = try? JSONDecoder().decode(OpenAIAnswerProbe.self, from: Data(body.readableBytesView)) else {
            throw .upstreamInvalid("gateway", detail: "the chat answer could not be read")
        }
        let output = ResponseOutput(chat: answer)
        let object = settings.object(status: output.status, output: output).encoded()
        keeper?.hold(response: object, output: output)
        return ByteBuffer(bytes: object)
    }
}

/// Responses clients: chat chunks become the Responses events.
struct ResponsesStreamEncoding: StreamEncoding {
    private var reader = ChatChunkReader()
    private var writer: ResponsesStreamWriter
    private let keeper: ResponseKeeper?

    init(settings: ResponseSettings, keeper: ResponseKeeper?) {
        writer = ResponsesStreamWriter(settings: settings)
        self.keeper = keeper
    }

    mutating func chunk(_ bytes: ByteBuffer) -> (ByteBuffer, failure: GatewayError?) {
        let (chunks, failure) = reader.read(bytes)
        var out: [UInt8] = []
        for chunk in chunks { out += writer.events(for: chunk) }
        if let failure { out += writer.failed(failure) }
        return (ByteBuffer(bytes: out), failure)
    }

    mutating func end() -> ByteBuffer {
        let out = writer.finish()
        if let keeper, let response = writer.completed { keeper.hold(response: response.encoded(), output: writer.output) }
        return ByteBuffer(bytes: out)
    }

    mutating func failure(_ error: GatewayError) -> ByteBuffer { ByteBuffer(bytes: writer.failed(error)) }

    func keep() async { await keeper?.save() }
}

/// Carries one finished response from its encoding to the archive: the encoding holds it (answers are
/// encoded synchronously), then the route (whole) or the stream's end (streamed) saves it before the
/// client reads the end, so a client that chains at once finds it.
final class ResponseKeeper: Sendable {
    private let archive: ResponseArchive
    private let id: String
    private let owner: String
    private let createdAt: Double
    /// The conversation before this response's answer (chat messages, no instructions).
    private let conversation: [JSONValue]
    private let held = Mutex<StoredResponse?>(nil)

    init(archive: ResponseArchive, id: String, owner: String, createdAt: Double, conversation: [JSONValue]) {
        self.archive = archive
        self.id = id
        self.owner = owner
        self.createdAt = createdAt
        self.conversation = conversation
    }

    func hold(response: [UInt8], output: ResponseOutput) {
        let stored = StoredResponse(
            id: id, owner: owner, createdAt: createdAt, expiresAt: createdAt + archive.retention,
            response: String(decoding: response, as: UTF8.self),
            conversation: String(decoding: JSONValue.array(conversation + [output.assistantMessage]).encoded(), as: UTF8.self))
        held.withLock { $0 = stored }
    }

    func save() async {
        guard let stored = held.withLock({ $0.take() }) else { return }
        await archive.save(stored)
    }
}
