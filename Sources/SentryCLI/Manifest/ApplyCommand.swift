import ArgumentParser
import SentryResources

/// `sentry-sdk apply`: the plan, then the plan carried out.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply", abstract: "Bring the server to the manifest: create, update, adopt, replace and delete keys.",
        discussion: """
        Shows the plan, then applies it. Before anything that deletes or replaces a key it asks \
        on a terminal; --yes skips the question, and without a terminal such a plan is refused \
        unless --yes is given (creates and updates go ahead). When some keys fail, the others \
        are done, nothing is deleted, and the next apply finishes the job.

        Examples:
          sentry-sdk apply
          sentry-sdk apply -f sentry-keys.yaml --stage prod --yes
          sentry-sdk apply --sandbox
          sentry-sdk apply --rotate web        (a successor for web now, as its rotation says)
        """
    )

    @OptionGroup var manifest: ManifestOptions
    @Option(help: "table for people, json for scripts.")
    var format: OutputFormat = .table
    @Flag(help: "Delete and replace keys without asking.")
    var yes = false
    @Option(help: ArgumentHelp("Rotate this key now: its successor is made, and the old key retired as its rotation says (repeatable).", valueName: "key"))
    var rotate: [String] = []

    func run() async throws {
        let declared = try manifest.load()
        for id in rotate where !declared.keys.contains(where: { $0.id == id }) {
            throw CLIError.usage("Invalid --rotate \"\(id)\": the manifest declares no such key (it has \(declared.keys.map(\.id).joined(separator: ", "))).")
        }
        let stack = try manifest.stack(for: declared, mode: .apply)
        for id in rotate { await stack.rotate(id) }
        let (format, yes, file) = (format, yes, manifest.file)
        let run = try await stack.apply(declared, lockTimeout: manifest.lockDuration) { plan in
            if format == .table && ChangeReport.pending(plan) {
                ChangeReport.printPlan(plan, of: stack, file: file)
            }
            return try await Confirmation.allow(deleting: ChangeReport.destructive(plan), yes: yes, command: "sentry-sdk apply")
        }
        if format == .json { print(ChangeReport.json(app: stack.app, stage: stack.stage, changes: run.changes, applied: run.applied)) }
        guard run.applied else { throw CLIError.api("Apply cancelled; nothing was changed.") }
        if format == .table {
            if ChangeReport.pending(run.changes) { print("Applied:") }
            ChangeReport.lines(run.changes.filter { $0.action != .noChange }).forEach { print($0) }
            print(ChangeReport.summary(run.changes, applied: true))
        }
    }
}
