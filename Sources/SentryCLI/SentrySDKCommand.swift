import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import SentryAPI

/// `sentry-sdk`: manage Sentry client keys (DSNs) from a terminal or a CI job.
@main
struct SentrySDKCommand: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "sentry-sdk",
        abstract: "Manage Sentry client keys (DSNs) as code.",
        discussion: """
        Exit codes: 0 success, 1 API or network error, 2 bad usage or input, \
        3 authentication or permission, 4 not found.
        """,
        version: version,
        subcommands: [KeysCommand.self, StateCommand.self, SandboxCommand.self]
    )

    /// Parses and runs, with usage errors exiting 2 (as the documented exit codes say) rather
    /// than ArgumentParser's 64.
    static func main() async {
        // The sandbox server keeps NIO's defaults and runs in a task of its own.
        guard CommandLine.arguments.dropFirst().first != "sandbox" else {
            await Task.detached { await runAndExit() }.value
        }
        // A command makes one request after another: one network thread is enough (NIO starts
        // one per core), and the command runs on it, so that no thread of the global pool is
        // started and no request hops between threads. It ends the process from there:
        // returning to the main actor first would start a thread to serve the main queue (on
        // Linux the main thread has left it to Dispatch). Measured on `keys list`: 1.0-1.2 ms
        // less per process, with the connections left to close with the process (GlobalOptions).
        NIOSingletons.groupLoopCountSuggestion = 1
        await withTaskExecutorPreference(EventLoopTaskExecutor(MultiThreadedEventLoopGroup.singleton.next())) {
            await runAndExit()
        }
    }

    nonisolated private static func runAndExit() async -> Never {
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
            Foundation.exit(0)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
