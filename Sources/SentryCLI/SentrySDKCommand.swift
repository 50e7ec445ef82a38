import ArgumentParser

/// `sentry-sdk`: manage Sentry client keys (DSNs) from a terminal or a CI job.
@main
struct SentrySDKCommand: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "sentry-sdk",
        abstract: "Manage Sentry client keys (DSNs) as code.",
        version: version,
        subcommands: [SandboxCommand.self]
    )
}
