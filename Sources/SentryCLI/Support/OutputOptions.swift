import ArgumentParser
import SentryResources

/// How results are printed.
struct OutputOptions: ParsableArguments {
    @Option(help: "table for people, json for scripts, env for a .env file (one key's variables).")
    var format: KeyOutputFormat = .table

    @Option(help: ArgumentHelp("The variables' prefix with --format env: SENTRY gives SENTRY_DSN, which Sentry's SDKs read.", valueName: "prefix"))
    var outputName = "SENTRY"

    @Flag(help: "Show key secrets and secret DSNs instead of masking or leaving them out.")
    var showSecrets = false

    func validate() throws {
        guard Manifest.isVariableName(outputName) else {
            throw ValidationError("--output-name must be a variable name: letters, digits and _, not starting with a digit (it is \"\(outputName)\").")
        }
    }

    /// Refuses `--format env` for a command that prints no single key.
    func requireOneKey(_ command: String) throws {
        if format == .env { throw ValidationError("--format env prints one key's variables; \(command) prints no single key (use table or json).") }
    }
}

/// How the manifest commands print: a table for people, one JSON document for scripts.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case table, json
}

/// How the `keys` commands print: as the manifest commands do, or as a `.env` file's lines.
enum KeyOutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case table, json, env
}
