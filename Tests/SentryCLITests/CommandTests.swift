import ArgumentParser
@testable import SentryCLI
import SentryResources
import Testing

@Suite struct CommandTests {
    @Test func rootCommandIsNamedAfterTheProduct() {
        #expect(SentrySDKCommand.configuration.commandName == "sentry-sdk")
        #expect(SentrySDKCommand.helpMessage().contains("Manage Sentry client keys"))
    }

    @Test func unknownSubcommandIsAUsageError() {
        #expect(throws: (any Error).self) { try SentrySDKCommand.parseAsRoot(["frobnicate"]) }
    }
}

@Suite struct CompletionTests {
    /// One program: the completion script knows every command, the state and sandbox ones included.
    @Test(arguments: ["bash", "zsh", "fish"]) func completionCoversEverySubcommandAndOption(shell: String) throws {
        let script = SentrySDKCommand.completionScript(for: try #require(CompletionShell(rawValue: shell)))
        for word in ["keys", "create", "plan", "apply", "destroy", "output", "manifest", "schema", "state", "migrate", "sandbox", "serve",
                     "--detailed-exitcode", "--lock-timeout", "--ca-certificate", "--tls", "k8s-secret", "rotate", "--grace", "--no-default-key",
                     "audit", "--fail-on", "sarif", "--seed-projects", "--output-name"] {
            // fish names long options without their dashes (`'lock-timeout='`).
            let spelled = shell == "fish" && word.hasPrefix("--") ? String(word.dropFirst(2)) : word
            #expect(script.contains(spelled), "\(shell) completion lacks \(word)")
        }
    }
}

@Suite struct ChangeReportTests {
    /// A predecessor deleted because its rotation's `retire` came needs no confirmation; any
    /// other deletion or replacement does.
    @Test func aRetiredPredecessorIsNotADestructiveChange() {
        let changes = [
            Stack.Change(resource: "web~rotated~abc", action: .delete, fields: [], reason: "rotated out; its retirement period is over"),
            Stack.Change(resource: "api", action: .delete, fields: [], reason: nil),
            Stack.Change(resource: "mobile", action: .replace, fields: [], reason: nil),
            Stack.Change(resource: "web", action: .rotate, fields: [], reason: nil),
        ]
        #expect(ChangeReport.destructive(changes) == ["api", "mobile"])
        #expect(ChangeReport.lines([changes[3]]) == ["  ^ rotate web"])
        #expect(ChangeReport.summary(changes, applied: true) == "1 replaced, 1 rotated, 2 deleted.")
    }
}
