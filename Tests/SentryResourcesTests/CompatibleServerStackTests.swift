import Foundation
import SentryAPI
@testable import SentryResources
import SentrySandbox
import Testing
import TestSupport

/// A stack against a Sentry-compatible server (the sandbox's `.compatibleServer` profile):
/// created once, rerun without change, an ignored update reported, destroyed; a create the
/// server made but answered unreadably is recorded, never made twice.
@Suite(.serialized) struct CompatibleServerStackTests {
    static func declare(_ names: [String: String]) -> @Sendable () async throws -> Void {
        let sorted = names.sorted { $0.key < $1.key }
        return { for (id, name) in sorted { _ = try await ClientKey(id, name: name, project: "my-project", organization: "my-org") } }
    }

    @Test func aStackLivesOnACompatibleServer() async throws {
        try await World(profile: .compatibleServer).use { world in
            let keys = ["web": "Web", "api": "API"]
            let first = try await world.stack().run(Self.declare(keys))
            #expect(first.map(\.action) == [.create, .create])
            #expect(try await world.serverKeys().map(\.name).sorted() == ["API", "Web"])

            await world.resetLog()
            let again = try await world.stack().run(Self.declare(keys))
            #expect(again.allSatisfy { $0.action == .noChange })
            #expect(await world.requests() == ["listProjectKeys": 1])

            // The server ignores updates: the run says which field it did not apply.
            await #expect { try await world.stack().run(Self.declare(["web": "Web 2", "api": "API"])) } throws: { error in
                "\(error)".contains("did not apply name")
            }
            #expect(try await world.serverKeys().map(\.name).sorted() == ["API", "Web"])

            let destroyed = try await world.stack().destroy()
            #expect(destroyed.count == 2)
            #expect(try await world.serverKeys().isEmpty)
        }
    }

    @Test func aCreateAppliedButUnreadableIsRecordedOnce() async throws {
        try await World(profile: .compatibleServer).use { world in
            await world.sandbox.inject(.malformedBody, on: "createProjectKey")
            let first = try await world.stack().run(Self.declare(["web": "Web"]))
            #expect(first.map(\.action) == [.create])
            #expect(await world.requests()["createProjectKey"] == 1, "made once, found by the lookup")
            await world.resetLog()
            let again = try await world.stack().run(Self.declare(["web": "Web"]))
            #expect(again.map(\.action) == [.noChange])
            #expect(await world.requests()["createProjectKey"] == nil)
            #expect(try await world.serverKeys().map(\.name) == ["Web"])
        }
    }
}
