/// What the gateway knows about one upstream model: enough to route, to advertise it to editors
/// (Continue needs context length and capabilities spelled out) and to price its tokens.
public struct ModelInfo: Sendable, Equatable, Codable {
    /// The provider's own model id, without the gateway prefix (may contain `/`).
    public var id: String
    public var contextLength: Int?
    public var maxOutput: Int?
    public var tools: Bool
    public var vision: Bool
    public var reasoning: Bool
    /// Fill-in-the-middle (code completion) capable.
    public var fim: Bool
    /// An embedding model (served on `/v1/embeddings`, not a chat model).
    public var embedding: Bool
    /// US dollars per million input tokens; `nil` means unknown, never free.
    public var inputPrice: Double?
    /// US dollars per million output tokens; `nil` means unknown, never free.
    public var outputPrice: Double?
    /// US dollars per million cached input tokens; `nil` prices them as ordinary input.
    public var cachedInputPrice: Double?

    public init(
        id: String, contextLength: Int? = nil, maxOutput: Int? = nil, tools: Bool = false, vision: Bool = false,
        reasoning: Bool = false, fim: Bool = false, embedding: Bool = false, inputPrice: Double? = nil,
        outputPrice: Double? = nil
    ) {
        self.id = id
        self.contextLength = contextLength
        self.maxOutput = maxOutput
        self.tools = tools
        self.vision = vision
        self.reasoning = reasoning
        self.fim = fim
        self.embedding = embedding
        self.inputPrice = inputPrice
        self.outputPrice = outputPrice
    }
}
