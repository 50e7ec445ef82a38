import SentryAPI
import Testing

@Suite struct SecretTests {
    let secret = Secret("sntrys_abc123")

    @Test func printingNeverShowsTheValue() {
        #expect(secret.description == "<redacted>")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "Secret(<redacted>)")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("abc123"))
    }

    @Test func revealedGivesTheValueBack() {
        #expect(secret.revealed == "sntrys_abc123")
    }

    @Test func blankSecretsAreRecognised() {
        #expect(Secret("  ").isBlank)
        #expect(Secret("").isBlank)
        #expect(!secret.isBlank)
    }
}
