import CProcessShims
import Glibc
import Shared
import Synchronization

/// Keeps provider keys that arrive as environment variables out of the front's memory.
///
/// At start (and on reload) each key variable named by the config is moved, inside C, straight from
/// the environment block into a sealed memfd; the environment copy is wiped, so neither the front's
/// heap nor `/proc/<front>/environ` ever holds it. A worker receives only its own provider's memfd
/// as fd 3 and reads the key from there. Keys in files or systemd credentials are never touched by
/// the front at all: each worker reads its own.
final class KeyVault: Sendable {
    /// memfds by environment variable name.
    private let descriptors = Mutex<[String: Int32]>([:])
    /// Environment variable names by provider.
    private let variables = Mutex<[String: String]>([:])

    func capture(from providers: [ProviderConfig]) {
        for provider in providers {
            guard case .environment(let name) = provider.key else { continue }
            variables.withLock { $0[provider.name] = name }
            descriptors.withLock { descriptors in
                guard descriptors[name] == nil else { return }
                let fd = orchestra_move_env_to_memfd(name)
                if fd >= 0 { descriptors[name] = fd }
            }
        }
    }

    /// The memfd holding `provider`'s key, if its key came from the environment.
    func descriptor(for provider: String) -> Int32? {
        guard let name = variables.withLock({ $0[provider] }) else { return nil }
        return descriptors.withLock { $0[name] }
    }

    func closeAll() {
        descriptors.withLock { descriptors in
            descriptors.values.forEach { close($0) }
            descriptors.removeAll()
        }
    }
}
