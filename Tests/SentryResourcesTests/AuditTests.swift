import Foundation
import SentryAPI
@testable import SentryResources
import SentrySandbox
import Synchronization
import Testing
import TestSupport

extension World {
    /// A client of the sandbox, shut down after `body`.
    func withClient<T>(_ body: (SentryClient) async throws -> T) async throws -> T {
        let client = SentryClient(configuration: SentryConfiguration(
            authToken: Secret(World.token), baseURL: URL(string: server.url)!, retryBudget: 4,
            initialBackoff: .milliseconds(5), maximumBackoff: .milliseconds(50)))
        do {
            let result = try await body(client)
            try? await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Every request since the last `resetLog` was a read.
    func onlyReads() async -> Bool {
        await sandbox.requestLog().allSatisfy { $0.method == "GET" }
    }
}

/// `OrganizationAudit`: each finding, every page of projects and keys read with the fewest
/// requests, the stacks' keys told apart, and nothing but reads.
@Suite(.serialized) struct AuditTests {
    static let day: TimeInterval = 86_400

    /// The codes found for each key name (and `-` for the project's own findings).
    static func codes(_ report: AuditReport, in project: String) -> [String: Set<String>] {
        report.findings.filter { $0.project == project }.reduce(into: [:]) { codes, finding in
            codes[finding.keyName ?? "-", default: []].insert(finding.code.rawValue)
        }
    }

    @Test func periodsAreNamedByTheirLargestWholeUnit() {
        #expect(OrganizationAudit.describe(.seconds(86_400)) == "1 day")
        #expect(OrganizationAudit.describe(.seconds(365 * 86_400)) == "365 days")
        #expect(OrganizationAudit.describe(.seconds(3 * 3_600)) == "3 hours")
        #expect(OrganizationAudit.describe(.seconds(60)) == "1 minute")
        #expect(OrganizationAudit.describe(.seconds(61)) == "61 seconds")
        #expect(OrganizationAudit.describe(.seconds(1)) == "1 second")
    }

    @Test func eachFindingOnAKeyOrItsProject() async throws {
        try await World().use { world in
            // my-project: a clean key, two keys sharing a name, an inactive key, an old loader.
            let (stale, gone) = try await world.withClient { client in
                let keys = ProjectKeys(organization: "my-org", project: "my-project", client: client)
                _ = try await keys.create(CreateProjectKeyRequest(name: "Limited", rateLimit: RateLimit(window: 60, count: 100)))
                _ = try await keys.create(CreateProjectKeyRequest(name: "Web"))
                _ = try await keys.create(CreateProjectKeyRequest(name: "Web", rateLimit: RateLimit(window: 60, count: 10)))
                let stale = try await keys.create(CreateProjectKeyRequest(name: "Stale", rateLimit: RateLimit(window: 60, count: 10)))
                let loader = try await keys.create(CreateProjectKeyRequest(name: "Loader", rateLimit: RateLimit(window: 60, count: 10)))
                if TestServerProfile.appliesUpdates {
                    _ = try await keys.update(stale.id, UpdateProjectKeyRequest(isActive: false))
                    _ = try await keys.update(loader.id, UpdateProjectKeyRequest(browserSdkVersion: "7.x"))
                }
                // other-project: one key a stack tracks, and one it tracked that was deleted by hand.
                _ = try await world.stack().run {
                    _ = try await ClientKey("web", name: "Tracked", project: "other-project", organization: "my-org", rateLimit: .init(window: 60, count: 1))
                    _ = try await ClientKey("gone", name: "Gone", project: "other-project", organization: "my-org", rateLimit: .init(window: 60, count: 1))
                }
                let other = ProjectKeys(organization: "my-org", project: "other-project", client: client)
                let gone = try #require(try await other.list().first { $0.name == "Gone" })
                try await other.delete(gone.id)
                return (stale, gone)
            }
            let managed = try await ManagedKey.all(in: world.store)
            #expect(Set(managed.map(\.resource)) == ["web", "gone"])
            #expect(managed.allSatisfy { $0.stack == StackName(app: "shop", stage: "test") && $0.project == "other-project" })

            await world.resetLog()
            let report = try await world.withClient { client in
                try await OrganizationAudit(organization: "my-org", client: client, managedKeys: managed).run()
            }
            #expect(await world.onlyReads())
            #expect(report.projects.map(\.slug) == ["my-project", "other-project"])
            #expect(report.projects.map(\.keys) == [5, 1])

            let mine = Self.codes(report, in: "my-project")
            #expect(mine["Limited"] == ["unmanaged"])
            #expect(mine["Web"] == ["no-rate-limit", "duplicate-name", "unmanaged"])
            let webs = Dictionary(grouping: report.findings.filter { $0.keyName == "Web" }, by: \.keyId!).values.map { Set($0.map(\.code)) }
            #expect(Set(webs) == [[.noRateLimit, .duplicateName, .unmanaged], [.duplicateName, .unmanaged]], "each Web key's own findings")
            #expect(mine["-"] == ["several-active-keys"])
            if TestServerProfile.appliesUpdates {
                #expect(mine["Stale"] == ["inactive", "unmanaged"])
                #expect(mine["Loader"] == ["old-loader-sdk", "unmanaged"])
                let loader = try #require(report.findings.first { $0.code == .oldLoaderSDK })
                #expect(loader.reason == "its loader serves the JavaScript SDK 7.x; the project offers 10.x")
            }
            #expect(report.findings.filter { $0.code == .duplicateName }.count == 2, "each key of the name")
            let several = try #require(report.findings.first { $0.code == .severalActiveKeys })
            #expect(several.keyId == nil)
            #expect(several.reason.hasPrefix("\(TestServerProfile.appliesUpdates ? 4 : 5) active keys: "))

            let other = Self.codes(report, in: "other-project")
            #expect(other["Tracked"] == nil, "a tracked key with a rate limit is fine")
            let missing = try #require(report.findings.first { $0.code == .managedKeyMissing })
            #expect(missing.keyId == gone.id && missing.project == "other-project" && missing.severity == .error)
            #expect(missing.reason.hasPrefix("stack shop/test tracks it as gone, but the project has no such key"))
            #expect(report.findings(atLeast: .error) == [missing])
            #expect(report.findings.first { $0.keyId == stale.id && $0.code == .unmanaged }?.severity == .note)

            // Without a state, the stacks' findings are not checked; a year on, every key is old.
            let later = try await world.withClient { client in
                try await OrganizationAudit(organization: "my-org", client: client, projects: ["other-project"],
                                            maxAge: .seconds(365 * 86_400), now: Date().addingTimeInterval(400 * Self.day)).run()
            }
            #expect(later.projects.map(\.slug) == ["other-project"])
            #expect(later.findings.map(\.code) == [.olderThanMaxAge])
            #expect(later.findings[0].reason.contains("days ago (max age 365 days); rotate it"))
            #expect(await world.onlyReads())
        }
    }

    @Test func recordsNamingTheProjectByIdAndRotatedOutKeys() async throws {
        try await World().use { world in
            let projectId = try await world.withClient { client in
                try await ProjectKeys(organization: "my-org", project: "my-project", client: client)
                    .create(CreateProjectKeyRequest(name: "Web", rateLimit: RateLimit(window: 60, count: 1))).projectId
            }
            let stack = StackName(app: "shop", stage: "prod")
            let managed = [
                // Another spelling of the organization, and the project by its id: still this audit's.
                ManagedKey(stack: stack, resource: "gone", organization: "another-spelling", project: String(projectId), keyId: "0000gone"),
                // A predecessor already deleted: the stack forgets it; not drift.
                ManagedKey(stack: stack, resource: "web~rotated~0000old", organization: "my-org", project: "my-project", keyId: "0000old", isRotatedOut: true),
                // Another organization's project by slug: not this audit's.
                ManagedKey(stack: stack, resource: "elsewhere", organization: "other-org", project: "my-project", keyId: "0000else"),
            ]
            let report = try await world.withClient { client in
                try await OrganizationAudit(organization: "my-org", client: client, projects: ["my-project"], managedKeys: managed).run()
            }
            let missing = report.findings.filter { $0.code == .managedKeyMissing }
            #expect(missing.map(\.keyId) == ["0000gone"])
            #expect(missing.first?.project == "my-project")
            #expect(report.projects == [AuditReport.Project(id: String(projectId), slug: "my-project", keys: 1)])
        }
    }

    @Test func aProjectThatFailsEndsTheAuditWithItsError() async throws {
        try await World().use { world in
            try await world.sandbox.seed(organization: "my-org", projects: 20, keysPerProject: 1)
            await world.resetLog()
            let audit = { try await world.withClient { client in
                try await OrganizationAudit(organization: "my-org", client: client, projects: ["no-such-project"] + (1...20).map { "project-\($0)" }).run()
            } }
            guard !TestServerProfile.isCompatibleServer else {
                // That server lists no keys for a project it does not have.
                #expect(try await audit().projects.first { $0.slug == "no-such-project" }?.keys == 0)
                return
            }
            let error = await #expect(throws: SentryError.self) { try await audit() }
            #expect(error?.kind == .notFound)
            #expect(await world.sandbox.requestLog().count <= 21, "the other projects' listings stop")
            #expect(await world.onlyReads())
        }
    }

    @Test func everyPageOfProjectsAndKeysWithTheFewestRequests() async throws {
        try await World().use { world in
            try await world.sandbox.seed(organization: "big-org", projects: 120, keysPerProject: 3)
            try await world.sandbox.seed(organization: "big-org", projects: 1, keysPerProject: 250, prefix: "huge-")
            await world.resetLog()
            let seen = Mutex<[OrganizationAudit.Progress]>([])
            let report = try await world.withClient { client in
                try await OrganizationAudit(organization: "big-org", client: client).run { progress in seen.withLock { $0.append(progress) } }
            }
            #expect(report.projects.count == 121)
            #expect(report.projects.reduce(0) { $0 + $1.keys } == 120 * 3 + 250)
            #expect(report.findings.filter { $0.code == .noRateLimit }.count == 610)
            #expect(report.findings.filter { $0.code == .severalActiveKeys }.count == 121)
            #expect(await world.requests() == [
                "listOrganizationProjects": 2,
                "listProjectKeys": 120 * TestServerProfile.pages(3) + TestServerProfile.pages(250),
            ])
            #expect(await world.onlyReads())
            let last = try #require(seen.withLock { $0.last })
            #expect(last == OrganizationAudit.Progress(done: 121, total: 121, totalIsFinal: true))
            #expect(seen.withLock { $0.allSatisfy { $0.done <= $0.total } })
        }
    }

