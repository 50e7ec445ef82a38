import ArgumentParser
import SentryAPI
import SentryResources

/// `sentry-sdk state migrate`: a stack's state copied, checked, to another location.
struct MigrateStateCommand: AsyncParsableCommand {
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
        let source = try openState(from)
        let destination = try openState(to)
        let count = try await StateMigration.copy(app: stack.app, stage: stack.stage, from: source, to: destination,
                                                  replace: replace, lockTimeout: .seconds(lockTimeout))
        print("Copied \(counted(count, "resource")) of \(stack.app)/\(stack.stage); the source is unchanged.")
    }
}
