import Foundation
import Synchronization

/// Usage records that could not be written (the shared database unreachable), kept in a local file, one
/// JSON record a line, until they are: none is lost while the database is away, and as the file is
/// only cut after a replay lands, a crash in between replays a batch twice at worst, which the
/// database counts once (records are idempotent by request id).
final class UsageSpool: Sendable {
    let path: String
    /// How many records the file holds (read at start, then kept).
    private let held: Mutex<Int>

    init(path: String) throws {
        self.path = path
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
        }
        let lines = (try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n").count ?? 0
        held = Mutex(lines)
    }

    var count: Int { held.withLock { $0 } }

    /// Appends records to the file.
    func append(_ records: [UsageRecord]) throws {
        guard !records.isEmpty else { return }
        let encoder = JSONEncoder()
        var data = Data()
        for record in records {
            data.append(try encoder.encode(record))
            data.append(0x0A)
        }
        try held.withLock { count in
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: data)
            try handle.synchronize()
            count += records.count
        }
    }

    /// Up to `limit` of the oldest records (a line that does not decode is skipped and counted as read).
    func oldest(limit: Int) throws -> (records: [UsageRecord], lines: Int) {
        let text = try held.withLock { _ in try String(contentsOfFile: path, encoding: .utf8) }
        let decoder = JSONDecoder()
        let lines = text.split(separator: "\n").prefix(limit)
        return (lines.compactMap { try? decoder.decode(UsageRecord.self, from: Data($0.utf8)) }, lines.count)
    }

    /// Drops the oldest `lines` (replayed), keeping what was appended meanwhile.
    func drop(lines: Int) throws {
        try held.withLock { count in
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let rest = text.split(separator: "\n").dropFirst(lines)
            let kept = rest.isEmpty ? "" : rest.joined(separator: "\n") + "\n"
            let temporary = path + ".tmp"
            guard FileManager.default.createFile(atPath: temporary, contents: Data(kept.utf8), attributes: [.posixPermissions: 0o600])
            else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: temporary]) }
            guard rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
            count = rest.count
        }
    }
}
