import Foundation
import Logging
@testable import SentryAPI
import SentrySandbox
import SentrySandboxServer
import Testing
import TestSupport

/// A sandbox on loopback and a client pointed at it, with quick backoffs.
struct Harness: AsyncClosable {
    static let token = "api-test-token-7f3a"
    let server: SandboxServer
    let client: SentryClient
    let logs: LogCapture
    var sandbox: Sandbox { server.sandbox }

    init(retryBudget: Int = 4, requestTimeout: Duration = .seconds(30), rateLimit: SandboxRateLimit? = nil,
         tokens: [SandboxToken] = [SandboxToken(Harness.token)]) async throws {
        let sandbox = try Sandbox(configuration: SandboxConfiguration(seed: [("my-org", ["web", "api"])], tokens: tokens, defaultKeys: false, rateLimit: rateLimit))
        server = try await SandboxServer.start(sandbox)
        let logs = LogCapture()
        self.logs = logs
        let logger = logs.logger(label: "test")
        client = SentryClient(configuration: SentryConfiguration(
            authToken: Secret(Harness.token), baseURL: URL(string: server.url)!, requestTimeout: requestTimeout,
            retryBudget: retryBudget, initialBackoff: .milliseconds(5), maximumBackoff: .milliseconds(50), logger: logger
        ))
    }

    func close() async {
        TestArtifacts.secrets(await sandbox.issuedSecrets + [Harness.token])
        TestArtifacts.keep(logs.lines.joined(separator: "\n"), as: "client-log")
        try? await client.shutdown()
        await server.stop()
    }

    func create(_ name: String? = nil, project: String = "web") async throws(SentryError) -> ProjectKey {
        try await client.send(Operations.CreateProjectKey(organizationIdOrSlug: "my-org", projectIdOrSlug: project, body: CreateProjectKeyRequest(name: name)))
    }

    func requests(_ operationID: String) async -> Int {
        await sandbox.requestLog().filter { $0.operationID == operationID }.count
    }
}

