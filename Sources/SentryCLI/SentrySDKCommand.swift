import ArgumentParser
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
        Exit codes: 0 success, 1 API, network or state error, 2 bad usage or input, \
        3 authentication or permission, 4 not found; plan --detailed-exitcode: 2 changes pending; \
        audit --fail-on: 2 findings at or above it.
        """,
        version: version,
        subcommands: [
            KeysCommand.self, PlanCommand.self, ApplyCommand.self, DestroyCommand.self, OutputCommand.self, AuditCommand.self,
            ManifestCommand.self, StateCommand.self, SandboxCommand.self,
        ]
    )

    /// Parses and runs, with the documented exit codes.
    static func main() async {
        // The sandbox server serves many connections at once: NIO's usual thread per core.
        // (Told from the arguments, so that they are parsed once, where the command runs.)
        if CommandLine.arguments.dropFirst().first == SandboxCommand.configuration.commandName { await runAndExit(parsed()) }
        // Every other command makes one request after another: it runs on the one network
        // thread (no thread of the global pool, no hops between threads) and ends the process
        // there, since returning to the main actor would start a thread for the main queue;
        // 1.0-1.2 ms less a `keys list` (Benchmarks/RESULTS.md). The connections close with
        // the process (ConnectionOptions).
        NIOSingletons.groupLoopCountSuggestion = 1
        await withTaskExecutorPreference(EventLoopTaskExecutor(MultiThreadedEventLoopGroup.singleton.next())) { () async -> Void in
            await runAndExit(parsed())
        }
    }

    /// The command the arguments name; on a parsing error, the process ends with its message.
    private nonisolated static func parsed() -> any ParsableCommand {
        do {
            return try parseAsRoot()
        } catch {
            exitOnParsingError(error)
        }
    }
}
