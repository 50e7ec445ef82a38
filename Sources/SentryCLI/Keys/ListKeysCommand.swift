import ArgumentParser
import SentryAPI

/// `sentry-sdk keys list`: every key of a project.
struct ListKeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List a project's client keys (every page).",
        discussion: "Example:\n  sentry-sdk keys list --org my-org --project web --status active --format json"
    )

    @OptionGroup var options: KeyCommandOptions
    @Option(help: "active or inactive.")
    var status: KeyStatusArgument?

    func validate() throws { try options.output.requireOneKey("keys list") }

    func run() async throws {
        let keys = try await options.withKeys { keys in
            try await keys.list(status: status.map { KeyStatus(rawValue: $0.rawValue) })
        }
        Output(options.output).keys(keys)
    }
}

enum KeyStatusArgument: String, ExpressibleByArgument, CaseIterable { case active, inactive }