@Suite(.serialized) struct ClientTests {
    @Test func everyOperationAgainstTheSandbox() async throws {
        try await Harness().use { harness in
            let client = harness.client
            let created = try await harness.create("Web")
            #expect(created.name == "Web")
            let path = (org: "my-org", project: "web", key: created.id)
            #expect(try await client.send(Operations.GetProjectKey(organizationIdOrSlug: path.org, projectIdOrSlug: path.project, keyId: path.key)) == created)
            let limited = try await client.send(Operations.UpdateProjectKey(organizationIdOrSlug: path.org, projectIdOrSlug: path.project, keyId: path.key,
                                                                         body: UpdateProjectKeyRequest(rateLimit: .value(RateLimit(window: 60, count: 10)))))
            #expect(limited.rateLimit == RateLimit(window: 60, count: 10))
            let cleared = try await client.send(Operations.UpdateProjectKey(organizationIdOrSlug: path.org, projectIdOrSlug: path.project, keyId: path.key,
                                                                         body: UpdateProjectKeyRequest(rateLimit: .null)))
            #expect(cleared.rateLimit == nil)
            #expect(try await client.send(Operations.ListProjectKeys(organizationIdOrSlug: path.org, projectIdOrSlug: path.project)).map(\.id) == [created.id])
            #expect(try await client.send(Operations.ListOrganizationProjectKeys(organizationIdOrSlug: path.org)).count == 1)
            #expect(try await client.send(Operations.ListOrganizations()).map(\.slug) == ["my-org"])
            #expect(try await client.send(Operations.GetOrganization(organizationIdOrSlug: "my-org")).slug == "my-org")
            #expect(try await client.send(Operations.ListOrganizationProjects(organizationIdOrSlug: "my-org")).map(\.slug) == ["api", "web"])
            #expect(try await client.send(Operations.GetProject(organizationIdOrSlug: "my-org", projectIdOrSlug: "api")).slug == "api")
            _ = try await client.send(Operations.DeleteProjectKey(organizationIdOrSlug: path.org, projectIdOrSlug: path.project, keyId: path.key))
            await #expect(throws: SentryError.self) {
                try await client.send(Operations.GetProjectKey(organizationIdOrSlug: path.org, projectIdOrSlug: path.project, keyId: path.key))
            }
        }
    }

    @Test func errorKindsFromRealAnswers() async throws {
        try await Harness(retryBudget: 0, tokens: [SandboxToken(Harness.token), SandboxToken("reader", scopes: ["project:read"])]).use { harness in
            func error(_ body: () async throws -> Void) async -> SentryError? {
                do { try await body(); return nil } catch { return error as? SentryError }
            }
            let validation = await error { _ = try await harness.client.send(Operations.CreateProjectKey(
                organizationIdOrSlug: "my-org", projectIdOrSlug: "web",
                body: CreateProjectKeyRequest(name: String(repeating: "n", count: 65), rateLimit: RateLimit(window: 90_000, count: 1)))) }
            #expect(validation?.kind == .validation)
            #expect(validation?.status == 400)
            #expect(validation?.fieldErrors == [
                SentryError.FieldError(path: ["name"], messages: ["Ensure this field has no more than 64 characters."]),
                SentryError.FieldError(path: ["rateLimit", "window"], messages: ["Ensure this value is less than or equal to 86400."]),
            ])
            #expect(validation?.description == "Sentry refused the input of `createProjectKey`: name: Ensure this field has no more than 64 characters.; rateLimit.window: Ensure this value is less than or equal to 86400..")

            let notFound = await error { _ = try await harness.client.send(Operations.GetProjectKey(organizationIdOrSlug: "my-org", projectIdOrSlug: "nope", keyId: "x")) }
            #expect(notFound?.kind == .notFound)
            #expect(notFound?.detail == "The requested resource does not exist")

            let reader = SentryClient(configuration: SentryConfiguration(authToken: "reader", baseURL: URL(string: harness.server.url)!, retryBudget: 0))
            let forbidden = await error { _ = try await reader.send(Operations.DeleteProjectKey(organizationIdOrSlug: "my-org", projectIdOrSlug: "web", keyId: "x")) }
            #expect(forbidden?.kind == .forbidden)
            #expect(forbidden?.requiredScopes == ["project:admin"])
            #expect(forbidden?.description == "The auth token may not run `deleteProjectKey`: it needs one of the scopes project:admin.")
            try await reader.shutdown()

            let stranger = SentryClient(configuration: SentryConfiguration(authToken: "unknown-token", baseURL: URL(string: harness.server.url)!, retryBudget: 0))
            let unauthorized = await error { _ = try await stranger.send(Operations.ListOrganizations()) }
            #expect(unauthorized?.kind == .unauthorized)
            #expect(unauthorized?.detail == "Invalid token")
            #expect(unauthorized.map { !$0.description.contains("unknown-token") } == true)
            try await stranger.shutdown()

            await harness.sandbox.inject(.rateLimited(resetAfter: 1))
            let limited = await error { _ = try await harness.client.send(Operations.ListOrganizations()) }
            #expect(limited?.kind == .rateLimited)
            #expect(limited?.retryAfter != nil)

            await harness.sandbox.inject(.status(500))
            #expect(await error { _ = try await harness.client.send(Operations.ListOrganizations()) }?.kind == .server)

            await harness.sandbox.inject(.malformedBody)
            let decoding = await error { _ = try await harness.client.send(Operations.ListOrganizations()) }
            #expect(decoding?.kind == .decoding)
            #expect(decoding?.underlying == "not valid JSON")
        }
    }

    @Test func twoHundredFiftyKeysInThreeRequests() async throws {
        try await Harness().use { harness in
            for index in 0..<250 { _ = try await harness.create("Key \(index)") }
            await harness.sandbox.clearRequestLog()
            var names: [String] = []
            for try await key in harness.client.items(Operations.ListProjectKeys(organizationIdOrSlug: "my-org", projectIdOrSlug: "web")) {
                names.append(key.name)
            }
            #expect(names.count == 250)
            #expect(Set(names).count == 250)
            #expect(names.first == "Key 249")
            let log = await harness.sandbox.requestLog()
            #expect(log.count == 3)
            #expect(log.allSatisfy { $0.query.contains("per_page=100") })
        }
    }

    @Test func retriesFollowThePolicy() async throws {
        try await Harness().use { harness in
            let list = Operations.ListProjectKeys(organizationIdOrSlug: "my-org", projectIdOrSlug: "web")

            await harness.sandbox.inject(.status(503), on: "listProjectKeys", times: 3)
            _ = try await harness.client.send(list)
            #expect(await harness.requests("listProjectKeys") == 4, "three 503s, then the answer")

            await harness.sandbox.inject(.rateLimited(resetAfter: 1), on: "listProjectKeys")
            let started = Date()
            _ = try await harness.client.send(list)
            #expect(Date().timeIntervalSince(started) >= 0.01, "waited for the reset")
            #expect(await harness.requests("listProjectKeys") == 6)

            await harness.sandbox.inject(.dropBeforeApplying, on: "listProjectKeys", times: 2)
            _ = try await harness.client.send(list)
            #expect(await harness.requests("listProjectKeys") == 9, "a GET whose connection dropped is sent again")

            await harness.sandbox.inject(.status(503), on: "createProjectKey")
            await #expect(throws: SentryError.self) { _ = try await harness.create("Not retried") }
            #expect(await harness.requests("createProjectKey") == 1, "a POST answered with 503 is not sent again")

            await harness.sandbox.inject(.rateLimited(resetAfter: 0), on: "createProjectKey")
            _ = try await harness.create("After 429")
            #expect(await harness.requests("createProjectKey") == 3, "a POST refused with 429 was not applied, so it is sent again")
        }
    }

    @Test func theRateLimitWindowIsRespectedWithoutA429() async throws {
        try await Harness(rateLimit: SandboxRateLimit(requests: 3, window: 1)).use { harness in
            for index in 0..<7 { _ = try await harness.create("Key \(index)") }
            let log = await harness.sandbox.requestLog()
            #expect(log.count == 7, "no request was spent on a 429")
            #expect(log.allSatisfy { $0.status == 201 })
        }
    }

    @Test func concurrentRequestsStayInsideTheWindowWithoutA429() async throws {
        try await Harness(rateLimit: SandboxRateLimit(requests: 5, window: 1)).use { harness in
            // One request first: a window the client has not heard of yet cannot be kept to.
            let list = Operations.ListProjectKeys(organizationIdOrSlug: "my-org", projectIdOrSlug: "web")
            _ = try await harness.client.send(list)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<12 { group.addTask { _ = try await harness.client.send(list) } }
                try await group.waitForAll()
            }
            let log = await harness.sandbox.requestLog()
            #expect(log.count == 13, "no request was spent on a 429")
            #expect(log.allSatisfy { $0.status == 200 })
        }
    }

    @Test func aWindowCountsTheRequestsInFlight() {
        let windows = RateWindows()
        let reset = Date().addingTimeInterval(60)
        #expect(windows.admit("list") == .go, "nothing known yet")
        windows.answered("list", remaining: 3, reset: reset)
        #expect(windows.admit("list") == .go)
        #expect(windows.admit("list") == .go)
        #expect(windows.admit("list") == .go)
        #expect(windows.admit("list") == .waitForAnswers, "3 left, 3 in flight: their answers tell whether any is left")
        windows.answered("list", remaining: 2, reset: reset)
        windows.answered("list", remaining: 0, reset: reset)
        windows.answered("list", remaining: 1, reset: reset)
        #expect(windows.admit("list") == .waitUntil(reset), "answers in any order: the lowest count stands")
        #expect(windows.admit("other") == .go, "each operation has its own window")
        #expect(windows.admit("list", now: reset) == .go, "a new window")
    }

    @Test func aNewWindowStartsAtTheLimitTheServerGave() {
        let windows = RateWindows()
        let start = Date()
        let first = start.addingTimeInterval(1)
        #expect(windows.admit("list", now: start) == .go)
        windows.answered("list", remaining: 0, reset: first, limit: 2, now: start)
        #expect(windows.admit("list", now: start) == .waitUntil(first))
        // The window is over: two may go before an answer says more; the third waits for them.
        let later = first.addingTimeInterval(0.5)
        #expect(windows.admit("list", now: later) == .go)
        #expect(windows.admit("list", now: later) == .go)
        #expect(windows.admit("list", now: later) == .waitForAnswers)
        windows.answered("list", remaining: 0, reset: first, now: later)
        #expect(windows.admit("list", now: later) == .go, "an answer from the window that is over only ends a request in flight")
        #expect(windows.admit("list", now: later) == .waitForAnswers)
        windows.answered("list", remaining: nil, reset: nil, now: later)
        #expect(windows.admit("list", now: later) == .go, "a failed request is no longer in flight")
        let next = first.addingTimeInterval(1)
        windows.answered("list", remaining: 0, reset: next, now: later)
        windows.answered("list", remaining: nil, reset: nil, now: later)
        #expect(windows.admit("list", now: later) == .waitUntil(next))
    }

    @Test func aPostWhoseAnswerIsLostIsNeverSentTwice() async throws {
        try await Harness().use { harness in
            await harness.sandbox.inject(.dropAfterApplying, on: "createProjectKey", times: 5)
            do throws(SentryError) {
                _ = try await harness.create("Maybe")
                Issue.record("expected outcomeUnknown")
            } catch {
                #expect(error.kind == .outcomeUnknown)
                #expect(error.description.contains("may or may not have been applied"))
            }
            await harness.sandbox.clearFaults()
            let creates = await harness.sandbox.requestLog().filter { $0.operationID == "createProjectKey" }
            #expect(creates.count == 1)
            let keys = try await harness.client.send(Operations.ListProjectKeys(organizationIdOrSlug: "my-org", projectIdOrSlug: "web"))
            #expect(keys.map(\.name) == ["Maybe"], "the key was created once")
        }
    }

    @Test func aRequestThatOutlivesItsTimeoutIsCutShort() async throws {
        try await Harness(retryBudget: 2, requestTimeout: .milliseconds(200)).use { harness in
            let key = try await harness.create("Slow")
            let retrieve = Operations.GetProjectKey(organizationIdOrSlug: "my-org", projectIdOrSlug: "web", keyId: key.id)
            // Each answer would take 4 s: a GET times out, is sent again within the retry budget,
            // and fails as a transport error well before one answer could have come (three tries
            // of 0.2 s and their backoffs; the bound leaves room for a loaded CI machine).
            await harness.sandbox.inject(.delay(.milliseconds(4000)), on: "getProjectKey", times: 3)
            let started = ContinuousClock.now
            do throws(SentryError) {
                _ = try await harness.client.send(retrieve)
                Issue.record("expected a timeout")
            } catch {
                #expect(error.kind == .transport)
                #expect(error.description.contains("no complete response within 0.2 seconds"), "\(error)")
            }
            #expect(ContinuousClock.now - started < .milliseconds(3000))
            // A POST that times out may have been applied: it is not sent again.
            await harness.sandbox.inject(.delay(.milliseconds(4000)), on: "createProjectKey")
            do throws(SentryError) {
                _ = try await harness.create("Late")
                Issue.record("expected outcomeUnknown")
            } catch {
                #expect(error.kind == .outcomeUnknown, "\(error)")
            }
            // Once the delays are over, the client works as before.
            await harness.sandbox.clearFaults()
            try await Task.sleep(for: .milliseconds(4100))
            #expect(try await harness.client.send(retrieve) == key)
            #expect(await harness.requests("createProjectKey") == 2, "the POST that timed out was sent once")
        }
    }

    @Test func sequentialSendsInsideWithAffinityStayOnTheNetworkThread() async throws {
        try await Harness().use { harness in
            let created = try await harness.create("Affine")
            let retrieve = Operations.GetProjectKey(organizationIdOrSlug: "my-org", projectIdOrSlug: "web", keyId: created.id)
            let keys = try await harness.client.withAffinity { () async throws(SentryError) -> [ProjectKey] in
                var keys: [ProjectKey] = []
                for _ in 0..<20 { keys.append(try await harness.client.send(retrieve)) }
                return keys
            }
            #expect(keys.count == 20 && keys.allSatisfy { $0 == created })
            #expect(await harness.requests("getProjectKey") == 20)
        }
    }

    @Test func unreachableServerIsATransportError() async throws {
        let client = SentryClient(configuration: SentryConfiguration(
            authToken: "t", baseURL: URL(string: "http://127.0.0.1:1")!, connectTimeout: .milliseconds(200),
            requestTimeout: .milliseconds(300), retryBudget: 2, initialBackoff: .milliseconds(1)))
        do {
            _ = try await client.send(Operations.CreateProjectKey(organizationIdOrSlug: "o", projectIdOrSlug: "p"))
            Issue.record("expected a transport error")
        } catch {
            // Connection refused: the POST never left, so it was retried and then reported as such.
            #expect(error.kind == .transport, "\(error)")
        }
        try await client.shutdown()
    }

    @Test func logsNeverContainTheTokenOrKeySecrets() async throws {
        try await Harness().use { harness in
            let key = try await harness.create("Secretive")
            _ = try await harness.client.send(Operations.GetProjectKey(organizationIdOrSlug: "my-org", projectIdOrSlug: "web", keyId: key.id))
            await harness.sandbox.inject(.status(503), on: "listProjectKeys")
            for try await _ in harness.client.items(Operations.ListProjectKeys(organizationIdOrSlug: "my-org", projectIdOrSlug: "web")) {}
            let lines = harness.logs.lines
            #expect(lines.count >= 4)
            #expect(lines.contains { $0.contains("listProjectKeys") && $0.contains("503") })
            let secrets = [Harness.token, key.secret!, key.dsn.secret!]
            for line in lines {
                for secret in secrets { #expect(!line.contains(secret), "a secret in: \(line)") }
            }
            #expect("\(harness.client.configuration.authToken)" == "<redacted>")
        }
    }
}

