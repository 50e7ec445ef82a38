import Foundation
import SentryAPI
@testable import SentryResources
import SentrySandbox
import Testing
import TestSupport

/// Reading manifests, and running them on a stack.
@Suite struct ManifestTests {
    @Test func aManifestReadsIntoKeysWithDefaults() throws {
        let manifest = try Manifest(yaml: """
        app: shop
        organization: my-org
        keys:
          web:
            name: Web
            project: web
            rateLimit: {window: 3600, count: 1000}
          rate-limited-key:
            project: api
            organization: other-org
            isActive: false
            useCase: profiling
            browserSdkVersion: 8.x
            dynamicSdkLoaderOptions: {hasReplay: true, hasDebug: false}
            outputName: LIMITED
        """, environment: [:])
        #expect(manifest.app == "shop")
        #expect(manifest.stage == nil)
        #expect(manifest.keys.map(\.id) == ["web", "rate-limited-key"], "the file's order")
        #expect(manifest.keys[0] == Manifest.Key(id: "web", name: "Web", project: "web", organization: "my-org",
                                                 rateLimit: RateLimit(window: 3600, count: 1000)))
        #expect(manifest.keys[0].outputName == "WEB")
        let second = manifest.keys[1]
        #expect(second.organization == "other-org" && second.name == nil && !second.isActive && !second.adopt)
        #expect(second.useCase == .profiling && second.browserSdkVersion == "8.x")
        #expect(second.dynamicSdkLoaderOptions == DynamicSDKLoaderOptions(hasReplay: true, hasDebug: false))
        #expect(second.outputName == "LIMITED")
    }

    @Test func aRotationReadsFromItsPeriods() throws {
        let manifest = try Manifest(yaml: """
        app: shop
        organization: my-org
        keys:
          web: {project: web, rotation: {every: 90d, grace: 7d, retire: 30d}}
          api: {project: api, rotation: {grace: 0}}
        """, environment: [:])
        #expect(manifest.keys[0].rotation == Rotation(every: .days(90), grace: .days(7), retire: .days(30)))
        #expect(manifest.keys[1].rotation == Rotation(grace: .zero))
        #expect {
            try Manifest(yaml: "app: a\norganization: o\nkeys:\n  web: {project: web, rotation: {every: 3 months, retire: 30d}}\n", environment: [:])
        } throws: { error in
            "\(error)" == """
            manifest:4:33: `keys.web.rotation.grace` is missing: say how long the old key stays active, 0 for not at all.
            manifest:4:41: `keys.web.rotation.every` must be a period such as 90d, 12h, 30m or 0 (it is "3 months").
            """
        }
        #expect(Rotation.period("12h") == .seconds(43_200))
        #expect(Rotation.period("45s") == .seconds(45))
        #expect(Rotation.period("90") == nil)
        #expect(Rotation.period("-1d") == nil)
    }

    @Test func theOrganizationFallsBackToSentryOrg() throws {
        let yaml = "app: a\nkeys:\n  web: {project: web}\n"
        #expect(try Manifest(yaml: yaml, environment: ["SENTRY_ORG": "from-env"]).keys[0].organization == "from-env")
        #expect(throws: ManifestError.self) { try Manifest(yaml: yaml, environment: [:]) }
    }

    @Test func everyProblemIsReportedWithItsPlace() {
        let yaml = "app: shop\nkeys:\n  web:\n    project: web\n    organization: o\n    rateLimit: {window: -5, count: 1}\n  api:\n    project: api\n    organization: o\n    adopt: yes please\n"
        #expect {
            try Manifest(yaml: yaml, file: "keys.yaml", environment: [:])
        } throws: { error in
            let problems = (error as? ManifestError)?.problems ?? []
            return problems.map(\.line) == [6, 10] && problems.map(\.field) == ["keys.web.rateLimit.window", "keys.api.adopt"]
                && "\(error)" == """
                keys.yaml:6:25: `keys.web.rateLimit.window` must be at least 0 (it is -5).
                keys.yaml:10:12: `keys.api.adopt` must be true or false (it is "yes please").
                """
        }
    }

    @Test func outputNamesAreUpperSnakeCaseOfTheID() {
        #expect(Manifest.Key.outputName(forID: "rate-limited-key") == "RATE_LIMITED_KEY")
        #expect(Manifest.Key.outputName(forID: "web.prod") == "WEB_PROD")
        #expect(Manifest.Key.outputName(forID: "2fa") == "_2FA")
    }

    @Test func theSchemaDescribesExactlyTheFieldsTheReaderAccepts() throws {
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(Manifest.jsonSchema.utf8)) as? [String: Any])
        let properties = try #require(schema["properties"] as? [String: Any])
        #expect(Set(properties.keys) == Set(ManifestFields.top.map(\.name)))
        let keys = try #require(properties["keys"] as? [String: Any])
        let key = try #require(keys["additionalProperties"] as? [String: Any])
        let keyProperties = try #require(key["properties"] as? [String: Any])
        #expect(Set(keyProperties.keys) == Set(ManifestFields.key.map(\.name)))
        let name = try #require(keyProperties["name"] as? [String: Any])
        #expect(name["maxLength"] as? Int == ClientKeyRules.maximumNameLength)
        let limit = try #require((keyProperties["rateLimit"] as? [String: Any])?["properties"] as? [String: Any])
        #expect((limit["window"] as? [String: Any])?["maximum"] as? Int == 86_400)
        let loader = try #require((keyProperties["dynamicSdkLoaderOptions"] as? [String: Any])?["properties"] as? [String: Any])
        #expect(Set(loader.keys) == Set(DynamicSDKLoaderOptions.options.map(\.name)))
    }
}

