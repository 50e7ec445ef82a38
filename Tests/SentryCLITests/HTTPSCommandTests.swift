import Foundation
import SentryAPI
import SentrySandbox
import SentrySandboxServer
import Testing
import TestSupport

/// The built `sentry-sdk` over HTTPS, as real use is: a server behind a private certificate
/// authority is reached with `--ca-certificate` and refused without it, before anything is sent.
@Suite struct HTTPSCommandTests: AsyncClosable {
    static let token = "cli-tls-token-4e1a"

    let server: SandboxServer
    let authority: URL
    var common: [String] { ["--org", "my-org", "--project", "web", "--url", server.url, "--auth-token", Self.token] }

    init() async throws {
        let tls = try SandboxTLS.selfSigned()
        server = try await SandboxServer.start(try Sandbox(configuration: SandboxConfiguration(
            seed: [("my-org", ["web"])], tokens: [SandboxToken(Self.token)], ingestURL: TestServerProfile.ingestURL, defaultKeys: false)), tls: tls)
        authority = FileManager.default.temporaryDirectory.appendingPathComponent("cli-ca-\(UUID().uuidString).pem")
        try tls.authorityPEM.write(to: authority, atomically: true, encoding: .utf8)
    }

    func close() async {
        TestArtifacts.secrets(await server.sandbox.issuedSecrets + [Self.token])
        await server.stop()
        try? FileManager.default.removeItem(at: authority)
    }

    @Test func keysCommandsTrustTheGivenAuthority() async throws {
        try await use { fixture in
            #expect(fixture.server.url.hasPrefix("https://127.0.0.1:"))
            let trust = ["--ca-certificate", fixture.authority.path]
            let created = try await CLIProcess.run(["keys", "create", "--name", "Over HTTPS", "--format", "json"] + fixture.common + trust)
            #expect(created.status == 0, "\(created.stderr)")
            let key = try JSONDecoder().decode(ProjectKey.self, from: Data(created.stdout.utf8))
            #expect(key.name == "Over HTTPS")

            let listed = try await CLIProcess.run(["keys", "list", "--format", "json"] + fixture.common + trust)
            #expect(listed.status == 0, "\(listed.stderr)")
            #expect(try JSONDecoder().decode([ProjectKey].self, from: Data(listed.stdout.utf8)).map(\.id) == [key.id])

            let rotated = try await CLIProcess.run(["keys", "rotate", key.id, "--grace", "0", "--format", "env"] + fixture.common + trust)
            #expect(rotated.status == 0, "\(rotated.stderr)")
            #expect(rotated.stdout.hasPrefix("SENTRY_DSN="))
            #expect(rotated.stderr.contains("The old key \(key.id) is deactivated."))

            let audit = try await CLIProcess.run(["audit", "--org", "my-org", "--format", "json"] + fixture.common.filter { $0 != "--project" && $0 != "web" } + trust)
            #expect(audit.status == 0, "\(audit.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
            #expect((report["findings"] as? [[String: Any]])?.compactMap { $0["code"] as? String }.sorted() == ["inactive", "no-rate-limit"])

            for id in try JSONDecoder().decode([ProjectKey].self, from: Data(try await CLIProcess.run(["keys", "list", "--format", "json"] + fixture.common + trust).stdout.utf8)).map(\.id) {
                let deleted = try await CLIProcess.run(["keys", "delete", id] + fixture.common + trust)
                #expect(deleted.status == 0, "\(deleted.stderr)")
            }
            #expect(try await fixture.keyCount() == 0)
        }
    }

    @Test func anUntrustedServerIsRefusedWithAHint() async throws {
        try await use { fixture in
            await fixture.server.sandbox.clearRequestLog()
            let refused = try await CLIProcess.run(["keys", "create", "--name", "Never"] + fixture.common)
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("certificate"), "\(refused.stderr)")
            #expect(refused.stderr.contains("--ca-certificate"), "the error says how to trust a private authority: \(refused.stderr)")
            // The handshake failed, so no request reached the server.
            #expect(await fixture.server.sandbox.requestLog().isEmpty)
            #expect(try await fixture.keyCount() == 0)
        }
    }

    /// How many keys the project has, asked of the sandbox engine directly.
    func keyCount() async throws -> Int {
        let answer = await server.sandbox.request("GET", "/api/0/projects/my-org/web/keys/", token: Self.token)
        return try JSONDecoder().decode([ProjectKey].self, from: answer.body).count
    }
}