/// A transport that answers from a script, for what the sandbox cannot produce.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var answers: [TransportResponse]
    private(set) var sent: [TransportRequest] = []

    init(_ answers: [TransportResponse]) { self.answers = answers }

    func send(_ request: TransportRequest) async throws(TransportFailure) -> TransportResponse {
        lock.withLock {
            sent.append(request)
            return answers.count > 1 ? answers.removeFirst() : answers[0]
        }
    }

    func shutdown() async throws {}
}

/// A transport whose responses "arrive" on a serial queue, and an executor for that queue.
final class QueueTransport: HTTPTransport, TaskExecutor {
    static let marker = DispatchSpecificKey<Bool>()
    let queue = DispatchQueue(label: "queue-transport")
    init() { queue.setSpecific(key: Self.marker, value: true) }

    var executor: (any TaskExecutor)? { self }
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
    func send(_ request: TransportRequest) async throws(TransportFailure) -> TransportResponse {
        TransportResponse(status: 200, headers: [:], body: Data("[]".utf8))
    }
    func shutdown() async throws {}
}

@Suite struct ScriptedTransportTests {
    static let page = Data("[]".utf8)

    @Test func withAffinityRunsItsBodyOnTheTransportsExecutor() async throws {
        let transport = QueueTransport()
        let client = SentryClient(configuration: SentryConfiguration(authToken: "t"), transport: transport)
        #expect(DispatchQueue.getSpecific(key: QueueTransport.marker) == nil)
        let onQueue = try await client.withAffinity { () async throws(SentryError) -> [Bool] in
            var onQueue: [Bool] = []
            for _ in 0..<3 {
                _ = try await client.send(Operations.ListOrganizations())
                onQueue.append(DispatchQueue.getSpecific(key: QueueTransport.marker) == true)
            }
            return onQueue
        }
        #expect(onQueue == [true, true, true])
        // A transport without an executor: the body simply runs.
        let plain = SentryClient(configuration: SentryConfiguration(authToken: "t"), transport: ScriptedTransport([TransportResponse(status: 200, headers: [:], body: Self.page)]))
        #expect(try await plain.withAffinity { () async throws(SentryError) -> Int in try await plain.send(Operations.ListOrganizations()).count } == 0)
    }

