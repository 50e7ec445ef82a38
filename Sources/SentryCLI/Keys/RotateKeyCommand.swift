import ArgumentParser
import Foundation
import SentryAPI
import SentryResources

/// `sentry-sdk keys rotate`: makes a key's successor, and deactivates the old key at once or
/// says when to.
struct RotateKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate", abstract: "Replace a client key with a new one (a leaked DSN, a schedule).",
        discussion: """
        Makes the key's successor with the same settings, named after it with the day \
        ("Web (rotated 2026-12-02)"), and prints it. With --grace 0 the old key is deactivated \
        at once; else it keeps taking events, and the command says when to deactivate it (the \
        command keeps no state; in a stack or manifest, `rotation` does it for you).

        Examples:
          sentry-sdk keys rotate --org my-org --project web KEY_ID --grace 7d
          sentry-sdk keys rotate --org my-org --project web KEY_ID --grace 0 --format json
          sentry-sdk keys rotate --org my-org --project web KEY_ID --grace 7d --format env > .env
        """
    )

    @OptionGroup var options: KeyCommandOptions
    @Argument(help: "The key's id.")
    var keyID: String
    @Option(help: ArgumentHelp("How long the old key keeps taking events: 7d, 12h, 30m or 0.", valueName: "period"))
    var grace: String
    @Option(help: ArgumentHelp("How long after that to delete it (said, not done: the command keeps no state).", valueName: "period"))
    var retire: String?

    func validate() throws {
        guard Rotation.period(grace) != nil else { throw ValidationError("--grace must be a period such as 7d, 12h, 30m or 0 (it is \"\(grace)\").") }
        if let retire, Rotation.period(retire) == nil { throw ValidationError("--retire must be a period such as 30d (it is \"\(retire)\").") }
    }

    func run() async throws {
        let grace = Rotation.period(self.grace)!
        let now = Date()
        let (successor, predecessor) = try await options.withKeys { keys in
            try await keys.rotate(keyID, deactivatingNow: grace == .zero, now: now)
        }
        Output(options.output).key(successor)
        let target = try options.target.target()
        let deactivate = "sentry-sdk keys update --org \(target.organization) --project \(target.project) \(predecessor.id) --inactive"
        let remove = "sentry-sdk keys delete --org \(target.organization) --project \(target.project) \(predecessor.id)"
        var next: [String] = []
        if grace == .zero {
            next.append("The old key \(predecessor.id) is deactivated.")
        } else {
            let due = now.addingTimeInterval(TimeInterval(grace.components.seconds))
            next.append("The old key \(predecessor.id) still takes events. After \(due.formatted(.iso8601)), run: \(deactivate)")
        }
        if let retire = retire.flatMap(Rotation.period) {
            let due = now.addingTimeInterval(TimeInterval(grace.components.seconds + retire.components.seconds))
            next.append("After \(due.formatted(.iso8601)), delete it: \(remove)")
        }
        // Guidance for people on stderr, so that json and env output stay what they are on stdout;
        // after the key, which is flushed first.
        fflush(nil)
        for line in next { writeToStandardError(line + "\n") }
    }
}
