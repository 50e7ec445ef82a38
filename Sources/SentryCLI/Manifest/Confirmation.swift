import Foundation
import SentryAPI
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Asking before a key is deleted or replaced: on a terminal the user answers; elsewhere only
/// `--yes` goes on.
enum Confirmation {
    /// True to go on. Asks on a terminal; without one, refuses with the reason unless `yes`.
    static func allow(deleting keys: [String], yes: Bool, command: String) async throws -> Bool {
        if keys.isEmpty || yes { return true }
        let list = keys.joined(separator: ", ")
        guard isatty(0) == 1 else {
            throw CLIError.usage("The plan deletes or replaces \(keys.count == 1 ? "a key" : "\(keys.count) keys") (\(list)) and there is no terminal to confirm it; nothing was changed. Run \(command) on a terminal, or pass --yes.")
        }
        writeToStandardError("Delete or replace \(list)? Type yes to go on: ")
        // Read on a thread of its own: the command runs on the network thread, which must go on
        // serving the connection while the user thinks.
        let answer = await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: readLine()) }
        }
        return answer?.trimmed == "yes"
    }
}
