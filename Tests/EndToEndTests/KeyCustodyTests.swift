import Foundation
import Testing

/// Provider keys live only where they must: never in the front's environment, argv, memory or logs;
/// each worker gets its own key and no other; worker sockets are private.
@Suite("Key custody", .serialized)
struct KeyCustodyTests {
    @Test("keys never sit in the front: not in its environment, argv, memory or logs; a worker gets only its own")
    func keyCustody() async throws {
        try await withGateway { gateway, upstream in
            let front = gateway.process.processIdentifier
            let pids = await gateway.workerPIDs()
            let fake = try #require(pids["fake"])
            let other = try #require(pids["other"])
            let keys = [TestConfig.fakeKey, TestConfig.otherKey]

            // The front moved both keys out of its environment block at start.
            let frontEnvironment = try String(decoding: Data(contentsOf: URL(fileURLWithPath: "/proc/\(front)/environ")), as: UTF8.self)
            for key in keys { #expect(!frontEnvironment.contains(key)) }
            // Workers inherit no key variable at all: each got its own key on a file descriptor.
            for pid in [fake, other] {
                let environment = try Self.environment(of: pid)
                #expect(!environment.contains { $0.hasPrefix("FAKE_API_KEY=") || $0.hasPrefix("OTHER_API_KEY=") })
                for key in keys { #expect(!environment.contains { $0.contains(key) }) }
                let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")
                let targets = descriptors.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)") }
                #expect(!targets.contains { $0.contains("memfd:") }, "worker kept a key descriptor open: \(targets)")
            }
            for pid in [fake, other, front] {
                let argv = try String(decoding: Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")), as: UTF8.self)
                for key in keys { #expect(!argv.contains(key)) }
            }
            // Each worker used its own key.
            #expect(await gateway.chat(chatBody(model: "fake/ok")).status == 200)
            #expect(upstream.requests.last?.authorization == "Bearer \(TestConfig.fakeKey)")
            #expect(await gateway.chat(chatBody(model: "other/ok")).status == 200)
            #expect(upstream.requests.last?.authorization == "Bearer \(TestConfig.otherKey)")
            _ = await gateway.chat(chatBody(model: "fake/rate-limited"))
            // Nowhere in the front's memory, after serving requests.
            let memory = try ProcessMemory.contains(pid: front, needles: keys + [upstream.baseURL])
            // The upstream URL is in the front's config: proof that the scan sees the front's heap.
            #expect(memory == [upstream.baseURL], "front memory holds: \(memory)")
            for key in keys { #expect(!gateway.logText.contains(key)) }
        }
    }

    @Test("worker sockets live in a private directory")
    func privateSockets() async throws {
        try await withGateway { gateway, _ in
            let entries = try FileManager.default.contentsOfDirectory(atPath: gateway.directory.path)
            let runtime = try #require(entries.first { $0.hasPrefix("workers-") })
            let runtimeDirectory = gateway.directory.appendingPathComponent(runtime)
            let attributes = try FileManager.default.attributesOfItem(atPath: runtimeDirectory.path)
            #expect((attributes[.posixPermissions] as? Int) == 0o700)
            // Sockets are numbered in start order: demo, then the custom providers by name.
            for socket in ["demo-1.sock", "fake-2.sock", "nokey-3.sock", "other-4.sock"] {
                var info = stat()
                #expect(stat(runtimeDirectory.appendingPathComponent(socket).path, &info) == 0, "no \(socket)")
                #expect(info.st_mode & S_IFMT == S_IFSOCK)
                #expect(info.st_mode & 0o777 == 0o600, "\(socket) has mode \(String(info.st_mode & 0o777, radix: 8))")
            }
        }
    }

    static func environment(of pid: Int32) throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }
}
