import Foundation
@testable import SentryAPI
import SentrySandbox
import Testing
import TestSupport

/// SentryClient against a Sentry-compatible server (the sandbox's `.compatibleServer` profile):
/// its keys decode, its pages are all read, its errors are typed, and a change it applied but
/// answered unreadably is never reported as a plain failure.
@Suite struct CompatibleServerTests {
    static let token = "compatible-token-2b7d"

    let sandbox: Sandbox
    let client: SentryClient

    init() throws {
        sandbox = try Sandbox(configuration: SandboxConfiguration(
            seed: [("my-org", ["web"])], tokens: [SandboxToken(Self.token)], defaultKeys: false, publicURL: SandboxTransport.url, profile: .compatibleServer))
        client = SentryClient(configuration: SentryConfiguration(authToken: Secret(Self.token), baseURL: URL(string: SandboxTransport.url)!,
                                                                 retryBudget: 1, initialBackoff: .milliseconds(1)),
                              transport: SandboxTransport(sandbox: sandbox))
    }

    func create(_ name: String?, rateLimit: RateLimit? = nil) async throws(SentryError) -> ProjectKey {
        try await client.send(Operations.CreateProjectKey(organizationIdOrSlug: "my-org", projectIdOrSlug: "web",
                                                          body: CreateProjectKeyRequest(name: name, rateLimit: rateLimit)))
    }

    @Test func keysInTheirShapeDecode() async throws {
        let key = try await create("Probe", rateLimit: RateLimit(window: 60, count: 100))
        #expect(key.id.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12], "a dashed UUID: \(key.id)")
        #expect(key.dsn.public.contains(key.id.replacing("-", with: "") + "@"))
        #expect(key.projectId == 2, "read from `projectID` (the sandbox numbers organizations and projects in one sequence)")
        #expect(key.secret == nil && key.isActive == nil && key.browserSdk == nil && key.dynamicSdkLoaderOptions == nil)
        #expect(key.rateLimit == RateLimit(window: 60, count: 100))
        #expect(try await client.send(Operations.GetProjectKey(organizationIdOrSlug: "my-org", projectIdOrSlug: "web", keyId: key.id)) == key)
        _ = try await client.send(Operations.DeleteProjectKey(organizationIdOrSlug: "my-org", projectIdOrSlug: "web", keyId: key.id))
        #expect(try await client.send(Operations.ListProjectKeys(organizationIdOrSlug: "my-org", projectIdOrSlug: "web")).isEmpty)
        // An unknown project lists as empty there.
        #expect(try await client.send(Operations.ListProjectKeys(organizationIdOrSlug: "my-org", projectIdOrSlug: "nope")).isEmpty)
    }

    @Test func theProjectIdComesFromTheDSNWhenTheFieldIsMissing() async throws {
        let body = #"[{"id": "k", "name": "", "label": "", "public": "k", "dsn": {"public": "https://k@errors.example.com/42"}}]"#
        let scripted = SentryClient(configuration: SentryConfiguration(authToken: "t"),
                                    transport: ScriptedTransport([TransportResponse(status: 200, headers: [:], body: Data(body.utf8))]))
        let keys = try await scripted.send(Operations.ListProjectKeys(organizationIdOrSlug: "o", projectIdOrSlug: "p"))
        #expect(keys.map(\.projectId) == [42])
        #expect(keys.map(\.name) == [""])
        try await scripted.shutdown()
    }

    @Test func everyPageIsRead() async throws {
        for index in 1...120 { _ = try await create("Key \(index)") }
        await sandbox.clearRequestLog()
        var names: [String] = []
        for try await key in client.items(Operations.ListProjectKeys(organizationIdOrSlug: "my-org", projectIdOrSlug: "web")) { names.append(key.name) }
        #expect(names == (1...120).map { "Key \($0)" })
        // 50 a page whatever `per_page` says: three pages, the third one short.
        #expect(await sandbox.requestLog().count == 3)
    }

    @Test func errorsAreTyped() async throws {
        // A missing name fails inside the server; a POST answered 500 is not sent again.
        await #expect { try await create(nil) } throws: { ($0 as? SentryError)?.kind == .server }
        // Its validation errors name the field.
        let refused = await #expect(throws: SentryError.self) { try await create("Bad", rateLimit: RateLimit(window: -1, count: 5)) }
        #expect(refused?.kind == .validation)
        #expect(refused?.fieldErrors.map(\.path) == [["rateLimit", "window"]])
        #expect(await sandbox.requestLog().filter { $0.operationID == "createProjectKey" }.count == 2)
        // A key path with an id it does not know the form of fails inside the server.
        let key = try await create("Shape")
        let undashed = key.id.replacing("-", with: "")
        await #expect { try await client.send(Operations.GetProjectKey(organizationIdOrSlug: "my-org", projectIdOrSlug: "web", keyId: undashed)) }
            throws: { ($0 as? SentryError)?.kind == .server }
    }

    @Test func aCompatibleBodyThatStillDoesNotFitNamesWhereItFailsInSentrysShape() throws {
        // `projectID` is the compatible server's name: the first attempt misses `projectId`, the
        // retry in Sentry's shape misses `dsn`, which is what the body really lacks.
        let body = Data(#"{"id": "a1", "name": "Web", "label": "Web", "public": "a1", "projectID": 2}"#.utf8)
        let error = #expect(throws: SentryError.self) {
            try SentryClient.decode(Operations.GetProjectKey.self, from: TransportResponse(status: 200, headers: [:], body: body))
        }
        #expect(error?.kind == .decoding)
        #expect(error?.jsonPath == "dsn")
    }

    @Test func anIgnoredUpdateIsSeen() async throws {
        let key = try await create("Before")
        let update = UpdateProjectKeyRequest(name: "After", isActive: false)
        let answer = try await client.send(Operations.UpdateProjectKey(organizationIdOrSlug: "my-org", projectIdOrSlug: "web", keyId: key.id, body: update))
        #expect(answer == key, "answered 200 with the key unchanged")
        #expect(update.fieldsNotApplied(in: answer) == ["name", "isActive"])
    }

    @Test func aCreateAppliedButUnreadableSaysSo() async throws {
        await sandbox.inject(.malformedBody, on: "createProjectKey")
        await #expect { try await create("Unreadable") } throws: { error in
            (error as? SentryError)?.kind == .appliedButUnreadable && "\(error)".contains("applied") && "\(error)".contains("not sent again")
        }
        let keys = try await client.send(Operations.ListProjectKeys(organizationIdOrSlug: "my-org", projectIdOrSlug: "web"))
        #expect(keys.map(\.name) == ["Unreadable"], "the server made it, once")
    }
}
