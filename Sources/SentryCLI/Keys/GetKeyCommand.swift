import ArgumentParser

/// `sentry-sdk keys get`: one key.
struct GetKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Show one client key.",
        discussion: "Example:\n  sentry-sdk keys get --org my-org --project web 60120449b6b1d5e45f75561e6dabd80b"
    )

    @OptionGroup var options: KeyCommandOptions
    @Argument(help: "The key's id.")
    var keyID: String

    func run() async throws {
        let key = try await options.withKeys { keys in try await keys.get(keyID) }
        Output(options.output).key(key)
    }
}
