import Foundation

/// A secret the gateway reads at start from a file or a systemd credential (`LoadCredential=`), never
/// from the config itself: the admin key and the `/metrics` bearer token.
struct SecretFile: Sendable {
    /// Why a configured secret could not be used.
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// The digest of the secret: what requests are compared against.
    let digest: String

    /// The secret named `credential` in `$CREDENTIALS_DIRECTORY` when systemd passed one, else the
    /// configured file, else `nil`.
    static func load(
        configured path: String?, credential: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(Problem) -> SecretFile? {
        guard let candidate = location(configured: path, credential: credential, environment: environment) else { return nil }
        guard let data = FileManager.default.contents(atPath: candidate) else {
            throw Problem(description: "cannot read the \(credential) secret from \(candidate)")
        }
        let secret = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard secret.count >= 32 else {
            throw Problem(
                description: "the \(credential) secret in \(candidate) is shorter than 32 characters; make one with `orchestra admin-key`")
        }
        return SecretFile(digest: ClientKey.digest(of: secret))
    }

    /// Where a secret is read from: systemd's credential `credential` when it passed one, else `path`.
    static func location(configured path: String?, credential: String, environment: [String: String]) -> String? {
        if let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty,
            FileManager.default.fileExists(atPath: directory + "/" + credential)
        {
            return directory + "/" + credential
        }
        return path
    }

    func matches(_ presented: String?) -> Bool {
        guard let presented, !presented.isEmpty else { return false }
        return matches(digest: ClientKey.digest(of: presented))
    }

    /// Compares an already computed digest (a request's key is hashed once).
    func matches(digest presented: String) -> Bool {
        ClientKey.constantTimeEqual(presented, digest)
    }
}
