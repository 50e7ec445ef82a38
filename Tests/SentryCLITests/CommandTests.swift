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
