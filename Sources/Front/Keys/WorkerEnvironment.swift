import Glibc
import Shared

/// Builds each worker's environment: the front's own, minus every provider key variable. Keys from
/// the environment reach a worker only through `KeyVault`, and only its own.
enum WorkerEnvironment {
    static func build(for provider: ProviderConfig, allProviders: [ProviderConfig]) -> [String] {
        var hidden = Set<String>()
        for other in allProviders {
            if case .environment(let name) = other.key { hidden.insert(name) }
        }
        var result: [String] = []
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            let name = text.split(separator: "=", maxSplits: 1).first.map(String.init) ?? text
            if !hidden.contains(name) { result.append(text) }
            cursor += 1
        }
        // Two threads do all of a worker's work (NIO and curl); one malloc arena per thread is memory
        // a small process does not need.
        if !result.contains(where: { $0.hasPrefix("MALLOC_ARENA_MAX=") }) { result.append("MALLOC_ARENA_MAX=2") }
        return result
    }
}
