import ArgumentParser
import SentryPostgresState
import SentryResources

/// `sentry-sdk state ...`: where stacks keep their state, and moving it.
struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Show a stack's state, or move it between files and PostgreSQL.",
        discussion: """
        A location is a directory (file state) or a postgres:// URL (PostgreSQL state). By \
        default the state is SENTRY_SDK_STATE_URL when set, else SENTRY_SDK_STATE_DIR, else \
        .sentry-sdk in the current directory: the same place a stack uses.
        """,
        subcommands: [ListStateCommand.self, MigrateStateCommand.self]
    )
}

/// Which stack.
struct StackOptions: ParsableArguments {
    @Option(help: "The stack's application.")
    var app: String

    @Option(help: "The stack's stage.")
    var stage: String

    func validate() throws {
        if app.allSatisfy(\.isWhitespace) { throw ValidationError("--app must not be empty.") }
        if stage.allSatisfy(\.isWhitespace) { throw ValidationError("--stage must not be empty.") }
    }
}

/// Opens a location given on the command line, or the environment's default; a location that
/// cannot be opened is bad usage.
func openState(_ location: String?) throws -> any StateStore {
    // Locations may be postgres:// URLs.
    PostgresStateStore.register()
    guard let location else { return StateStores.fromEnvironment() }
    do {
        return try StateStores.open(location)
    } catch {
        throw CLIError.usage("\(error)")
    }
}
