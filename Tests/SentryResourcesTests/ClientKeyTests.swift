import Foundation
import SentryAPI
@testable import SentryResources
import SentrySandbox
import SentrySandboxServer
import Testing
import TestSupport

/// A sandbox on loopback, and stacks whose state lives in a temporary directory.
struct World: AsyncClosable {
    static let token = "resources-token-5d1e"
    let server: SandboxServer
    let state: StateUnderTest
    let store: any StateStore
    var sandbox: Sandbox { server.sandbox }

    init(rateLimit: SandboxRateLimit? = nil, profile: SandboxProfile = SandboxProfile(rawValue: TestServerProfile.rawValue)!) async throws {
        let sandbox = try Sandbox(configuration: SandboxConfiguration(
            seed: [("my-org", ["my-project", "other-project"])],
            tokens: [SandboxToken(World.token), SandboxToken("root-token", isSuperuser: true)],
            ingestURL: TestServerProfile.ingestURL, defaultKeys: false, rateLimit: rateLimit, profile: profile))
        server = try await SandboxServer.start(sandbox)
        state = try StateUnderTest.fresh()
        store = try state.store()
    }

    func stack(_ app: String = "shop", stage: String = "test", mode: Stack.Mode = .apply, password: Secret? = nil) throws -> Stack {
        let url = URL(string: server.url)!
        return try Stack(app: app, stage: stage, mode: mode, store: store, password: password) { token in
            SentryConfiguration(authToken: token ?? Secret(World.token), baseURL: url, retryBudget: 3,
                                initialBackoff: .milliseconds(5), maximumBackoff: .milliseconds(50))
        }
    }

    /// Requests the sandbox answered since the last `resetLog`, by operation.
    func requests() async -> [String: Int] {
        var counts: [String: Int] = [:]
        for entry in await sandbox.requestLog() { counts[entry.operationID ?? "?", default: 0] += 1 }
        return counts
    }

    func resetLog() async { await sandbox.clearRequestLog() }

    /// A run that updates a key: its changes where the server applies updates; where it ignores
    /// them (the compatible server), nil, after checking that the run failed naming `field`.
    func updating(_ field: String, sourceLocation: SourceLocation = #_sourceLocation,
                  _ run: () async throws -> [Stack.Change]) async throws -> [Stack.Change]? {
        guard TestServerProfile.appliesUpdates else {
            await #expect(sourceLocation: sourceLocation) { try await run() } throws: { "\($0)".contains("did not apply \(field)") }
            return nil
        }
        return try await run()
    }

    func serverKeys(_ project: String = "my-project") async throws -> [ProjectKey] {
        let client = SentryClient(configuration: SentryConfiguration(authToken: Secret(World.token), baseURL: URL(string: server.url)!))
        var keys: [ProjectKey] = []
        do {
            for try await key in client.items(Operations.ListProjectKeys(organizationIdOrSlug: "my-org", projectIdOrSlug: project)) { keys.append(key) }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try? await client.shutdown()
        return keys
    }

    func close() async {
        TestArtifacts.secrets(await sandbox.issuedSecrets + [World.token])
        state.keep(as: "stack-state")
        state.remove()
        await server.stop()
    }
}

@Suite(.serialized) struct ClientKeyTests {
    @Test func theSeedsFourExamples() async throws {
        try await World().use { world in
            let keys = try await world.stack().run {
                let basic = try await ClientKey("my-key", name: "My Key", project: "my-project", organization: "my-org")
                #expect(basic.name == "My Key")
                #expect(basic.dsn.public.hasPrefix(TestServerProfile.dsnPrefix(publicKey: basic.public)))
                if TestServerProfile.keysHaveSecrets {
                    let secret = try #require(basic.secret?.revealed)
                    #expect(basic.dsn.secret?.revealed.contains(secret) == true)
                    #expect(!"\(basic)".contains(secret), "printing a key never shows its secret")
                    #expect(!String(reflecting: basic).contains(secret))
                } else {
                    #expect(basic.secret == nil, "a server that sends no secret gives none")
                }
                let limited = try await ClientKey("rate-limited-key", name: "Rate Limited Key", project: "my-project", organization: "my-org",
                                                  rateLimit: .init(window: 3600, count: 1000))
                #expect(limited.rateLimit == RateLimit(window: 3600, count: 1000))
                let profiling = try await ClientKey("profiling-key", name: "Profiling Key", project: "my-project", organization: "my-org",
                                                    useCase: "profiling", authToken: "root-token")
                #expect(profiling.name == "Profiling Key")
                let adopted = try await ClientKey("existing-key", name: "Existing Key", project: "my-project", organization: "my-org", adopt: true)
                #expect(adopted.name == "Existing Key")
            }
            #expect(keys.map(\.action) == [.create, .create, .create, .create])
            // Sentry keeps the profiling key internal; the compatible server has no use cases.
            let listed = ["Existing Key", "My Key", "Rate Limited Key"] + (TestServerProfile.isCompatibleServer ? ["Profiling Key"] : [])
            #expect(try await world.serverKeys().map(\.name).sorted() == listed.sorted())
        }
    }

