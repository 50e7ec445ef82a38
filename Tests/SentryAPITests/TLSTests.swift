import Foundation
import NIOSSL
@testable import SentryAPI
import SentrySandbox
import SentrySandboxServer
import Testing
import TestSupport

/// HTTPS against a server whose certificate authority is private: trusted when given, refused
/// otherwise.
@Suite struct TLSTests {
    @Test func aPrivateAuthorityIsTrustedOnlyWhenGiven() async throws {
        let tls = try SandboxTLS.selfSigned()
        let server = try await SandboxServer.start(try Sandbox(configuration: SandboxConfiguration(
            seed: [("my-org", ["web"])], tokens: [SandboxToken("tls-token")], defaultKeys: false)), tls: tls)
        let authority = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-ca-\(UUID().uuidString).pem")
        try tls.authorityPEM.write(to: authority, atomically: true, encoding: .utf8)
        #expect(server.url.hasPrefix("https://127.0.0.1:"))

        let trusting = SentryClient(configuration: SentryConfiguration(authToken: Secret("tls-token"), baseURL: URL(string: server.url)!,
                                                                       trustedCertificatesFile: authority.path))
        let key = try await trusting.send(Operations.CreateProjectKey(organizationIdOrSlug: "my-org", projectIdOrSlug: "web",
                                                                      body: CreateProjectKeyRequest(name: "Over TLS")))
        #expect(key.dsn.public.hasPrefix("https://"))
        try await trusting.shutdown()

        // Without the authority: refused at the handshake, said so, and not retried (the
        // default budget's four backoffs would take 3.75 s).
        let plain = SentryClient(configuration: SentryConfiguration(authToken: Secret("tls-token"), baseURL: URL(string: server.url)!))
        await server.sandbox.clearRequestLog()
        let started = ContinuousClock.now
        await #expect {
            try await plain.send(Operations.CreateProjectKey(organizationIdOrSlug: "my-org", projectIdOrSlug: "web",
                                                             body: CreateProjectKeyRequest(name: "Never sent")))
        } throws: { error in
            (error as? SentryError)?.kind == .untrustedCertificate && "\(error)".contains("CERTIFICATE_VERIFY_FAILED")
                && "\(error)".contains("trustedCertificatesFile")
        }
        #expect(ContinuousClock.now - started < .seconds(2))
        #expect(await server.sandbox.requestLog().isEmpty)
        try await plain.shutdown()
        TestArtifacts.secrets(await server.sandbox.issuedSecrets + ["tls-token"])
        await server.stop()
        try? FileManager.default.removeItem(at: authority)
    }

    /// A certificate for another name fails after the handshake, in the hostname check: also
    /// refused before anything is written.
    @Test func aCertificateForAnotherNameIsNotTrusted() {
        let failure = AsyncHTTPClientTransport.classify(NIOSSLExtraError.failedToValidateHostname)
        guard case .certificateNotTrusted = failure else { Issue.record("classified as \(failure)"); return }
    }
}
