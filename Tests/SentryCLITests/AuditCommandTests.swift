import Foundation
import SentryAPI
import SentrySandbox
import SentrySandboxServer
import Testing
import TestSupport

/// `sentry-sdk audit` as a process against a sandbox server: each format, `--ignore`,
/// `--fail-on`'s exit codes, the state's stacks, and nothing but reads.
@Suite(.serialized) struct AuditCommandTests: AsyncClosable {
    static let token = "audit-test-token-3e7a"

    let server: SandboxServer
    var connection: [String] { ["--url", server.url, "--auth-token", Self.token] }

    init() async throws {
        server = try await SandboxServer.start(try Sandbox(configuration: SandboxConfiguration(
            seed: [("my-org", ["web", "api"])], tokens: [SandboxToken(Self.token)],
            ingestURL: TestServerProfile.ingestURL, defaultKeys: false, profile: SandboxProfile(rawValue: TestServerProfile.rawValue)!)))
    }

    func close() async {
        TestArtifacts.secrets(await server.sandbox.issuedSecrets + [Self.token])
        await server.stop()
    }

    /// web: two keys named Web, one without a rate limit; api: one key with a limit.
    func seedKeys() async throws {
        for (project, name, limit) in [("web", "Web", false), ("web", "Web", true), ("api", "API", true)] {
            let created = try await CLIProcess.run(["keys", "create", "--org", "my-org", "--project", project, "--name", name]
                + (limit ? ["--rate-limit-window", "60", "--rate-limit-count", "100"] : []) + connection)
            #expect(created.status == 0, "\(created.stderr)")
        }
        await server.sandbox.clearRequestLog()
    }

    func onlyReads() async -> Bool {
        let log = await server.sandbox.requestLog()
        return !log.isEmpty && log.allSatisfy { $0.method == "GET" }
    }

