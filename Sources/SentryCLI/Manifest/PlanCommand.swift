import ArgumentParser
import SentryResources

/// `sentry-sdk plan`: what apply would do, written nowhere.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Show what apply would do to the manifest's keys; change nothing.",
        discussion: """
        Reads each project's keys once and the stack's state, and reports per key: create, \
        update (field: old -> new; secrets never shown), replace, adopt, delete or no change, \
        and why (drift: changed or deleted outside the SDK). Nothing is written, on the server \
        or in state.

        Examples:
          sentry-sdk plan
          sentry-sdk plan -f sentry-keys.yaml --stage staging --detailed-exitcode
          sentry-sdk plan --sandbox --format json
        """
    )

    @OptionGroup var manifest: ManifestOptions
    @Option(help: "table for people, json for scripts.")
    var format: OutputFormat = .table
    @Flag(help: "Exit 0 when there is nothing to do, 2 when changes are pending, 1 on error.")
    var detailedExitcode = false

    func run() async throws {
        guard detailedExitcode else { return try await plan() }
        // With --detailed-exitcode, 2 means changes pending only: every failure exits 1.
        do {
            try await plan()
        } catch let error as ExitCode {
            throw error
        } catch {
            guard let failure = CLIError(error) else { throw error }
            writeToStandardError("error: \(failure.description)\n")
            throw ExitCode(1)
        }
    }

    private func plan() async throws {
        let declared = try manifest.load()
        let stack = try manifest.stack(for: declared, mode: .plan)
        let plan = try await stack.run(declared, lockTimeout: manifest.lockDuration)
        switch format {
        case .json: print(ChangeReport.json(app: stack.app, stage: stack.stage, changes: plan.changes, applied: false))
        case .table:
            ChangeReport.printPlan(plan.changes, of: stack, file: manifest.file)
        }
        if detailedExitcode && ChangeReport.pending(plan.changes) { throw ExitCode(2) }
    }
}
