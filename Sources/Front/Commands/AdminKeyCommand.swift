import ArgumentParser
import Foundation

/// `orchestra admin-key --out FILE`: makes a fresh admin key in a file only its owner can read, for
/// `[auth] admin_key_file` or systemd's `LoadCredential=admin:FILE`.
struct AdminKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin-key", abstract: "Write a new admin key to a file (mode 0600) for [auth] admin_key_file.")

    @Option(help: "Where to write it; the file must not exist yet.")
    var out: String

    func run() throws {
        guard !FileManager.default.fileExists(atPath: out) else { throw ValidationError("\(out) exists; remove it first") }
        let key = "orch_admin_" + String(ClientKey.generate().secret.dropFirst(ClientKey.scheme.count))
        guard FileManager.default.createFile(atPath: out, contents: Data((key + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ValidationError("cannot write \(out)")
        }
        print("wrote a new admin key to \(out); sign in to the dashboard with it, and keep it secret")
    }
}