    /// The issue's snippet, as written: no stack in sight, credentials from the environment.
    @Test func aKeyDeclaredOutsideAnyStackUsesTheDefaultStack() async throws {
        try await World().use { world in
            setenv("SENTRY_AUTH_TOKEN", World.token, 1)
            setenv("SENTRY_URL", world.server.url, 1)
            switch world.state {
            case .files(let root): setenv("SENTRY_SDK_STATE_DIR", root.path, 1)
            case .postgres(let url, _): setenv(StateStores.urlVariable, url, 1)
            }
            defer {
                unsetenv("SENTRY_AUTH_TOKEN")
                unsetenv("SENTRY_URL")
                unsetenv("SENTRY_SDK_STATE_DIR")
                unsetenv(StateStores.urlVariable)
            }

            let key = try await ClientKey("rate-limited-key",
                name: "Rate Limited Key", project: "my-project", organization: "my-org",
                rateLimit: .init(window: 3600, count: 1000))
            #expect(key.dsn.public.hasPrefix(TestServerProfile.dsnPrefix(publicKey: key.public)))
            #expect(try await world.serverKeys().map(\.name) == ["Rate Limited Key"])
            let records = try await world.store.records(app: "default", stage: "default")
            #expect(records.map(\.id) == ["rate-limited-key"])
        }
    }

    @Test func aNoOpRerunOf120KeysMakesOneListingPerPage() async throws {
        try await World().use { world in
            let declare: @Sendable () async throws -> Void = {
                for index in 0..<120 {
                    _ = try await ClientKey("key-\(index)", project: "my-project", organization: "my-org")
                }
            }
            let first = try await world.stack().run(declare)
            #expect(first.filter { $0.action == .create }.count == 120)
            await world.resetLog()
            let second = try await world.stack().run(declare)
            #expect(second.allSatisfy { $0.action == .noChange })
            #expect(await world.requests() == ["listProjectKeys": TestServerProfile.pages(120)], "two pages of Sentry's 100, three of 50")
        }
    }

    @Test func oneStackRunsAgainAndAgain() async throws {
        try await World().use { world in
            let stack = try world.stack()
            let first = try await stack.run { _ = try await ClientKey("web", name: "Web", project: "my-project", organization: "my-org") }
            let second = try await stack.run { _ = try await ClientKey("web", name: "Web", project: "my-project", organization: "my-org") }
            #expect(first.map(\.action) == [.create])
            #expect(second.map(\.action) == [.noChange], "each run reports its own changes, not the ones before")
            guard let third = try await world.updating("name", {
                try await stack.run { _ = try await ClientKey("web", name: "Web v2", project: "my-project", organization: "my-org") }
            }) else { return }
            #expect(third.map(\.action) == [.update])
            #expect(try await world.serverKeys().map(\.name) == ["Web v2"])
        }
    }

