import CompressNIO
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import NIOCore
import SentryModels
@testable import SentrySandbox
import SentrySandboxServer
import Testing

/// Events sent to the DSNs the sandbox hands out, over its HTTP server: taken for an active key
/// and counted, refused as Relay refuses them, limited by the key's own rate limit.
@Suite(.serialized) struct IngestTests {
    /// A server on a clock the test moves, with one key in `web` and one in `api`.
    struct Setup {
        let clock: TestClock
        let server: SandboxServer
        var sandbox: Sandbox { server.sandbox }
        let key: ProjectKey
        let otherKey: ProjectKey

        init() async throws {
            let clock = TestClock()
            self.clock = clock
            server = try await SandboxServer.start(try Sandbox(configuration: SandboxConfiguration(
                seed: [("my-org", ["web", "api"])], tokens: [SandboxToken("admin")], defaultKeys: false, now: { clock.now })))
            key = try await server.sandbox.createKey()
            otherKey = try await server.sandbox.createKey(path: "/api/0/projects/my-org/api/keys/")
        }

        /// The key's project id, as its DSN ends.
        var projectID: Int { key.projectId }

        func post(_ path: String, _ body: Data, headers: [String: String] = [:]) async throws -> (status: Int, headers: [String: String], body: String) {
            var request = URLRequest(url: URL(string: server.url + path)!)
            request.httpMethod = "POST"
            request.httpBody = body
            for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
            let (data, response) = try await URLSession.shared.data(for: request)
            let http = response as! HTTPURLResponse
            let fields = Dictionary(http.allHeaderFields.map { (String(describing: $0.key).lowercased(), String(describing: $0.value)) }, uniquingKeysWith: { first, _ in first })
            return (http.statusCode, fields, String(decoding: data, as: UTF8.self))
        }

        /// Posts an envelope with one event to the key's project, authenticated as the Python SDK does.
        func sendEvent(key publicKey: String? = nil, eventID: String = UUID().uuidString.replacing("-", with: "").lowercased(),
                       type: String = "event", projectID: Int? = nil) async throws -> (status: Int, headers: [String: String], body: String) {
            try await post("/api/\(projectID ?? self.projectID)/envelope/", envelope(eventID: eventID, type: type),
                           headers: ["X-Sentry-Auth": "Sentry sentry_key=\(publicKey ?? key.public), sentry_version=7, sentry_client=sentry.python/2.75.0"])
        }

        /// Runs `body` with a new setup, and stops its server however `body` ends.
        static func run(_ body: (Setup) async throws -> Void) async throws {
            let setup = try await Setup()
            do { try await body(setup) } catch {
                await setup.server.stop()
                throw error
            }
            await setup.server.stop()
        }
    }

