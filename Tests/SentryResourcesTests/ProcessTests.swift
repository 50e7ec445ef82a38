import Foundation
import SentryAPI
import SentryModels
import SentryResources
import SentrySandbox
import SentrySandboxServer
import Testing
import TestSupport

/// Stack runs in processes of their own (`StackRunner`) against one sandbox: two at once, and
/// runs killed with SIGKILL at random points.
@Suite(.serialized) struct ProcessTests {
    static let token = "process-token-41c7"

    /// A runner started in the background.
    final class Runner: @unchecked Sendable {
        let process = Process()
        let output = Pipe()

        init(url: String, state: StateUnderTest, keys: Int, suffix: String, idPrefix: String = "", rotating: String? = nil,
             hold: Int = 0, lockTimeout: Int = 30_000) throws {
            process.executableURL = URL(fileURLWithPath: TestProcess.product("StackRunner"))
            process.arguments = ["--url", url, "--token", ProcessTests.token, "--state", state.location, "--keys", "\(keys)",
                                 "--suffix", suffix, "--id-prefix", idPrefix, "--hold-ms", "\(hold)", "--lock-timeout-ms", "\(lockTimeout)"]
                + (rotating.map { ["--rotate", $0] } ?? [])
            process.standardOutput = output
            process.standardError = output
            try process.run()
        }

        /// Waits for the end (off Swift's thread pool) and returns the status and output.
        func finish() async throws -> (status: Int32, output: String) {
            try await TestProcess.offThePool { [self] in
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                return (process.terminationStatus, String(decoding: data, as: UTF8.self))
            }
        }

        func kill() { _ = Foundation.kill(process.processIdentifier, SIGKILL) }
    }

    struct Setup: AsyncClosable {
        let server: SandboxServer
        let state: StateUnderTest

        /// A sandbox, and state of the kind this test run uses (or PostgreSQL when asked).
        init(postgres: Bool = StateUnderTest.usesPostgres) async throws {
            state = try postgres ? StateUnderTest.postgresState() : StateUnderTest.fresh()
            let sandbox = try Sandbox(configuration: SandboxConfiguration(seed: [("my-org", ["web"])], tokens: [SandboxToken(ProcessTests.token)],
                                                                         ingestURL: TestServerProfile.ingestURL, defaultKeys: false, profile: SandboxProfile(rawValue: TestServerProfile.rawValue)!))
            server = try await SandboxServer.start(sandbox)
        }

        func serverKeyNames() async throws -> [String] {
            let client = SentryClient(configuration: SentryConfiguration(authToken: Secret(ProcessTests.token), baseURL: URL(string: server.url)!))
            var names: [String] = []
            for try await key in client.items(Operations.ListProjectKeys(organizationIdOrSlug: "my-org", projectIdOrSlug: "web")) { names.append(key.name) }
            try await client.shutdown()
            return names
        }

        func recordIDs() async throws -> Set<String> {
            Set(try await state.store().records(app: "runner", stage: "test").map(\.id))
        }

        func close() async {
            TestArtifacts.secrets(await server.sandbox.issuedSecrets + [ProcessTests.token])
            state.keep(as: "runner-state")
            await server.stop()
            state.remove()
        }
    }

    @Test(arguments: [false, true]) func twoProcessesRunningOneStackTakeTurns(postgres: Bool) async throws {
        try await Setup(postgres: postgres).use { setup in
            let first = try Runner(url: setup.server.url, state: setup.state, keys: 6, suffix: "a", hold: 1_500)
            try await Task.sleep(for: .milliseconds(700))
            // One that gives up quickly fails with a clear message; one that waits runs afterwards.
            let impatient = try Runner(url: setup.server.url, state: setup.state, keys: 6, suffix: "a", lockTimeout: 100)
            let patient = try Runner(url: setup.server.url, state: setup.state, keys: 6, suffix: "a", lockTimeout: 20_000)
            let refused = try await impatient.finish()
            #expect(refused.status == 3)
            #expect(refused.output.contains("The stack runner/test is locked by another run (process \(first.process.processIdentifier) on "))
            let (firstResult, patientResult) = (try await first.finish(), try await patient.finish())
            #expect(firstResult.status == 0, "\(firstResult.output)")
            #expect(patientResult.status == 0, "\(patientResult.output)")
            #expect(patientResult.output.contains("no change k0"), "the second run saw the first one's keys: \(patientResult.output)")
            #expect(try await setup.serverKeyNames().sorted() == (0..<6).map { "Key \($0) a" }.sorted())
            #expect(try await setup.recordIDs() == Set((0..<6).map { "k\($0)" }))
        }
    }