    @Test func eachProjectCountsAsDoneWhenItsKeysAreRead() async throws {
        try await World().use { world in
            try await world.sandbox.seed(organization: "big-org", projects: 120, keysPerProject: 1)
            // The second page of projects comes 5 s late: the first page's 100 projects end
            // meanwhile (about a second under a whole test run's load).
            await world.sandbox.inject(.delay(.zero), on: "listOrganizationProjects")
            await world.sandbox.inject(.delay(.seconds(5)), on: "listOrganizationProjects")
            let seen = Mutex<[OrganizationAudit.Progress]>([])
            _ = try await world.withClient { client in
                try await OrganizationAudit(organization: "big-org", client: client).run { progress in seen.withLock { $0.append(progress) } }
            }
            let page = 100 // projects a page, on both servers
            let firstOfSecondPage = try #require(seen.withLock { $0.first { $0.total == page + 1 } })
            #expect(firstOfSecondPage.done == page, "every project of the first page counted before the second page came")
            let done = seen.withLock { $0.map(\.done) }
            #expect(done == done.sorted())
            #expect(seen.withLock { $0.last } == OrganizationAudit.Progress(done: 120, total: 120, totalIsFinal: true))
        }
    }

    @Test func aRateLimitBurstMidAuditIsWaitedOut() async throws {
        try await World().use { world in
            try await world.sandbox.seed(organization: "my-org", projects: 30, keysPerProject: 2)
            await world.sandbox.inject(.rateLimited(resetAfter: 1), on: "listProjectKeys", times: 5)
            await world.resetLog()
            let report = try await world.withClient { client in
                try await OrganizationAudit(organization: "my-org", client: client).run()
            }
            #expect(report.projects.count == 32)
            #expect(report.projects.reduce(0) { $0 + $1.keys } == 60)
            let log = await world.sandbox.requestLog()
            #expect(log.count { $0.status == 429 } == 5)
            #expect(log.count { $0.operationID == "listProjectKeys" } == 32 + 5, "one page a project, and each refused request once more")
            #expect(await world.onlyReads())
        }
    }

    @Test func stackNamesComeBackFromTheStore() async throws {
        try await World().use { world in
            let keys = try await world.withClient { _ in
                _ = try await world.stack("my app", stage: "prod/eu").run {
                    _ = try await ClientKey("web", name: "Web", project: "my-project", organization: "my-org")
                }
                _ = try await world.stack("shop", stage: "eu").run {
                    _ = try await ClientKey("api", name: "API", project: "other-project", organization: "my-org")
                }
                return try await ManagedKey.all(in: world.store)
            }
            let stacks = [StackName(app: "my app", stage: "prod/eu"), StackName(app: "shop", stage: "eu")]
            #expect(try await world.store.stacks() == stacks)
            #expect(keys.map(\.resource) == ["web", "api"], "by stack, then in creation order")
            let all = try await world.store.allRecords()
            #expect(all.keys.sorted() == stacks)
            for stack in stacks {
                #expect(try await all[stack] == world.store.records(app: stack.app, stage: stack.stage))
            }
        }
    }
}