    @Test func changesAreUpdatesInPlaceWithOnlyTheChangedFields() async throws {
        try await World().use { world in
            let created = try await world.stack().run {
                _ = try await ClientKey("web", name: "Web", project: "my-project", organization: "my-org", rateLimit: .init(window: 60, count: 5))
            }
            #expect(created.map(\.action) == [.create])
            let id = try await world.serverKeys()[0].id
            await world.resetLog()
            guard let renamed = try await world.updating("name", {
                try await world.stack().run {
                    let key = try await ClientKey("web", name: "Web Renamed", project: "my-project", organization: "my-org", rateLimit: .init(window: 60, count: 5))
                    #expect(key.id == id, "a rename keeps the key")
                }
            }) else { return }
            #expect(renamed.map(\.description) == [#"update web (name: "Web" -> "Web Renamed")"#])
            #expect(await world.requests() == ["listProjectKeys": 1, "updateProjectKey": 1])
            let cleared = try await world.stack().run {
                _ = try await ClientKey("web", name: "Web Renamed", project: "my-project", organization: "my-org", isActive: false)
            }
            #expect(cleared.map(\.description) == ["update web (isActive: true -> false, rateLimit: 5/60s -> none)"])
            let key = try await world.serverKeys()[0]
            #expect(key.id == id && key.isActive == false && key.rateLimit == nil)
        }
    }