/// Manifests on stacks: plan then apply under one lock, partial failures.
@Suite(.serialized) struct StackManifestTests {
    static let manifest = try! Manifest(yaml: """
    app: shop
    organization: my-org
    keys:
      web: {name: Web, project: my-project}
      api: {name: API, project: other-project}
    """, environment: [:])

    @Test func applyPlansConfirmsAndAppliesFromOneListingPerProject() async throws {
        try await World().use { world in
            let stack = try world.stack()
            let run = try await stack.apply(Self.manifest) { plan in
                #expect(plan.map(\.description) == ["create web", "create api"])
                return true
            }
            #expect(run.applied)
            #expect(run.keys.map(\.outputs.name) == ["Web", "API"])
            #expect(run.keys.allSatisfy { !$0.outputs.isPlanned })
            #expect(await world.requests() == ["listProjectKeys": 2, "createProjectKey": 2])
        }
    }

    @Test func aKeyTheStackTracksIsNotAdoptedByAnotherDeclaration() async throws {
        try await World().use { world in
            let twins = try Manifest(yaml: """
            app: shop
            organization: my-org
            keys:
              a: {name: Web, project: my-project}
              b: {name: Web, project: my-project, adopt: true}
            """, environment: [:])
            let run = try await world.stack().apply(twins) { plan in
                #expect(plan.map(\.description) == ["create a", "create b"])
                return true
            }
            #expect(run.changes.map(\.description) == ["create a", "create b"])
            #expect(Set(run.keys.map(\.outputs.id)).count == 2, "two declarations, two keys")
            #expect(try await world.serverKeys().count == 2)
        }
    }

    @Test func aPlanNotConfirmedChangesNothing() async throws {
        try await World().use { world in
            let run = try await world.stack().apply(Self.manifest) { _ in false }
            #expect(!run.applied)
            #expect(run.changes.map(\.action) == [.create, .create])
            #expect(await world.requests() == ["listProjectKeys": 2])
            #expect(try await world.store.records(app: "shop", stage: "test").isEmpty)
        }
    }

    @Test func aFailedKeyLeavesTheOthersDoneAndNothingDeleted() async throws {
        try await World().use { world in
            let stack = try world.stack()
            let old = try Manifest(yaml: "app: shop\norganization: my-org\nkeys:\n  old: {name: Old, project: my-project}\n", environment: [:])
            _ = try await stack.run(old)
            // `api` points at a project that does not exist: it fails, `web` is done, `old` stays.
            let broken = try Manifest(yaml: """
            app: shop
            organization: my-org
            keys:
              web: {name: Web, project: my-project}
              api: {name: API, project: no-such-project}
            """, environment: [:])
            await #expect {
                try await stack.run(broken)
            } throws: { error in
                guard let partial = error as? PartialRunError else { return false }
                return partial.completed.map(\.description) == ["create web"] && partial.failures.map(\.resource) == ["api"]
                    && "\(partial)".hasSuffix("Nothing was deleted; the next run finishes the job.")
            }
            #expect(try await world.serverKeys().map(\.name).sorted() == ["Old", "Web"])
            #expect(Set(try await world.store.records(app: "shop", stage: "test").map(\.id)) == ["old", "web"])
        }
    }

    @Test func destroyAsksWithTheDeletions() async throws {
        try await World().use { world in
            let stack = try world.stack()
            _ = try await stack.run(Self.manifest)
            let kept = try await stack.destroy { plan in
                #expect(plan.map(\.description) == ["delete api", "delete web"])
                return false
            }
            #expect(!kept.applied)
            #expect(try await world.serverKeys().count == 1)
            let gone = try await stack.destroy { _ in true }
            #expect(gone.applied && gone.changes.count == 2)
            #expect(try await world.serverKeys().isEmpty)
        }
    }
}

