import ArgumentParser

/// `sentry-sdk sandbox ...`: the local Sentry keys API.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run a local Sentry keys API for tests and offline use.",
        subcommands: [ServeCommand.self]
    )
}