    @Test func driftIsRepairedAndSaidSo() async throws {
        try await World().use { world in
            let declare: @Sendable () async throws -> Void = {
                _ = try await ClientKey("web", name: "Web", project: "my-project", organization: "my-org")
            }
            try await world.stack().run(declare)
            let key = try await world.serverKeys()[0]
            await world.sandbox.request("PUT", "/api/0/projects/my-org/my-project/keys/\(key.id)/", body: #"{"name": "Hand Edited", "isActive": false}"#, token: World.token)
            let repaired = try await world.stack().run(declare)
            if TestServerProfile.appliesUpdates {
                #expect(repaired.first?.reason == "changed outside the SDK; brought back to its props")
            } else {
                #expect(repaired.map(\.action) == [.noChange], "the server ignored the hand edit too: nothing drifted")
            }
            #expect(try await world.serverKeys().map(\.name) == ["Web"])
            #expect(try await world.serverKeys()[0].isActive != false)

            await world.sandbox.request("DELETE", "/api/0/projects/my-org/my-project/keys/\(key.id)/", token: World.token)
            let recreated = try await world.stack().run(declare)
            #expect(recreated.first?.action == .create)
            #expect(recreated.first?.reason == "the key was deleted outside the SDK; created again")
            #expect(try await world.serverKeys().map(\.name) == ["Web"])
        }
    }

    @Test func undeclaredKeysAreDeletedAtFinishAndDestroyDeletesAll() async throws {
        try await World().use { world in
            try await world.stack().run {
                _ = try await ClientKey("a", project: "my-project", organization: "my-org")
                _ = try await ClientKey("b", project: "my-project", organization: "my-org")
                _ = try await ClientKey("c", project: "my-project", organization: "my-org")
            }
            let second = try await world.stack().run {
                _ = try await ClientKey("a", project: "my-project", organization: "my-org")
            }
            #expect(second.map(\.description) == ["no change a", "delete c", "delete b"], "deleted in reverse order of creation")
            #expect(try await world.serverKeys().map(\.name) == ["shop-test-a"])
            let destroyed = try await world.stack().destroy()
            #expect(destroyed.map(\.description) == ["delete a"])
            #expect(try await world.serverKeys().isEmpty)
            #expect(try await world.store.records(app: "shop", stage: "test").isEmpty)
        }
    }

    @Test func movingToAnotherProjectCreatesANewKeyAndDeletesTheOld() async throws {
        try await World().use { world in
            try await world.stack().run { _ = try await ClientKey("web", name: "Web", project: "my-project", organization: "my-org") }
            let moved = try await world.stack().run { _ = try await ClientKey("web", name: "Web", project: "other-project", organization: "my-org") }
            #expect(moved.map(\.action) == [.replace, .delete])
            #expect(try await world.serverKeys("my-project").isEmpty)
            #expect(try await world.serverKeys("other-project").map(\.name) == ["Web"])
        }
    }

    @Test func adoptFindsAKeyOnTheThirdPage() async throws {
        try await World().use { world in
            await world.sandbox.request("POST", "/api/0/projects/my-org/my-project/keys/", body: #"{"name": "Legacy"}"#, token: World.token)
            for index in 0..<224 {
                await world.sandbox.request("POST", "/api/0/projects/my-org/my-project/keys/", body: #"{"name": "Filler \#(index)"}"#, token: World.token)
            }
            let legacyID = try await world.serverKeys().first { $0.name == "Legacy" }!.id
            await world.resetLog()
            let changes = try await world.updating("rateLimit") {
                try await world.stack().run {
                    let key = try await ClientKey("legacy", name: "Legacy", project: "my-project", organization: "my-org",
                                                  rateLimit: .init(window: 60, count: 10), adopt: true)
                    #expect(key.id == legacyID)
                }
            }
            if let changes { #expect(changes.map(\.description) == ["adopt legacy (rateLimit: none -> 10/60s)"]) }
            #expect(await world.requests() == ["listProjectKeys": TestServerProfile.pages(225), "updateProjectKey": 1])
        }
    }

    @Test func adoptingAnAmbiguousNameIsAnErrorListingTheIds() async throws {
        try await World().use { world in
            for _ in 0..<2 { await world.sandbox.request("POST", "/api/0/projects/my-org/my-project/keys/", body: #"{"name": "Twin"}"#, token: World.token) }
            let ids = try await world.serverKeys().map(\.id)
            do {
                try await world.stack().run { _ = try await ClientKey("twin", name: "Twin", project: "my-project", organization: "my-org", adopt: true) }
                Issue.record("expected an error")
            } catch {
                #expect("\(error)".contains("2 keys in my-org/my-project have that name"))
                for id in ids { #expect("\(error)".contains(id)) }
            }
        }
    }

    @Test func aCreateWhoseAnswerWasLostLeavesExactlyOneKey() async throws {
        try await World().use { world in
            await world.sandbox.inject(.dropAfterApplying, on: "createProjectKey")
            try await world.stack().run { _ = try await ClientKey("web", name: "Web", project: "my-project", organization: "my-org") }
            let keys = try await world.serverKeys()
            #expect(keys.map(\.name) == ["Web"])
            let record = try await world.store.records(app: "shop", stage: "test").first
            #expect(record?.string("keyId") == keys[0].id)
        }
    }

    @Test func aCreateTheServerRefusesLeavesTheStateAsItWas() async throws {
        try await World().use { world in
            let declare: @Sendable () async throws -> Void = {
                _ = try await ClientKey("web", name: "Web", project: "my-project", organization: "my-org")
            }
            await world.sandbox.inject(.status(403), on: "createProjectKey")
            await #expect(throws: (any Error).self) { try await world.stack().run(declare) }
            #expect(try await world.store.records(app: "shop", stage: "test").isEmpty, "no intent is left for a key never made")

            try await world.stack().run(declare)
            let key = try await world.serverKeys()[0]
            await world.sandbox.request("DELETE", "/api/0/projects/my-org/my-project/keys/\(key.id)/", token: World.token)
            await world.sandbox.inject(.status(403), on: "createProjectKey")
            await #expect(throws: (any Error).self) { try await world.stack().run(declare) }
            let record = try #require(try await world.store.records(app: "shop", stage: "test").first)
            #expect(record.string("keyId") == key.id && record.bool("pending") == nil, "the record from before the refused create")
        }
    }

    @Test func aRunKilledBetweenCreateAndStateWriteIsRepaired() async throws {
        try await World().use { world in
            // What a killed run leaves: the pending record, and the key it created.
            try await world.store.write(ResourceRecord(id: "web", type: "ClientKey", order: 0, attributes: [
                "organization": .string("my-org"), "project": .string("my-project"), "name": .string("Web"), "pending": .bool(true),
            ]), app: "shop", stage: "test")
            await world.sandbox.request("POST", "/api/0/projects/my-org/my-project/keys/", body: #"{"name": "Web"}"#, token: World.token)
            try await world.stack().run { _ = try await ClientKey("web", name: "Web", project: "my-project", organization: "my-org") }
            #expect(try await world.serverKeys().map(\.name) == ["Web"], "no duplicate")
        }
    }

    @Test func deleteTreats404AsDoneAndKeepsStateOnOtherFailures() async throws {
        try await World().use { world in
            try await world.stack().run {
                _ = try await ClientKey("a", project: "my-project", organization: "my-org")
                _ = try await ClientKey("b", project: "my-project", organization: "my-org")
            }
            let a = try await world.serverKeys().first { $0.name == "shop-test-a" }!
            await world.sandbox.request("DELETE", "/api/0/projects/my-org/my-project/keys/\(a.id)/", token: World.token)
            // b goes first (reverse order of creation): its first try and three retries fail.
            await world.sandbox.inject(.status(500), on: "deleteProjectKey", times: 4)
            await #expect(throws: StateError.self) { try await world.stack().destroy() }
            let left = try await world.store.records(app: "shop", stage: "test").map(\.id)
            #expect(left == ["b"], "b's failure kept its state; a's 404 counted as done")
            await world.sandbox.clearFaults()
            try await world.stack().destroy()
            #expect(try await world.store.records(app: "shop", stage: "test").isEmpty)
        }
    }

    @Test func anUpdateTheServerIgnoredIsAnErrorNamingTheField() async throws {
        try await World().use { world in
            try await world.stack().run { _ = try await ClientKey("web", name: "Web", project: "my-project", organization: "my-org") }
            await world.sandbox.inject(.ignoreUpdate, on: "updateProjectKey")
            do {
                try await world.stack().run { _ = try await ClientKey("web", name: "Renamed", project: "my-project", organization: "my-org") }
                Issue.record("expected an error")
            } catch {
                #expect("\(error)" == "The server accepted the update of web but did not apply name; it may not support changing it.")
            }
            #expect(try await world.serverKeys().map(\.name) == ["Web"])
        }
    }

    @Test func aPlanWritesNothing() async throws {
        try await World().use { world in
            try await world.stack().run { _ = try await ClientKey("old", project: "my-project", organization: "my-org") }
            await world.resetLog()
            let plan = try await world.stack(mode: .plan).run {
                let planned = try await ClientKey("new", project: "my-project", organization: "my-org")
                #expect(planned.isPlanned)
            }
            #expect(plan.map(\.description) == ["create new", "delete old"])
            #expect(await world.requests() == ["listProjectKeys": 1])
            #expect(try await world.store.records(app: "shop", stage: "test").map(\.id) == ["old"])
        }
    }

    @Test func badInputIsRefusedBeforeAnyRequest() async throws {
        try await World().use { world in
            await world.resetLog()
            let cases: [(String, @Sendable () async throws -> Void)] = [
                ("`organization` must not be empty.", { _ = try await ClientKey("k", project: "p", organization: "") }),
                ("`name` must be at most 64 characters (it has 65).", { _ = try await ClientKey("k", name: String(repeating: "n", count: 65), project: "p", organization: "o") }),
                ("`rateLimit.window` must be at most 86400 (it is 90000).", { _ = try await ClientKey("k", project: "p", organization: "o", rateLimit: .init(window: 90_000, count: 1)) }),
                ("`useCase` must be one of user, profiling, escalating_issues, tempest, demo (it is \"x\").", { _ = try await ClientKey("k", project: "p", organization: "o", useCase: "x") }),
            ]
            for (message, body) in cases {
                do {
                    try await world.stack().run(body)
                    Issue.record("expected: \(message)")
                } catch {
                    #expect("\(error)" == message)
                }
            }
            do {
                try await world.stack().run {
                    _ = try await ClientKey("same", project: "my-project", organization: "my-org")
                    _ = try await ClientKey("same", project: "my-project", organization: "my-org")
                }
            } catch {
                #expect("\(error)".contains("declared twice"))
            }
            #expect(await world.requests().keys.allSatisfy { $0 == "listProjectKeys" || $0 == "createProjectKey" }, "only the valid first declaration reached the server")
        }
    }

    @Test func secretsAreSealedWithAPasswordAndAbsentWithout() async throws {
        try await World().use { world in
            try await world.stack("plain").run { _ = try await ClientKey("k", project: "my-project", organization: "my-org") }
            try await world.stack("sealed", password: "pw").run { _ = try await ClientKey("k", project: "my-project", organization: "my-org") }
            let keys = try await world.serverKeys()
            let stored = try world.state.storedTexts()
            #expect(stored.count == 2)
            for text in stored {
                for secret in keys.compactMap(\.secret) { #expect(!text.contains(secret), "no secret in clear text in what is stored") }
            }
            if case .files(let root) = world.state {
                for file in FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!.compactMap({ $0 as? URL }) where file.pathExtension == "json" {
                    #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int == 0o600)
                }
            }
            let sealed = try await world.store.records(app: "sealed", stage: "test")[0]
            let plain = try await world.store.records(app: "plain", stage: "test")[0]
            #expect(plain.secrets.isEmpty)
            guard TestServerProfile.keysHaveSecrets else {
                // The compatible server sends no secret, only a secret DSN (equal to the public one).
                #expect(keys.allSatisfy { $0.secret == nil } && Set(sealed.secrets.keys) == ["dsn.secret"])
                let dsn = try SecretSealer(password: "pw").open(try #require(sealed.secrets["dsn.secret"]))
                #expect(keys.contains { $0.dsn.secret == dsn.revealed })
                return
            }
            let opened = try SecretSealer(password: "pw").open(try #require(sealed.secrets["secret"]))
            #expect(keys.contains { $0.secret == opened.revealed })
            #expect(throws: SecretSealerError.wrongPassword) { try SecretSealer(password: "nope").open(sealed.secrets["secret"]!) }
        }
    }

    @Test func twoRunsOfOneStackDoNotInterleave() async throws {
        try await World().use { world in
            let first = Task {
                try await world.stack().run {
                    _ = try await ClientKey("k", project: "my-project", organization: "my-org")
                    try await Task.sleep(for: .milliseconds(600))
                }
            }
            try await Task.sleep(for: .milliseconds(150))
            do {
                try await world.stack().run(lockTimeout: .milliseconds(200)) { _ = try await ClientKey("k", project: "my-project", organization: "my-org") }
                Issue.record("the second run should wait, then fail")
            } catch {
                #expect((error as? StateError)?.kind == .locked)
                #expect("\(error)".hasPrefix("The stack shop/test is locked by another run (process \(getpid()) on "))
            }
            _ = try await first.value
            #expect(try await world.serverKeys().count == 1)
            let third = try await world.stack().run { _ = try await ClientKey("k", project: "my-project", organization: "my-org") }
            #expect(third.map(\.action) == [.noChange], "the lock was released")
        }
    }

    @Test func aWrongPasswordStopsTheRunBeforeAnyChange() async throws {
        try await World().use { world in
            try await world.stack(password: "right").run { _ = try await ClientKey("k", project: "my-project", organization: "my-org") }
            await world.resetLog()
            do {
                try await world.stack(password: "wrong").run { _ = try await ClientKey("k", name: "Renamed", project: "my-project", organization: "my-org") }
                Issue.record("expected the wrong password to be refused")
            } catch {
                #expect(error as? SecretSealerError == .wrongPassword)
            }
            #expect(await world.requests().isEmpty, "nothing was sent")
        }
    }

    @Test func aLostPasswordIsRecoveredByForgettingTheStoredSecrets() async throws {
        try await World().use { world in
            try await world.stack(password: "lost").run { _ = try await ClientKey("k", project: "my-project", organization: "my-org") }
            // The compatible server sends no secret, only a secret DSN.
            let key = try #require(try await world.serverKeys().first)
            let (sealedName, secret) = TestServerProfile.keysHaveSecrets ? ("secret", try #require(key.secret)) : ("dsn.secret", try #require(key.dsn.secret))
            await world.resetLog()
            #expect(try await world.stack(password: "new").forgetStoredSecrets() == (TestServerProfile.keysHaveSecrets ? 2 : 1), "the secret and the secret DSN")
            #expect(await world.requests().isEmpty, "forgetting sends nothing")
            let record = try #require(try await world.store.records(app: "shop", stage: "test").first)
            #expect(record.secrets.isEmpty && record.attributes["keyId"] != nil, "only the secrets are gone")
            let changes = try await world.stack(password: "new").run { _ = try await ClientKey("k", project: "my-project", organization: "my-org") }
            #expect(changes.map(\.action) == [.noChange])
            let resealed = try #require(try await world.store.records(app: "shop", stage: "test").first?.secrets[sealedName])
            #expect(try SecretSealer(password: "new").open(resealed).revealed == secret, "the secret is read from the server again and sealed anew")
        }
    }
}