/// `ProjectKeys`: the stateless operations the command line runs on.
@Suite(.serialized) struct ProjectKeysTests {
    /// A sandbox and `ProjectKeys` on it; the client is shut down whether `body` threw or not.
    func withKeys(_ body: (World, ProjectKeys) async throws -> Void) async throws {
        try await World().use { world in
            let client = SentryClient(configuration: SentryConfiguration(authToken: Secret(World.token), baseURL: URL(string: world.server.url)!,
                                                                         retryBudget: 3, initialBackoff: .milliseconds(5)))
            do {
                try await body(world, ProjectKeys(organization: "my-org", project: "my-project", client: client))
            } catch {
                try? await client.shutdown()
                throw error
            }
            try await client.shutdown()
        }
    }

    @Test func aCreateWhoseAnswerWasLostIsFoundNotSentAgain() async throws {
        try await withKeys { world, keys in
            await world.sandbox.inject(.dropAfterApplying, on: "createProjectKey")
            let key = try await keys.create(CreateProjectKeyRequest(name: "Web"))
            #expect(key.name == "Web")
            #expect(await world.requests() == ["createProjectKey": 1, "listProjectKeys": 1])
            #expect(try await world.serverKeys().map(\.id) == [key.id])
        }
    }

    @Test func aCreateLostBeforeTheServerActedIsSentAgain() async throws {
        try await withKeys { world, keys in
            await world.sandbox.inject(.dropBeforeApplying, on: "createProjectKey")
            let key = try await keys.create(CreateProjectKeyRequest(name: "Web"))
            #expect(await world.sandbox.requestLog().compactMap(\.operationID) == ["createProjectKey", "listProjectKeys", "createProjectKey"],
                    "the lookup found nothing, so the create was sent again")
            #expect(try await world.serverKeys().map(\.id) == [key.id])
        }
    }

    @Test func aLostCreateWithoutANameIsNotGuessed() async throws {
        try await withKeys { world, keys in
            await world.sandbox.inject(.dropAfterApplying, on: "createProjectKey")
            await #expect {
                try await keys.create(CreateProjectKeyRequest())
            } throws: { error in
                (error as? SentryError)?.kind == .outcomeUnknown
            }
            #expect(await world.sandbox.requestLog().compactMap(\.operationID) == ["createProjectKey"], "neither looked up nor sent again")
        }
    }

    @Test func adoptionFindsOneKeyByNameAndRefusesSeveral() async throws {
        try await withKeys { world, keys in
            #expect(try await keys.adopt(named: "Shared") == nil)
            let first = try await keys.create(CreateProjectKeyRequest(name: "Shared"))
            let limit = UpdateProjectKeyRequest(rateLimit: .value(RateLimit(window: 60, count: 5)))
            if TestServerProfile.appliesUpdates {
                let adopted = try await keys.adopt(named: "Shared", applying: limit)
                #expect(adopted?.id == first.id && adopted?.rateLimit == RateLimit(window: 60, count: 5))
            } else {
                await #expect {
                    try await keys.adopt(named: "Shared", applying: limit)
                } throws: { error in
                    "\(error)".contains("did not apply rateLimit")
                }
            }
            let second = try await keys.create(CreateProjectKeyRequest(name: "Shared"))
            await #expect {
                try await keys.adopt(named: "Shared")
            } throws: { error in
                "\(error)".contains("2 keys in my-org/my-project have that name (") && "\(error)".contains(second.id)
            }
        }
    }
}
