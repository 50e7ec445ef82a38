import Foundation
import SentryAPI
import SentrySandbox
import SentrySandboxServer
import Testing
import TestSupport

/// Every `keys` command against a Sentry-compatible server (the sandbox's `.compatibleServer`
/// profile), as the built program: reads and writes work, an ignored update is an error naming
/// the fields, and a create the server made but answered unreadably is reported as made.
@Suite(.serialized) struct CompatibleServerCommandTests: AsyncClosable {
    static let token = "cli-compatible-token-6c0f"

    let server: SandboxServer
    var common: [String] { ["--org", "my-org", "--project", "web", "--url", server.url, "--auth-token", Self.token] }

    init() async throws {
        server = try await SandboxServer.start(try Sandbox(configuration: SandboxConfiguration(
            seed: [("my-org", ["web"])], tokens: [SandboxToken(Self.token)], defaultKeys: false, profile: .compatibleServer)))
    }

    func close() async {
        TestArtifacts.secrets(await server.sandbox.issuedSecrets + [Self.token])
        await server.stop()
    }

    @Test func everyKeysCommand() async throws {
        try await use { fixture in
            let created = try await CLIProcess.run(["keys", "create", "--name", "Probe", "--rate-limit-window", "60", "--rate-limit-count", "100",
                                                    "--format", "json"] + fixture.common)
            #expect(created.status == 0, "\(created.stderr)")
            let key = try JSONDecoder().decode(ProjectKey.self, from: Data(created.stdout.utf8))
            #expect(key.projectId == 2 && key.secret == nil && key.rateLimit == RateLimit(window: 60, count: 100))

            let listed = try await CLIProcess.run(["keys", "list", "--format", "json"] + fixture.common)
            #expect(try JSONDecoder().decode([ProjectKey].self, from: Data(listed.stdout.utf8)) == [key])
            let table = try await CLIProcess.run(["keys", "list"] + fixture.common)
            #expect(table.status == 0 && table.stdout.contains(key.id), "\(table.stderr)")

            let got = try await CLIProcess.run(["keys", "get", key.id, "--format", "json"] + fixture.common)
            #expect(try JSONDecoder().decode(ProjectKey.self, from: Data(got.stdout.utf8)) == key)

            let updated = try await CLIProcess.run(["keys", "update", key.id, "--name", "Renamed", "--inactive"] + fixture.common)
            #expect(updated.status == 1)
            #expect(updated.stderr.contains("did not apply name, isActive"), "\(updated.stderr)")

            let deleted = try await CLIProcess.run(["keys", "delete", key.id] + fixture.common)
            #expect(deleted.status == 0, "\(deleted.stderr)")
            let empty = try await CLIProcess.run(["keys", "list", "--format", "json"] + fixture.common)
            #expect(try JSONDecoder().decode([ProjectKey].self, from: Data(empty.stdout.utf8)).isEmpty)
        }
    }

    @Test func aCreateAppliedButUnreadableIsReportedAsMade() async throws {
        try await use { fixture in
            await fixture.server.sandbox.inject(.malformedBody, on: "createProjectKey")
            let created = try await CLIProcess.run(["keys", "create", "--name", "Unreadable", "--format", "json"] + fixture.common)
            #expect(created.status == 0, "found by the lookup: \(created.stderr)")
            let key = try JSONDecoder().decode(ProjectKey.self, from: Data(created.stdout.utf8))
            #expect(key.name == "Unreadable")
            #expect(await fixture.server.sandbox.requestLog().compactMap(\.operationID) == ["createProjectKey", "listProjectKeys"])

            // When the lookup cannot read the keys either, the error still says the key was made.
            await fixture.server.sandbox.inject(.malformedBody, on: "createProjectKey")
            await fixture.server.sandbox.inject(.malformedBody, on: "listProjectKeys")
            let unfound = try await CLIProcess.run(["keys", "create", "--name", "Unfound"] + fixture.common)
            #expect(unfound.status == 1)
            #expect(unfound.stderr.contains("applied") && unfound.stderr.contains("not sent again"), "\(unfound.stderr)")
            let names = try await CLIProcess.run(["keys", "list", "--format", "json"] + fixture.common)
            #expect(try JSONDecoder().decode([ProjectKey].self, from: Data(names.stdout.utf8)).map(\.name).sorted() == ["Unfound", "Unreadable"])
        }
    }
}