    @Test func tableJSONAndExitCodes() async throws {
        try await use { _ in
            try await seedKeys()
            let table = try await CLIProcess.run(["audit", "--org", "my-org"] + connection)
            #expect(table.status == 0, "never fails by default: \(table.stderr)")
            let lines = table.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("PROJECT") == true)
            #expect(lines.contains { $0.hasPrefix("web") && $0.contains("warning") && $0.contains("no-rate-limit") && $0.contains("Web (") })
            #expect(lines.last == "4 findings (0 errors, 3 warnings, 1 note) in 3 keys of 2 projects of my-org.", "\(table.stdout)")
            #expect(table.stderr.isEmpty, "no progress without a terminal")
            #expect(await onlyReads())

            let json = try await CLIProcess.run(["audit", "--org", "my-org", "--format", "json", "--ignore", "duplicate-name"] + connection)
            #expect(json.status == 0, "\(json.stderr)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let findings = try #require(document["findings"] as? [[String: Any]])
            #expect(findings.map { $0["code"] as? String } == ["several-active-keys", "no-rate-limit"])
            #expect(findings.allSatisfy { $0["project"] as? String == "web" && $0["severity"] != nil && $0["reason"] != nil })
            #expect((document["projects"] as? [[String: Any]])?.compactMap { $0["slug"] as? String } == ["api", "web"])
            #expect(document["stateChecked"] as? Bool == false)

            let failing = try await CLIProcess.run(["audit", "--org", "my-org", "--fail-on", "warning"] + connection)
            #expect(failing.status == 2)
            let ignored = try await CLIProcess.run(["audit", "--org", "my-org", "--fail-on", "warning", "--ignore", "no-rate-limit", "--ignore", "duplicate-name"] + connection)
            #expect(ignored.status == 0, "only a note is left: \(ignored.stdout)")
            let errors = try await CLIProcess.run(["audit", "--org", "my-org", "--fail-on", "error"] + connection)
            #expect(errors.status == 0)
        }
    }

    @Test func sarifHasWhatSARIF210Requires() async throws {
        try await use { _ in
            try await seedKeys()
            let run = try await CLIProcess.run(["audit", "--org", "my-org", "--project", "web", "--format", "sarif"] + connection)
            #expect(run.status == 0, "\(run.stderr)")
            let log = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            #expect(log["version"] as? String == "2.1.0")
            #expect(log["$schema"] as? String == "https://json.schemastore.org/sarif-2.1.0.json")
            let runs = try #require(log["runs"] as? [[String: Any]])
            #expect(runs.count == 1)
            let driver = try #require((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])
            #expect(driver["name"] as? String == "sentry-sdk")
            let rules = try #require(driver["rules"] as? [[String: Any]])
            let ruleIDs = rules.compactMap { $0["id"] as? String }
            #expect(ruleIDs.contains("no-rate-limit") && ruleIDs.count == rules.count)
            let results = try #require(runs[0]["results"] as? [[String: Any]])
            #expect(results.count == 4)
            for result in results {
                let ruleID = try #require(result["ruleId"] as? String)
                let index = try #require(result["ruleIndex"] as? Int)
                #expect(ruleIDs[index] == ruleID, "ruleIndex points at the rule")
                #expect(["none", "note", "warning", "error"].contains(result["level"] as? String ?? ""))
                #expect(((result["message"] as? [String: Any])?["text"] as? String)?.isEmpty == false)
                let locations = try #require(result["locations"] as? [[String: Any]])
                let logical = try #require(locations.first?["logicalLocations"] as? [[String: Any]])
                #expect((logical.first?["fullyQualifiedName"] as? String)?.hasPrefix("my-org/web") == true)
            }
            #expect(await onlyReads())
            // --project skips the organization's project list: one listing of web's keys.
            #expect(await server.sandbox.requestLog().map(\.operationID) == ["listProjectKeys"])
        }
    }

    @Test func theStatesStacksMarkManagedAndMissingKeys() async throws {
        try await use { _ in
            try await seedKeys()
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("audit-cli-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let manifest = """
                app: shop
                stage: prod
                organization: my-org
                keys:
                  api:
                    name: API
                    project: api
                    adopt: true
                    rateLimit: {window: 60, count: 100}
                """
            try manifest.write(to: directory.appendingPathComponent("sentry-keys.yaml"), atomically: true, encoding: .utf8)
            let state = directory.appendingPathComponent("state").path
            let applied = try await CLIProcess.run(["apply", "--state", state] + connection, in: directory)
            #expect(applied.status == 0, "\(applied.stderr)")
            await server.sandbox.clearRequestLog()

            let audit = try await CLIProcess.run(["audit", "--org", "my-org", "--format", "json", "--state", state] + connection, in: directory)
            #expect(audit.status == 0, "\(audit.stderr)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
            let findings = try #require(document["findings"] as? [[String: Any]])
            #expect(document["stateChecked"] as? Bool == true)
            let unmanaged = findings.filter { $0["code"] as? String == "unmanaged" }.compactMap { $0["keyName"] as? String }
            #expect(unmanaged == ["Web", "Web"], "the adopted API key is the stack's")
            #expect(await onlyReads())
            #expect(try await CLIProcess.run(["audit", "--org", "my-org", "--state", state, "--fail-on", "error"] + connection, in: directory).status == 0)
            #expect(try await CLIProcess.run(["audit", "--org", "my-org", "--state", state, "--fail-on", "note"] + connection, in: directory).status == 2)

            // The stack's key deleted behind its back: an error.
            let key = try #require(findings.isEmpty ? nil : try await serverKeyID(named: "API", in: "api"))
            #expect(try await CLIProcess.run(["keys", "delete", key, "--org", "my-org", "--project", "api"] + connection).status == 0)
            let drifted = try await CLIProcess.run(["audit", "--org", "my-org", "--state", state, "--fail-on", "error"] + connection, in: directory)
            #expect(drifted.status == 2)
            #expect(drifted.stdout.contains("managed-key-missing") && drifted.stdout.contains("stack shop/prod tracks it as api"), "\(drifted.stdout)")
        }
    }

    @Test func progressGoesToATerminalOnly() async throws {
        try await use { _ in
            try await seedKeys()
            // `script` runs the audit on a terminal of its own and prints what reached it: with
            // stdout sent to a file, that is stderr, where the progress goes.
            let report = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString).json")
            defer { try? FileManager.default.removeItem(at: report) }
            let command = ([TestProcess.product("sentry-sdk"), "audit", "--org", "my-org", "--format", "json"] + connection).joined(separator: " ")
            let terminal = try await TestProcess.run("/usr/bin/script", ["-qec", command + " > " + report.path, "/dev/null"])
            #expect(terminal.status == 0, "\(terminal.output)")
            #expect(terminal.output.contains("projects 2/2"), "\(terminal.output)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
            #expect((document["projects"] as? [Any])?.count == 2, "stdout holds the report alone")
        }
    }

    /// The id of the project's key with this name.
    func serverKeyID(named name: String, in project: String) async throws -> String? {
        let listed = try await CLIProcess.run(["keys", "list", "--org", "my-org", "--project", project, "--format", "json"] + connection)
        return try JSONDecoder().decode([ProjectKey].self, from: Data(listed.stdout.utf8)).first { $0.name == name }?.id
    }

    @Test(arguments: [
        (["audit", "--org", "my-org", "--ignore", "no-limit"], "--ignore \"no-limit\" is not a finding code; the codes are no-rate-limit,"),
        (["audit", "--org", "my-org", "--max-age", "a year"], "--max-age must be a period longer than 0"),
        (["audit", "--org", "my-org", "--fail-on", "info"], "The value 'info' is invalid for '--fail-on"),
        (["audit"], "Missing the organization: pass --org or set SENTRY_ORG."),
        (["audit", "--org", "my-org", "--state", "/nonexistent/state"], "--state /nonexistent/state: there is no state directory there."),
        (["audit", "--org", "my-org", "--state", "file:///nonexistent/state"], "--state file:///nonexistent/state: there is no state directory there."),
        (["audit", "--org", "my-org", "--project", "web", "--project", "web"], "--project web is given more than once."),
        (["audit", "--org", "my-org", "--project", " "], "--project must not be empty"),
    ])
    func badInputIsRefusedBeforeAnyRequest(arguments: [String], message: String) async throws {
        try await use { _ in
            let result = try await CLIProcess.run(arguments + connection)
            #expect(result.status == 2)
            #expect(result.stderr.contains(message), "\(result.stderr)")
            #expect(await server.sandbox.requestLog().isEmpty)
        }
    }
}
