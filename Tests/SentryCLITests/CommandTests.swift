import ArgumentParser
@testable import SentryCLI
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
                     "--detailed-exitcode", "--lock-timeout", "--ca-certificate", "--tls", "k8s-secret", "rotate", "--grace", "--no-default-key"] {
            // fish names long options without their dashes (`'lock-timeout='`).
            let spelled = shell == "fish" && word.hasPrefix("--") ? String(word.dropFirst(2)) : word
            #expect(script.contains(spelled), "\(shell) completion lacks \(word)")
        }
    }
}
