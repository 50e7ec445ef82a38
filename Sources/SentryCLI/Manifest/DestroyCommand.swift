import ArgumentParser
import SentryResources

/// `sentry-sdk destroy`: every key the stack has state for, deleted.
struct DestroyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "destroy", abstract: "Delete every key the manifest's stack has state for.",
        discussion: """
        Asks on a terminal first; --yes skips the question, and without a terminal nothing is \
        deleted unless --yes is given. A key already deleted on the server counts as deleted.

        Examples:
          sentry-sdk destroy --stage staging
          sentry-sdk destroy -f sentry-keys.yaml --yes
        """
    )

    @OptionGroup var manifest: ManifestOptions
    @Option(help: "table for people, json for scripts.")
    var format: OutputFormat = .table
    @Flag(help: "Delete without asking.")
    var yes = false

    func run() async throws {
        let declared = try manifest.load()
        let stack = try manifest.stack(for: declared, mode: .apply)
        let (format, yes) = (format, yes)
        let (changes, applied) = try await stack.destroy(lockTimeout: manifest.lockDuration) { plan in
            if format == .table && !plan.isEmpty {
                print("Destroy \(stack.app)/\(stack.stage):")
                ChangeReport.lines(plan).forEach { print($0) }
            }
            return try await Confirmation.allow(deleting: plan.map(\.resource), yes: yes, command: "sentry-sdk destroy")
        }
        switch format {
        case .json: print(ChangeReport.json(app: stack.app, stage: stack.stage, changes: changes, applied: applied))
        case .table: print(changes.isEmpty ? "Nothing to destroy: the stack has no state." : ChangeReport.summary(changes, applied: applied))
        }
        if !applied { throw CLIError.api("Destroy cancelled; nothing was deleted.") }
    }
}
