import ArgumentParser

/// `sentry-sdk keys delete`: one key, for good.
struct DeleteKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete a client key for good.",
        discussion: "Example:\n  sentry-sdk keys delete --org my-org --project web KEY_ID"
    )

    @OptionGroup var options: KeyCommandOptions
    @Argument(help: "The key's id.")
    var keyID: String

    func validate() throws { try options.output.requireOneKey("keys delete") }

    func run() async throws {
        try await options.withKeys { keys in try await keys.delete(keyID) }
        if options.output.format == .json { print(Output.json(["deleted": keyID])) } else { print("Deleted \(keyID).") }
    }
}
