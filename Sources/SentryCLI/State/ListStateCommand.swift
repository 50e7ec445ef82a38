import ArgumentParser
import SentryResources

/// `sentry-sdk state list`: the records of one stack.
struct ListStateCommand: AsyncParsableCommand {
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
        let store = try openState(state)
        for record in try await store.records(app: stack.app, stage: stack.stage) {
            let key = record.attributes["keyId"].flatMap { if case .string(let id) = $0 { id } else { nil } } ?? "-"
            print("\(record.id)\t\(record.type)\t\(key)\t\(record.secrets.isEmpty ? "no secret stored" : "secret sealed")")
        }
    }
}
