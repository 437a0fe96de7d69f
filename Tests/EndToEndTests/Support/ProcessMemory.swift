import Foundation

/// Searches a live process's writable memory (heap, stacks, data) for byte strings, through
/// `/proc/<pid>/maps` and `/proc/<pid>/mem`. The test runs as the same user (root here) as the process.
enum ProcessMemory {
    static func contains(pid: Int32, needles: [String]) throws -> [String] {
        let maps = try String(contentsOfFile: "/proc/\(pid)/maps", encoding: .utf8)
        guard let memory = FileHandle(forReadingAtPath: "/proc/\(pid)/mem") else {
            throw CocoaError(.fileReadNoPermission)
        }
        defer { try? memory.close() }
        var found = Set<String>()
        let patterns = needles.map { Data($0.utf8) }
        for line in maps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, fields[1].hasPrefix("rw") else { continue }
            let bounds = fields[0].split(separator: "-").compactMap { UInt64($0, radix: 16) }
            guard bounds.count == 2, bounds[1] > bounds[0], bounds[1] - bounds[0] < 1 << 31 else { continue }
            do {
                try memory.seek(toOffset: bounds[0])
                guard let data = try memory.read(upToCount: Int(bounds[1] - bounds[0])) else { continue }
                for (needle, pattern) in zip(needles, patterns) where data.range(of: pattern) != nil {
                    found.insert(needle)
                }
            } catch {
                continue  // guard pages and the like cannot be read
            }
        }
        return found.sorted()
    }
}