    @Test func rotationsKilledAtRandomPointsNeverMakeASecondSuccessor() async throws {
        try await Setup().use { setup in
            await setup.server.sandbox.inject(.delay(.milliseconds(15)), times: 1_000_000)
            _ = try await Runner(url: setup.server.url, state: setup.state, keys: 3, suffix: "r").finish()
            var generator = SystemRandomNumberGenerator()
            var killed = 0
            for round in 0..<12 {
                let victim = try Runner(url: setup.server.url, state: setup.state, keys: 3, suffix: "r", rotating: "k\(round % 3)")
                try await Task.sleep(for: .milliseconds(Int.random(in: 10...200, using: &generator)))
                victim.kill()
                _ = try await victim.finish()
                if victim.process.terminationReason == .uncaughtSignal { killed += 1 }
                let next = try await Runner(url: setup.server.url, state: setup.state, keys: 3, suffix: "r").finish()
                #expect(next.status == 0, "round \(round): \(next.output)")
                // Every key on the server is one the state knows: the declared key's, or a
                // predecessor's. A second successor would be known to nothing.
                let records = try await setup.state.store().records(app: "runner", stage: "test")
                let tracked = records.compactMap { record -> String? in
                    if case .string(let id)? = record.attributes["keyId"] { return id }
                    return nil
                }
                let client = SentryClient(configuration: SentryConfiguration(authToken: Secret(ProcessTests.token), baseURL: URL(string: setup.server.url)!))
                var keys: [ProjectKey] = []
                for try await key in client.items(Operations.ListProjectKeys(organizationIdOrSlug: "my-org", projectIdOrSlug: "web")) { keys.append(key) }
                try await client.shutdown()
                #expect(Set(keys.map(\.id)) == Set(tracked), "round \(round): the server has \(keys.map(\.name).sorted())")
                #expect(tracked.count == Set(tracked).count, "round \(round): a key tracked twice")
                #expect(Set(records.filter { !$0.id.contains("~") }.map(\.id)) == ["k0", "k1", "k2"])
            }
            #expect(killed > 0, "no run was cut")
        }
    }

    @Test func runsKilledAtRandomPointsLoseNothingAndDuplicateNothing() async throws {
        try await Setup().use { setup in
            // Each response a little late, so that a deploy lasts long enough to be cut anywhere.
            await setup.server.sandbox.inject(.delay(.milliseconds(15)), times: 1_000_000)
            var generator = SystemRandomNumberGenerator()
            var killed = 0
            var round = 0
            // Until 50 runs were killed before they finished (a run that ends first is not counted).
            while killed < 50 && round < 150 {
                defer { round += 1 }
                // Every round changes what is declared, and a few keys more or fewer: new names
                // (renames), or where the server ignores updates, new keys in place of the old.
                let count = 8 + round % 5
                let suffix = "v\(round)"
                let prefix = TestServerProfile.appliesUpdates ? "" : "r\(round)-"
                let victim = try Runner(url: setup.server.url, state: setup.state, keys: count, suffix: suffix, idPrefix: prefix)
                try await Task.sleep(for: .milliseconds(Int.random(in: 10...300, using: &generator)))
                victim.kill()
                _ = try await victim.finish()
                if victim.process.terminationReason == .uncaughtSignal { killed += 1 }

                let next = try await Runner(url: setup.server.url, state: setup.state, keys: count, suffix: suffix, idPrefix: prefix).finish()
                #expect(next.status == 0, "round \(round): the run after the kill failed: \(next.output)")
                let names = try await setup.serverKeyNames()
                #expect(names.sorted() == (0..<count).map { "Key \($0) \(suffix)" }.sorted(),
                        "round \(round): the server has \(names.sorted())")
                #expect(try await setup.recordIDs() == Set((0..<count).map { "\(prefix)k\($0)" }), "round \(round)")
            }
            #expect(killed == 50, "50 runs killed half-way (\(killed) in \(round) rounds)")
        }
    }
}
