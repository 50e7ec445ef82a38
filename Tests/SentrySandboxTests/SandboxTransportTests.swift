import Foundation
import SentryAPI
import SentrySandbox
import Testing

/// A `SentryClient` over `SandboxTransport`: the sandbox answers in process, with no port.
@Suite struct SandboxTransportTests {
    @Test func aClientTalksToTheSandboxWithoutAServer() async throws {
        let sandbox = try Sandbox(configuration: SandboxConfiguration(
            seed: [("my-org", ["web"])], tokens: [SandboxToken("transport-token")], defaultKeys: false, publicURL: SandboxTransport.url))
        let client = SentryClient(
            configuration: SentryConfiguration(authToken: Secret("transport-token"), baseURL: URL(string: SandboxTransport.url)!),
            transport: SandboxTransport(sandbox: sandbox))
        let created = try await client.send(Operations.CreateProjectKey(
            organizationIdOrSlug: "my-org", projectIdOrSlug: "web", body: CreateProjectKeyRequest(name: "Web")))
        // Three pages of two keys, followed through the `Link` headers the sandbox writes.
        for index in 1...5 {
            _ = try await client.send(Operations.CreateProjectKey(
                organizationIdOrSlug: "my-org", projectIdOrSlug: "web", body: CreateProjectKeyRequest(name: "Key \(index)")))
        }
        var names: [String] = []
        for try await key in client.items(Operations.ListProjectKeys(organizationIdOrSlug: "my-org", projectIdOrSlug: "web", perPage: 2)) {
            names.append(key.name)
        }
        #expect(names == ["Key 5", "Key 4", "Key 3", "Key 2", "Key 1", "Web"])
        #expect(await sandbox.requestLog().filter { $0.operationID == "listProjectKeys" }.count == 3)

        // A create whose answer the sandbox drops after making the key is not sent again.
        await sandbox.inject(.dropAfterApplying, on: "createProjectKey")
        do {
            _ = try await client.send(Operations.CreateProjectKey(
                organizationIdOrSlug: "my-org", projectIdOrSlug: "web", body: CreateProjectKeyRequest(name: "Lost")))
            Issue.record("a dropped answer should fail")
        } catch {
            #expect(error.kind == .outcomeUnknown, "\(error)")
        }
        #expect(await sandbox.requestLog().filter { $0.operationID == "createProjectKey" }.count == 7)
        #expect(try await client.send(Operations.GetProjectKey(organizationIdOrSlug: "my-org", projectIdOrSlug: "web", keyId: created.id)) == created)
        try await client.shutdown()
    }
}
