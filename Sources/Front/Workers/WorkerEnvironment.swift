import Glibc
import Shared

/// Builds each worker's environment: the front's own, minus every *other* provider's key variable,
/// so a worker can read only its own provider's key.
enum WorkerEnvironment {
    static func build(for provider: ProviderConfig, allProviders: [ProviderConfig]) -> [String] {
        var hidden = Set<String>()
        for other in allProviders where other.name != provider.name {
            if case .environment(let name) = other.key { hidden.insert(name) }
        }
        if case .environment(let own) = provider.key { hidden.remove(own) }
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