    @Test func concurrentLimitHeaderLowersTheLimit() async throws {
        let transport = ScriptedTransport([TransportResponse(status: 200, headers: ["x-sentry-rate-limit-concurrentlimit": "2"], body: Self.page)])
        let client = SentryClient(configuration: SentryConfiguration(authToken: "t", maximumConcurrentRequests: 8), transport: transport)
        _ = try await client.send(Operations.ListOrganizations())
        #expect(client.limiter.limit == 2)
    }

    @Test func aLinkHeaderThatRepeatsItsCursorDoesNotLoopForever() async throws {
        let link = #"<https://sentry.io/api/0/organizations/?cursor=5:0:0>; rel="next"; results="true"; cursor="5:0:0""#
        let body = Data(#"[{"id": "1", "slug": "a", "name": "A"}]"#.utf8)
        let transport = ScriptedTransport([TransportResponse(status: 200, headers: ["link": link], body: body)])
        let client = SentryClient(configuration: SentryConfiguration(authToken: "t"), transport: transport)
        var count = 0
        for try await _ in client.items(Operations.ListOrganizations()) { count += 1 }
        #expect(count == 2, "the first page, then the page of the cursor, then a stop at the repeated cursor")
        #expect(transport.sent.count == 2)
        #expect(transport.sent[0].url == "https://sentry.io/api/0/organizations/?per_page=100")
        #expect(transport.sent[1].url == "https://sentry.io/api/0/organizations/?cursor=5:0:0&per_page=100")
        #expect(transport.sent[0].headers.contains { $0.name == "Authorization" && $0.value == "Bearer t" })
    }

    @Test func retryAfterIsUsedWhenThereIsNoResetHeader() async throws {
        let transport = ScriptedTransport([
            TransportResponse(status: 429, headers: ["retry-after": "0"], body: Data(#"{"detail": "slow down"}"#.utf8)),
            TransportResponse(status: 200, headers: [:], body: Self.page),
        ])
        let client = SentryClient(configuration: SentryConfiguration(authToken: "t"), transport: transport)
        _ = try await client.send(Operations.ListOrganizations())
        #expect(transport.sent.count == 2)
    }
}
