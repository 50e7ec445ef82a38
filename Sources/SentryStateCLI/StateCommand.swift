import ArgumentParser
import CommandLineSupport
import Foundation
import SentryPostgresState
import SentryResources

/// `sentry-sdk state ...` (the `sentry-sdk-state` program): where stacks keep their state, and
/// moving it.
///
/// A program of its own, which `sentry-sdk state` runs: it links the PostgreSQL driver, and the
/// `keys` commands, which need no state, start faster and smaller without it (every linked
/// module adds to the runtime's start-up work).
@main
struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sentry-sdk state",
        abstract: "Show a stack's state, or move it between files and PostgreSQL.",
        discussion: """
        A location is a directory (file state) or a postgres:// URL (PostgreSQL state). By \
        default the state is SENTRY_SDK_STATE_URL when set, else SENTRY_SDK_STATE_DIR, else \
        .sentry-sdk in the current directory: the same place a stack uses.
        """,
        subcommands: [ListState.self, MigrateState.self]
    )

    /// Parses and runs, with the exit codes `sentry-sdk` documents.
    static func main() async {
        await runAndExit()
    }
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

/// A location that cannot be opened: bad usage.
struct BadLocation: Error {
    var description: String
}

/// Opens a location given on the command line, or the environment's default.
func openState(_ location: String?) throws -> any StateStore {
    PostgresStateStore.register()
    guard let location else { return StateStores.fromEnvironment() }
    do {
        return try StateStores.open(location)
    } catch {
        throw BadLocation(description: "\(error)")
    }
}

/// Runs a state command body: the failure is one sentence on stderr; exit 2 for a location
/// that cannot be used, 1 for a state or database error (the exit codes of `sentry-sdk`).
func performState(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as BadLocation {
        writeToStandardError("error: \(error.description)\n")
        throw ExitCode(2)
    } catch let error as StateError {
        writeToStandardError("error: \(error.description)\n")
        throw ExitCode(1)
    }
}

struct ListState: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the resources a stack's state records.",
        discussion: """
        Examples:
          sentry-sdk state list --app shop --stage prod
          sentry-sdk state list --app shop --stage prod --state postgres://deploy@db.internal/infra
        """
    )

    @OptionGroup var stack: StackOptions

    @Option(help: "The state's location (a directory or a postgres:// URL).")
    var state: String?

    func run() async throws {
        try await performState {
            let store = try openState(state)
            for record in try await store.records(app: stack.app, stage: stack.stage) {
                let key = record.attributes["keyId"].flatMap { if case .string(let id) = $0 { id } else { nil } } ?? "-"
                print("\(record.id)\t\(record.type)\t\(key)\t\(record.secrets.isEmpty ? "no secret stored" : "secret sealed")")
            }
        }
    }
}

struct MigrateState: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Copy a stack's state from one location to another, checked.",
        discussion: """
        Both locations are locked while the records are copied; the copy is read back and \
        compared with the source. The source is left as it was: delete it once the stack runs \
        from its new place. Sealed secrets move as they are (the same password opens them).

        Examples:
          sentry-sdk state migrate --app shop --stage prod --from .sentry-sdk --to postgres://deploy@db.internal/infra
          sentry-sdk state migrate --app shop --stage prod --from "$SENTRY_SDK_STATE_URL" --to .sentry-sdk
        """
    )

    @OptionGroup var stack: StackOptions

    @Option(help: "Where the state is now (a directory or a postgres:// URL).")
    var from: String

    @Option(help: "Where it goes (a directory or a postgres:// URL).")
    var to: String

    @Flag(help: "Replace state the destination already has for this stack.")
    var replace = false

    @Option(help: "Seconds to wait for a run holding either lock.")
    var lockTimeout = 30

    func validate() throws {
        if from == to { throw ValidationError("--from and --to are the same location.") }
        if lockTimeout < 0 { throw ValidationError("--lock-timeout must not be negative.") }
    }

    func run() async throws {
        try await performState {
            let source = try openState(from)
            let destination = try openState(to)
            let count = try await StateMigration.copy(app: stack.app, stage: stack.stage, from: source, to: destination,
                                                      replace: replace, lockTimeout: .seconds(lockTimeout))
            print("Copied \(count) resource\(count == 1 ? "" : "s") of \(stack.app)/\(stack.stage); the source is unchanged.")
        }
    }
}
