import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SentryModels
@testable import SentrySandbox
import SentrySandboxServer
import Testing

/// Scripted faults, the request log, the state file, and the server on loopback.
@Suite struct FaultAndStateTests {
    @Test func statusFaultsFailTheNextRequestsThenClear() async throws {
        let sandbox = try makeSandbox()
        await sandbox.inject(.status(503), on: "createProjectKey", times: 2)
        #expect(await sandbox.send("GET", keysPath).status == 200, "other operations are untouched")
        #expect(await sandbox.send("POST", keysPath, body: "{}").status == 503)
        #expect(await sandbox.send("POST", keysPath, body: "{}").status == 503)
        #expect(await sandbox.send("POST", keysPath, body: "{}").status == 201)
        #expect(try await sandbox.send("GET", keysPath).decode([ProjectKey].self).count == 1, "failed requests change nothing")
        await sandbox.inject(.status(500))
        let internalError = await sandbox.send("GET", keysPath)
        #expect(internalError.status == 500)
        guard case .object(let body)? = internalError.json else { Issue.record("no JSON body"); return }
        #expect(body["detail"] == .string("Internal Error"))
        #expect(body["errorId"] != nil)
    }

    @Test func rateLimitedFaultSaysWhenToRetry() async throws {
        let clock = TestClock()
        let sandbox = try makeSandbox(now: { clock.now })
        await sandbox.inject(.rateLimited(resetAfter: 2))
        let response = await sandbox.send("GET", keysPath)
        #expect(response.status == 429)
        #expect(response.header("X-Sentry-Rate-Limit-Reset") == "1800000002")
        #expect(response.header("X-Sentry-Rate-Limit-Remaining") == "0")
    }

    @Test func droppedConnectionsBeforeAndAfterTheChange() async throws {
        let sandbox = try makeSandbox()
        await sandbox.inject(.dropBeforeApplying, on: "createProjectKey")
        #expect(await sandbox.send("POST", keysPath, body: "{}").delivery == .dropConnection)
        #expect(try await sandbox.send("GET", keysPath).decode([ProjectKey].self).isEmpty, "dropped before: no key")
        await sandbox.inject(.dropAfterApplying, on: "createProjectKey")
        #expect(await sandbox.send("POST", keysPath, body: #"{"name": "Maybe"}"#).delivery == .dropConnection)
        #expect(try await sandbox.send("GET", keysPath).decode([ProjectKey].self).map(\.name) == ["Maybe"], "dropped after: the key exists")
    }

    @Test func malformedBodyAndDelay() async throws {
        let sandbox = try makeSandbox()
        await sandbox.inject(.malformedBody)
        let malformed = await sandbox.send("GET", keysPath)
        #expect(malformed.status == 200)
        #expect(throws: (any Error).self) { try malformed.decode([ProjectKey].self) }
        await sandbox.inject(.delay(.milliseconds(300)))
        let delayed = await sandbox.send("GET", keysPath)
        #expect(delayed.delay == .milliseconds(300))
        #expect(delayed.status == 200)
    }

    @Test func ignoredUpdatesAnswerTheUnchangedKey() async throws {
        let sandbox = try makeSandbox()
        let key = try await sandbox.createKey(#"{"name": "Before"}"#)
        await sandbox.inject(.ignoreUpdate)
        let response = await sandbox.send("PUT", keysPath + key.id + "/", body: #"{"name": "After"}"#)
        #expect(response.status == 200)
        #expect(try response.decode(ProjectKey.self).name == "Before")
        #expect(try await sandbox.send("GET", keysPath + key.id + "/").decode(ProjectKey.self).name == "Before")
    }

    @Test func requestLogRecordsEveryAnswer() async throws {
        let sandbox = try makeSandbox()
        _ = try await sandbox.createKey()
        await sandbox.send("GET", keysPath, query: ["per_page": "5"])
        await sandbox.send("GET", "/api/0/nowhere/")
        let log = await sandbox.requestLog()
        #expect(log.map(\.method) == ["POST", "GET", "GET"])
        #expect(log.map(\.status) == [201, 200, 404])
        #expect(log.map(\.operationID) == ["createProjectKey", "listProjectKeys", nil])
        #expect(log[1].query == "per_page=5")
    }

    @Test func stateFileKeepsKeysAcrossRestartsAndIsPrivate() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("state.json")
        let first = try makeSandbox(stateFile: file)
        let key = try await first.createKey(#"{"name": "Kept"}"#)
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let second = try makeSandbox(stateFile: file)
        #expect(try await second.send("GET", keysPath).decode([ProjectKey].self) == [key])
        #expect(try await second.createKey().id != key.id)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["state.json"], "no temporary files left")
    }

    @Test func serverAnswersOverLoopbackAndStops() async throws {
        let server = try await SandboxServer.start(try makeSandbox())
        #expect(server.port > 0)
        var request = URLRequest(url: URL(string: server.url + keysPath + "?per_page=5")!)
        request.setValue("Bearer admin", forHTTPHeaderField: "Authorization")
        request.httpMethod = "POST"
        request.httpBody = Data(#"{"name": "Over HTTP"}"#.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 201)
        #expect(try JSONDecoder().decode(ProjectKey.self, from: data).name == "Over HTTP")

        request.httpMethod = "GET"
        request.httpBody = nil
        let (listData, listResponse) = try await URLSession.shared.data(for: request)
        let http = try #require(listResponse as? HTTPURLResponse)
        #expect(http.value(forHTTPHeaderField: "Link")?.hasPrefix("<\(server.url)\(keysPath)?per_page=5&cursor=") == true)
        #expect(try JSONDecoder().decode([ProjectKey].self, from: listData).count == 1)

        // HTTP clients retry a request whose kept-alive connection closed, so drop every try.
        await server.sandbox.inject(.dropBeforeApplying, times: 5)
        await #expect(throws: (any Error).self) { _ = try await URLSession.shared.data(for: request) }
        #expect(await server.sandbox.requestLog().last?.status == 0)
        await server.sandbox.clearFaults()

        await server.stop()
        await #expect(throws: (any Error).self) { _ = try await URLSession.shared.data(for: request) }
    }
}