    static func envelope(eventID: String, type: String = "event", dsn: String? = nil) -> Data {
        let header = dsn.map { #"{"event_id":"\#(eventID)","dsn":"\#($0)"}"# } ?? #"{"event_id":"\#(eventID)"}"#
        let payload = #"{"event_id":"\#(eventID)","message":"hello","level":"info"}"#
        return Data("\(header)\n{\"type\":\"\(type)\",\"length\":\(payload.utf8.count)}\n\(payload)\n".utf8)
    }

    static func compressed(_ data: Data, _ algorithm: CompressionAlgorithm) throws -> Data {
        var buffer = ByteBuffer(bytes: data)
        return Data(buffer: try buffer.compress(with: algorithm))
    }

    @Test func dsnsPointAtTheServerAndItsEventsAreCounted() async throws {
        try await Setup.run { setup in
            let host = setup.server.url.replacing("http://", with: "")
            #expect(setup.key.dsn.public == "http://\(setup.key.public)@\(host)/\(setup.projectID)")

            let eventID = "0123456789abcdef0123456789abcdef"
            let gzipped = try Self.compressed(Self.envelope(eventID: eventID), .gzip())
            let sent = try await setup.post("/api/\(setup.projectID)/envelope/", gzipped, headers: [
                "X-Sentry-Auth": "Sentry sentry_key=\(setup.key.public), sentry_version=7", "Content-Encoding": "gzip",
                "Content-Type": "application/x-sentry-envelope",
            ])
            #expect(sent.status == 200)
            #expect(json(sent.body) == json(#"{"id": "\#(eventID)"}"#))

            // The store endpoint, with the key in the query and a deflate body; the id is Sentry's
            // form of the event's UUID.
            let stored = try await setup.post("/api/\(setup.projectID)/store/?sentry_key=\(setup.key.public)&sentry_version=7",
                                              try Self.compressed(Data(#"{"event_id":"9F2C74D3-0B6E-4A55-8C1B-2E7F0D9A6B11","message":"hi"}"#.utf8), .zlib()),
                                              headers: ["Content-Encoding": "deflate"])
            #expect(stored.status == 200)
            #expect(json(stored.body) == json(#"{"id": "9f2c74d30b6e4a558c1b2e7f0d9a6b11"}"#))

            let events = await setup.sandbox.events(forKey: setup.key.public)
            #expect(events.map(\.eventID) == [eventID, "9f2c74d30b6e4a558c1b2e7f0d9a6b11"])
            #expect(events.map(\.endpoint) == ["envelope", "store"])
            #expect(await setup.sandbox.events(forKey: setup.otherKey.public).isEmpty)

            // The sandbox's own endpoint shows the same, to a sandbox token.
            var request = URLRequest(url: URL(string: setup.server.url + "/_sandbox/events/?key=\(setup.key.public)")!)
            let (_, anonymous) = try await URLSession.shared.data(for: request)
            #expect((anonymous as! HTTPURLResponse).statusCode == 401)
            request.setValue("Bearer admin", forHTTPHeaderField: "Authorization")
            let (listed, _) = try await URLSession.shared.data(for: request)
            let shown = try JSONDecoder().decode([[String: JSONValue]].self, from: listed)
            #expect(shown.map { $0["id"] } == [.string(eventID), .string("9f2c74d30b6e4a558c1b2e7f0d9a6b11")])
            #expect(shown.map { $0["outcome"] } == [.string("accepted"), .string("accepted")])

            // A project's first error event is its `firstEvent`; no transaction came.
            let project = try await setup.sandbox.send("GET", "/api/0/projects/my-org/web/").decode(Project.self)
            #expect(project.firstEvent?.rawValue == "2027-01-15T08:00:00.000000Z")
            #expect(project.firstTransactionEvent == false)
            #expect(try await setup.sandbox.send("GET", "/api/0/projects/my-org/api/").decode(Project.self).firstEvent == nil)
        }
    }

    @Test func unknownInactiveDeletedAndMisplacedKeysAreRefusedAsRelayRefusesThem() async throws {
        try await Setup.run { setup in
            let refusal = json(#"{"detail": "event submission rejected with_reason: ProjectId"}"#)
            let unknown = try await setup.sendEvent(key: String(repeating: "ab", count: 16))
            #expect(unknown.status == 403)
            #expect(json(unknown.body) == refusal)
            let misplaced = try await setup.sendEvent(key: setup.otherKey.public)
            #expect(misplaced.status == 403, "the api project's key sent to web")

            await setup.sandbox.send("PUT", keysPath + setup.key.id + "/", body: #"{"isActive": false}"#)
            let inactive = try await setup.sendEvent()
            #expect(inactive.status == 403)
            #expect(json(inactive.body) == refusal)
            await setup.sandbox.send("PUT", keysPath + setup.key.id + "/", body: #"{"isActive": true}"#)
            #expect(try await setup.sendEvent().status == 200, "active again")

            await setup.sandbox.send("DELETE", keysPath + setup.key.id + "/")
            #expect(try await setup.sendEvent().status == 403, "deleted")
            #expect(await setup.sandbox.events(forKey: setup.key.public).count == 1)
            #expect(await setup.sandbox.submissions().map(\.outcome) == [.refused, .refused, .refused, .accepted, .refused])
        }
    }

    @Test func badAuthenticationAndBodiesGetRelaysAnswers() async throws {
        try await Setup.run { setup in
            let path = "/api/\(setup.projectID)/envelope/"
            let envelope = Self.envelope(eventID: "0123456789abcdef0123456789abcdef")
            let key = setup.key.public
            let cases: [(String, Data, [String: String], Int, String)] = [
                ("no key", envelope, [:], 401, #"{"detail": "missing authorization information"}"#),
                ("no sentry_key", envelope, ["X-Sentry-Auth": "Sentry sentry_version=7"], 401,
                 #"{"detail": "bad x-sentry-auth header", "causes": ["missing public key in auth header"]}"#),
                ("two places", envelope, ["X-Sentry-Auth": "Sentry sentry_key=\(key)"], 401, #"{"detail": "multiple authorization payloads detected"}"#),
                ("short key", envelope, ["X-Sentry-Auth": "Sentry sentry_key=abc"], 400,
                 #"{"detail": "bad sentry DSN public key", "causes": ["invalid project key"]}"#),
                ("version 8", envelope, ["X-Sentry-Auth": "Sentry sentry_key=\(key), sentry_version=8"], 400, #"{"detail": "unsupported protocol version (8)"}"#),
                ("empty body", Data(), ["X-Sentry-Auth": "Sentry sentry_key=\(key)"], 400, #"{"detail": "empty request body"}"#),
                ("not an envelope", Data("hello\nworld".utf8), ["X-Sentry-Auth": "Sentry sentry_key=\(key)"], 400, #"{"detail": "invalid event envelope"}"#),
            ]
            for (name, body, headers, status, expected) in cases {
                let target = name == "two places" ? path + "?sentry_key=\(key)" : path
                let answer = try await setup.post(target, body, headers: headers)
                #expect(answer.status == status, "\(name)")
                #expect(json(answer.body) == json(expected), "\(name): \(answer.body)")
            }
            let badStore = try await setup.post("/api/\(setup.projectID)/store/?sentry_key=\(key)", Data("[1]".utf8))
            #expect(badStore.status == 400)
            #expect(json(badStore.body) == json(#"{"detail": "invalid JSON data"}"#))

            let corrupt = try await setup.post(path, Data("not gzip".utf8), headers: ["X-Sentry-Auth": "Sentry sentry_key=\(key)", "Content-Encoding": "gzip"])
            #expect(corrupt.status == 400)
            #expect(corrupt.body.hasPrefix("Failed to buffer the request body"))
            let brotli = try await setup.post(path, envelope, headers: ["X-Sentry-Auth": "Sentry sentry_key=\(key)", "Content-Encoding": "br"])
            #expect(brotli.status == 415)

            // Without a header or query key, the envelope's own `dsn` names the key.
            let fromDSN = try await setup.post(path, Self.envelope(eventID: "fedcba9876543210fedcba9876543210", dsn: setup.key.dsn.public))
            #expect(fromDSN.status == 200)
            #expect(await setup.sandbox.events(forKey: key).map(\.eventID) == ["fedcba9876543210fedcba9876543210"])
        }
    }

    @Test func aKeysRateLimitIsEnforcedPerWindowForErrorsOnly() async throws {
        try await Setup.run { setup in
            await setup.sandbox.send("PUT", keysPath + setup.key.id + "/", body: #"{"rateLimit": {"window": 60, "count": 2}}"#)
            setup.clock.advance(10) // 1,800,000,010: 50 s before the minute's window ends
            #expect(try await setup.sendEvent().status == 200)
            #expect(try await setup.sendEvent().status == 200)
            let limited = try await setup.sendEvent()
            #expect(limited.status == 429)
            #expect(limited.headers["retry-after"] == "50")
            #expect(limited.headers["x-sentry-rate-limits"] == "50:default;error;security:key:key_quota")
            #expect(limited.body.contains("quota"))
            #expect(try await setup.sendEvent(type: "transaction").status == 200, "a key's quota covers the error categories only")
            #expect(try await setup.sendEvent(key: setup.otherKey.public, projectID: setup.otherKey.projectId).status == 200, "another key has its own")
            setup.clock.advance(50)
            #expect(try await setup.sendEvent().status == 200, "the next window")
            let outcomes = await setup.sandbox.submissions().filter { $0.publicKey == setup.key.public }.map(\.outcome)
            #expect(outcomes == [.accepted, .accepted, .rateLimited, .accepted, .accepted])
            #expect(await setup.sandbox.events(forKey: setup.key.public).count == 4)
        }
    }

    @Test func clientReportsAreTakenButAreNoEvents() async throws {
        try await Setup.run { setup in
            let report = #"{"timestamp":1800000000,"discarded_events":[{"reason":"ratelimit_backoff","category":"error","quantity":1}]}"#
            let body = Data("{}\n{\"type\":\"client_report\"}\n\(report)\n".utf8)
            let answer = try await setup.post("/api/\(setup.projectID)/envelope/", body, headers: ["X-Sentry-Auth": "Sentry sentry_key=\(setup.key.public)"])
            #expect(answer.status == 200)
            #expect(json(answer.body) == json("{}"))
            #expect(await setup.sandbox.events(forKey: setup.key.public).isEmpty)
            #expect(await setup.sandbox.submissions().map(\.itemTypes) == [["client_report"]])
        }
    }

    @Test(arguments: [
        #"{}\#n{"type":"event","length":9223372036854775807}\#n{}"#,
        #"{}\#n{"type":"event","length":-1}\#n{}"#,
        #"{}\#n{"type":"event","length":50}\#n{}"#,
        #"{}\#n{"length":2}\#n{}"#,
        #"{"dsn":"a@b://c"}"#,
        #"{"dsn":"https://nokey/2"}"#,
    ])
    func hostileEnvelopesAreAnsweredNotCrashedOn(body: String) async throws {
        let sandbox = try makeSandbox()
        let key = try await sandbox.createKey()
        let withKey = await sandbox.handle(SandboxRequest(method: "POST", path: "/api/\(key.projectId)/envelope/",
                                                           headers: ["X-Sentry-Auth": "Sentry sentry_key=\(key.public)"], body: Data(body.utf8)))
        let anonymous = await sandbox.handle(SandboxRequest(method: "POST", path: "/api/\(key.projectId)/envelope/", body: Data(body.utf8)))
        #expect(withKey.status == (body.contains("dsn") ? 200 : 400), "\(withKey.text)")
        #expect(anonymous.status == 401, "\(anonymous.text)")
    }

    @Test func aKeysSecretInTheQueryStaysOutOfTheRequestLog() async throws {
        let sandbox = try makeSandbox()
        let key = try await sandbox.createKey()
        await sandbox.request("POST", "/api/\(key.projectId)/store/", query: [
            QueryItem(name: "sentry_key", value: key.public), QueryItem(name: "sentry_secret", value: key.secret!),
        ], body: #"{"message": "legacy"}"#, token: nil)
        let logged = await sandbox.requestLog().last
        #expect(logged?.status == 200)
        #expect(logged?.query.contains(key.secret!) == false)
        #expect(logged?.query.contains("sentry_secret=[redacted]") == true)
        let head = await sandbox.send("HEAD", "/_sandbox/events/")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
    }

    @Test func keysListedBeforeTheServerStartsPointAtItOnceItDoes() async throws {
        let sandbox = try Sandbox(configuration: SandboxConfiguration(seed: [("my-org", ["web"])], tokens: [SandboxToken("admin")], defaultKeys: false))
        let key = try await sandbox.createKey()
        #expect(key.dsn.public.contains("@o1.ingest.sandbox.invalid/"))
        _ = await sandbox.send("GET", keysPath)  // cached as the engine alone shows it
        let server = try await SandboxServer.start(sandbox)
        let listed = try await sandbox.send("GET", keysPath).decode([ProjectKey].self)
        await server.stop()
        #expect(listed.first?.dsn.public == server.url.replacing("http://", with: "http://\(key.public)@") + "/\(key.projectId)")
    }

    @Test func anIngestURLGivenIsWhereDSNsPoint() async throws {
        let server = try await SandboxServer.start(try Sandbox(configuration: SandboxConfiguration(
            seed: [("my-org", ["web"])], tokens: [SandboxToken("admin")], ingestURL: "https://o{organization_id}.ingest.example.com", defaultKeys: false)))
        let key = try await server.sandbox.createKey()
        await server.stop()
        #expect(key.dsn.public == "https://\(key.public)@o1.ingest.example.com/\(key.projectId)")
        // The engine alone, with no server, keeps DSNs at a host that does not resolve.
        let engine = try makeSandbox()
        #expect(try await engine.createKey().dsn.public.contains("@o1.ingest.sandbox.invalid/") == true)
    }
}
