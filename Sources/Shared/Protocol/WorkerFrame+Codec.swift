import NIOCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Why bytes from the other side could not be read as a frame. The connection is dropped on any of these.
public struct FrameDecodingError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

extension WorkerFrame {
    enum Kind: UInt8 {
        case configure = 1, ready, request, cancel, ping, pong, head, chunk, end, failure, rateStatus, usage
    }

    /// Largest frame either side accepts (a request body plus headroom).
    public static let maximumLength = 64 * 1024 * 1024

    /// Appends this frame, length prefix included, to `buffer`.
    public func encode(into buffer: inout ByteBuffer) {
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(UInt32(0))
        let payloadStart = buffer.writerIndex
        // Every frame opens with its kind and a request id (0 when it concerns no request).
        func start(_ kind: Kind, _ id: UInt32 = 0) {
            buffer.writeInteger(kind.rawValue)
            buffer.writeInteger(id)
        }
        switch self {
        case .configure(let config):
            start(.configure)
            buffer.writeBytes(try! JSONEncoder().encode(config))
        case .ready(let status):
            start(.ready)
            buffer.writeBytes(try! JSONEncoder().encode(status))
        case .request(let id, let call):
            start(.request, id)
            buffer.writeInteger(call.endpoint.rawValue)
            buffer.writeInteger(UInt8(call.stream ? 1 : 0))
            buffer.writeLengthPrefixedString(call.model)
            buffer.writeLengthPrefixedString(call.responseModel ?? "")
            var body = call.body
            buffer.writeBuffer(&body)
        case .cancel(let id):
            start(.cancel, id)
        case .ping(let nonce):
            start(.ping, nonce)
        case .pong(let nonce):
            start(.pong, nonce)
        case .head(let id, let head):
            start(.head, id)
            buffer.writeInteger(UInt16(head.status))
            buffer.writeInteger(UInt8(head.streaming ? 1 : 0))
            buffer.writeHeaders(head.headers)
        case .chunk(let id, let bytes):
            start(.chunk, id)
            var bytes = bytes
            buffer.writeBuffer(&bytes)
        case .end(let id):
            start(.end, id)
        case .failure(let id, let error):
            start(.failure, id)
            let code = error.code.wire
            buffer.writeInteger(code.tag)
            buffer.writeInteger(UInt16(code.status))
            buffer.writeLengthPrefixedString(code.type)
            buffer.writeLengthPrefixedString(code.name ?? "")
            buffer.writeLengthPrefixedString(error.message)
            buffer.writeLengthPrefixedString(error.param ?? "")
            buffer.writeHeaders(error.headers)
        case .rateStatus(let status):
            start(.rateStatus)
            buffer.writeBytes(try! JSONEncoder().encode(status))
        case .usage(let id, let report):
            // Once per answer: five integers, not JSON.
            start(.usage, id)
            buffer.writeInteger(UInt32(clamping: report.promptTokens))
            buffer.writeInteger(UInt32(clamping: report.completionTokens))
            buffer.writeInteger(UInt32(clamping: report.reasoningTokens))
            buffer.writeInteger(UInt32(clamping: report.cachedTokens))
            buffer.writeInteger(UInt8(report.estimated ? 1 : 0))
        }
        buffer.setInteger(UInt32(buffer.writerIndex - payloadStart), at: lengthIndex)
    }

    /// Reads one frame from `payload`, which holds exactly one frame without its length prefix.
    public static func decode(_ payload: inout ByteBuffer) throws(FrameDecodingError) -> WorkerFrame {
        guard let rawKind: UInt8 = payload.readInteger(), let kind = Kind(rawValue: rawKind),
            let id: UInt32 = payload.readInteger()
        else { throw FrameDecodingError("frame too short or of unknown kind") }
        switch kind {
        case .configure:
            return .configure(try decodeJSON(ProviderConfig.self, from: payload))
        case .ready:
            return .ready(try decodeJSON(WorkerStatus.self, from: payload))
        case .rateStatus:
            return .rateStatus(try decodeJSON(RateStatus.self, from: payload))
        case .usage:
            guard let prompt: UInt32 = payload.readInteger(), let completion: UInt32 = payload.readInteger(),
                let reasoning: UInt32 = payload.readInteger(), let cached: UInt32 = payload.readInteger(),
                let estimated: UInt8 = payload.readInteger()
            else { throw FrameDecodingError("malformed usage frame") }
            return .usage(
                id: id,
                UsageReport(
                    promptTokens: Int(prompt), completionTokens: Int(completion), reasoningTokens: Int(reasoning),
                    cachedTokens: Int(cached), estimated: estimated == 1
                ))
        case .request:
            guard let rawEndpoint: UInt8 = payload.readInteger(), let endpoint = Endpoint(rawValue: rawEndpoint),
                let stream: UInt8 = payload.readInteger(), let model = payload.readLengthPrefixedString(),
                let responseModel = payload.readLengthPrefixedString()
            else { throw FrameDecodingError("malformed request frame") }
            return .request(
                id: id,
                UpstreamCall(
                    endpoint: endpoint, model: model, stream: stream == 1, body: payload,
                    responseModel: responseModel.isEmpty ? nil : responseModel
                ))
        case .cancel: return .cancel(id: id)
        case .ping: return .ping(nonce: id)
        case .pong: return .pong(nonce: id)
        case .head:
            guard let status: UInt16 = payload.readInteger(), let streaming: UInt8 = payload.readInteger(),
                let headers = payload.readHeaders()
            else { throw FrameDecodingError("malformed head frame") }
            return .head(id: id, ResponseHead(status: Int(status), streaming: streaming == 1, headers: headers))
        case .chunk: return .chunk(id: id, payload)
        case .end: return .end(id: id)
        case .failure:
            guard let tag: UInt8 = payload.readInteger(), let status: UInt16 = payload.readInteger(),
                let type = payload.readLengthPrefixedString(), let name = payload.readLengthPrefixedString(),
                let message = payload.readLengthPrefixedString(), let param = payload.readLengthPrefixedString(),
                let headers = payload.readHeaders(),
                let code = GatewayError.Code(wire: .init(tag: tag, status: Int(status), type: type, name: name.isEmpty ? nil : name))
            else { throw FrameDecodingError("malformed failure frame") }
            return .failure(id: id, GatewayError(code, message: message, param: param.isEmpty ? nil : param, headers: headers))
        }
    }

    private static func decodeJSON<T: Decodable>(_ type: T.Type, from payload: ByteBuffer) throws(FrameDecodingError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(payload.readableBytesView))
        } catch {
            throw FrameDecodingError("malformed \(type) payload: \(error)")
        }
    }
}

extension ByteBuffer {
    mutating func writeLengthPrefixedString(_ string: String) {
        let lengthIndex = writerIndex
        writeInteger(UInt32(0))
        let written = writeString(string)
        setInteger(UInt32(written), at: lengthIndex)
    }

    mutating func readLengthPrefixedString() -> String? {
        guard let length: UInt32 = readInteger() else { return nil }
        return readString(length: Int(length))
    }

    mutating func writeHeaders(_ headers: [HTTPHeader]) {
        writeInteger(UInt16(headers.count))
        for header in headers {
            writeLengthPrefixedString(header.name)
            writeLengthPrefixedString(header.value)
        }
    }

    mutating func readHeaders() -> [HTTPHeader]? {
        guard let count: UInt16 = readInteger() else { return nil }
        var headers: [HTTPHeader] = []
        headers.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let name = readLengthPrefixedString(), let value = readLengthPrefixedString() else { return nil }
            headers.append(HTTPHeader(name: name, value: value))
        }
        return headers
    }
}
