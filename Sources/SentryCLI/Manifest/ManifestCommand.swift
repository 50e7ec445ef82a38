import ArgumentParser

/// `sentry-sdk manifest ...`: about the manifest format.
struct ManifestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manifest", abstract: "About the manifest format (sentry-keys.yaml).",
        subcommands: [ManifestSchemaCommand.self]
    )
}
