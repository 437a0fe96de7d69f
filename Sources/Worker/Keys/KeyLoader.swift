import Glibc
import Shared

/// Reads this worker's provider key. Only workers call this: a systemd credential named after the
/// provider wins, then the key the front passed on fd 3 (moved there from its environment), then the
/// environment variable itself, then the configured key file.
enum KeyLoader {
    struct Result {
        var value: String?
        var problem: String?

        /// Several keys for one provider are written one per line (or comma-separated) in the same
        /// variable or file; they are used in turn.
        var keys: [String] {
            guard let value else { return [] }
            return value.split(whereSeparator: { $0 == "\n" || $0 == "," || $0 == "\r" })
                .map { String($0.filter { !$0.isWhitespace }) }
                .filter { !$0.isEmpty }
        }
    }

    static func load(_ source: KeySource, provider: String, passed: String?) -> Result {
        if source != .none, let credentials = getenv("CREDENTIALS_DIRECTORY").map({ String(cString: $0) }),
            let key = readFile("\(credentials)/\(provider)")
        {
            return Result(value: key, problem: nil)
        }
        switch source {
        case .none:
            return Result(value: nil, problem: nil)
        case .environment(let name):
            if let passed { return Result(value: passed, problem: nil) }
            guard let raw = getenv(name), case let key = trimmed(String(cString: raw)), !key.isEmpty else {
                return Result(value: nil, problem: "set the environment variable \(name)")
            }
            return Result(value: key, problem: nil)
        case .file(let path):
            guard let key = readFile(path) else {
                return Result(value: nil, problem: "the key file \(path) is missing, unreadable or empty")
            }
            return Result(value: key, problem: nil)
        }
    }

    /// Reads the key the front passed as a sealed memfd, then closes it. `pread` from offset 0, because
    /// every worker of this provider shares the same open file (and so the same file offset).
    static func readDescriptor(_ fd: Int32) -> String? {
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 64 * 1024)
        let count = pread(fd, &bytes, bytes.count, 0)
        guard count > 0 else { return nil }
        let key = trimmed(String(decoding: bytes[0..<count], as: UTF8.self))
        return key.isEmpty ? nil : key
    }

    private static func readFile(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > 64 * 1024 { return nil }
        }
        let key = trimmed(String(decoding: bytes, as: UTF8.self))
        return key.isEmpty ? nil : key
    }

    private static func trimmed(_ string: String) -> String {
        var scalars = Substring(string)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
