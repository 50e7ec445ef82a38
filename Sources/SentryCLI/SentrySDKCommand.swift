import ArgumentParser
import CommandLineSupport
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

    /// Parses and runs, with the documented exit codes.
    static func main() async {
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
}
