import ArgumentParser
import SentryResources

/// `sentry-sdk manifest schema`: the format as a JSON Schema, for editors.
struct ManifestSchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema", abstract: "Print a JSON Schema of the manifest format, for editors to check and complete it.",
        discussion: """
        Example (VS Code with the YAML extension):
          sentry-sdk manifest schema > sentry-keys.schema.json
          and in sentry-keys.yaml's first line: # yaml-language-server: $schema=./sentry-keys.schema.json
        """
    )

    func run() async throws {
        print(Manifest.jsonSchema)
    }
}
