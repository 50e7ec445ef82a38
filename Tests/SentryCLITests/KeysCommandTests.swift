import Foundation
import SentryAPI
import SentrySandbox
import SentrySandboxServer
import Testing
import TestSupport

/// The built `sentry-sdk` run as a process against a sandbox server on loopback.
@Suite(.serialized) struct KeysCommandTests: AsyncClosable {
    static let token = "cli-test-token-91c2"

    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) async throws -> CLIProcess.Run {
        try await CLIProcess.run(arguments, in: directory, environment: environment)
    }

    let server: SandboxServer
    var common: [String] { ["--org", "my-org", "--project", "web", "--url", server.url, "--auth-token", Self.token] }

    func close() async {
        TestArtifacts.secrets(await server.sandbox.issuedSecrets + [Self.token])
        await server.stop()
    }

    init() async throws {
        server = try await SandboxServer.start(try Sandbox(configuration: SandboxConfiguration(
            seed: [("my-org", ["web"])], tokens: [SandboxToken(Self.token), SandboxToken("reader", scopes: ["project:read"])],
            ingestURL: TestServerProfile.ingestURL, defaultKeys: false, profile: SandboxProfile(rawValue: TestServerProfile.rawValue)!)))
    }

    @Test func everyCommandEndToEnd() async throws {
        try await use { _ in
            let created = try await Self.run(["keys", "create", "--name", "Web", "--rate-limit-window", "3600", "--rate-limit-count", "1000", "--format", "json"] + common)
            #expect(created.status == 0, "\(created.stderr)")
            let key = try JSONDecoder().decode(ProjectKey.self, from: Data(created.stdout.utf8))
            #expect(key.name == "Web")
            #expect(key.rateLimit == RateLimit(window: 3600, count: 1000))
            #expect(key.secret?.count == (TestServerProfile.keysHaveSecrets ? 32 : nil))
            #expect(key.dsn.public.hasPrefix(TestServerProfile.dsnPrefix(publicKey: key.public)))

            let listed = try await Self.run(["keys", "list", "--format", "json"] + common)
            #expect(try JSONDecoder().decode([ProjectKey].self, from: Data(listed.stdout.utf8)) == [key])

            let got = try await Self.run(["keys", "get", key.id, "--format", "json"] + common)
            #expect(try JSONDecoder().decode(ProjectKey.self, from: Data(got.stdout.utf8)) == key)

            let updated = try await Self.run(["keys", "update", key.id, "--name", "Web 2", "--inactive", "--no-rate-limit", "--loader-option", "hasDebug=true", "--format", "json"] + common)
            if TestServerProfile.appliesUpdates {
                #expect(updated.status == 0, "\(updated.stderr)")
                let changed = try JSONDecoder().decode(ProjectKey.self, from: Data(updated.stdout.utf8))
                #expect(changed.name == "Web 2" && changed.isActive == false && changed.rateLimit == nil && changed.dynamicSdkLoaderOptions?.hasDebug == true)

                let inactive = try await Self.run(["keys", "list", "--status", "inactive", "--format", "json"] + common)
                #expect(try JSONDecoder().decode([ProjectKey].self, from: Data(inactive.stdout.utf8)).map(\.id) == [key.id])
            } else {
                #expect(updated.status == 1 && updated.stderr.contains("did not apply name"), "\(updated.stderr)")
            }

            let table = try await Self.run(["keys", "list"] + common)
            #expect(table.stdout.hasPrefix("ID"))
            #expect(table.stdout.contains(key.id))
            if let secret = key.secret {
                #expect(!table.stdout.contains(secret), "tables mask secrets")
                #expect(table.stdout.contains(String(secret.prefix(6)) + "…" + String(secret.suffix(4))))
                #expect(try await Self.run(["keys", "list", "--show-secrets"] + common).stdout.contains(secret))
            }

            let deleted = try await Self.run(["keys", "delete", key.id] + common)
            #expect(deleted.status == 0)
            let gone = try await Self.run(["keys", "get", key.id] + common)
            #expect(gone.status == 4)
            #expect(gone.stderr.hasPrefix("error: Sentry found nothing for `getProjectKey`"))
        }
    }

    @Test func rotateMakesASuccessorAndDeactivatesTheOldKeyAtOnceOrSaysWhen() async throws {
        try await use { _ in
            let created = try await Self.run(["keys", "create", "--name", "Web", "--rate-limit-window", "60", "--rate-limit-count", "10", "--format", "json"] + common)
            let old = try JSONDecoder().decode(ProjectKey.self, from: Data(created.stdout.utf8))
            let bad = try await Self.run(["keys", "rotate", old.id, "--grace", "a week"] + common)
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("--grace must be a period such as 7d"))

            let later = try await Self.run(["keys", "rotate", old.id, "--grace", "7d", "--retire", "30d", "--format", "json"] + common)
            #expect(later.status == 0, "\(later.stderr)")
            let successor = try JSONDecoder().decode(ProjectKey.self, from: Data(later.stdout.utf8))
            #expect(successor.id != old.id)
            #expect(successor.name.hasPrefix("Web (rotated 20"))
            #expect(successor.rateLimit == RateLimit(window: 60, count: 10), "the old key's settings")
            #expect(later.stderr.contains("The old key \(old.id) still takes events. After "))
            #expect(later.stderr.contains("run: sentry-sdk keys update --org my-org --project web \(old.id) --inactive"))
            #expect(later.stderr.contains("delete it: sentry-sdk keys delete --org my-org --project web \(old.id)"))
            let listed = try JSONDecoder().decode([ProjectKey].self, from: Data(try await Self.run(["keys", "list", "--format", "json"] + common).stdout.utf8))
            #expect(listed.count == 2)
            #expect(listed.allSatisfy { $0.isActive ?? true })

            let now = try await Self.run(["keys", "rotate", successor.id, "--grace", "0"] + common)
            guard TestServerProfile.appliesUpdates else {
                #expect(now.status == 1 && now.stderr.contains("did not apply isActive"), "\(now.stderr)")
                return
            }
            #expect(now.status == 0, "\(now.stderr)")
            #expect(now.stdout.hasPrefix("id "))
            #expect(now.stderr.contains("The old key \(successor.id) is deactivated."))
            let after = try JSONDecoder().decode([ProjectKey].self, from: Data(try await Self.run(["keys", "list", "--format", "json"] + common).stdout.utf8))
            #expect(after.count == 3)
            #expect(after.first { $0.id == successor.id }?.isActive == false)
        }
    }

    @Test func envFormatPrintsOneKeysVariablesAsShell() async throws {
        try await use { _ in
            let created = try await Self.run(["keys", "create", "--name", "Web", "--format", "json"] + common)
            let old = try JSONDecoder().decode(ProjectKey.self, from: Data(created.stdout.utf8))

            let rotated = try await Self.run(["keys", "rotate", old.id, "--grace", "7d", "--format", "env"] + common)
            #expect(rotated.status == 0, "\(rotated.stderr)")
            let lines = rotated.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 1 && lines[0].hasPrefix("SENTRY_DSN="), "\(rotated.stdout)")
            #expect(rotated.stderr.contains("The old key \(old.id) still takes events."), "guidance stays on stderr")
            let successor = try #require(try JSONDecoder().decode([ProjectKey].self, from: Data(try await Self.run(["keys", "list", "--format", "json"] + common).stdout.utf8))
                .first { $0.id != old.id })
            #expect(lines[0] == "SENTRY_DSN=" + successor.dsn.public)

            let secrets = try await Self.run(["keys", "get", successor.id, "--format", "env", "--output-name", "WEB", "--show-secrets"] + common)
            #expect(secrets.status == 0, "\(secrets.stderr)")
            #expect(secrets.stdout.split(separator: "\n").map { String($0.prefix { $0 != "=" }) }
                == ["WEB_DSN"] + (successor.dsn.secret == nil ? [] : ["WEB_SECRET_DSN"]) + (successor.secret == nil ? [] : ["WEB_SECRET"]))
            // Sourced by a shell, the lines set the variables (compared in the shell, so that no
            // secret is printed).
            let file = FileManager.default.temporaryDirectory.appending(path: "keys-env-\(UUID().uuidString).env")
            defer { try? FileManager.default.removeItem(at: file) }
            try secrets.stdout.write(to: file, atomically: true, encoding: .utf8)
            let script = #"set -eu; . "$1"; [ "$WEB_DSN" = "$2" ] && [ "${WEB_SECRET_DSN-}" = "$3" ] && [ "${WEB_SECRET-}" = "$4" ] && echo same"#
            let sourced = try await TestProcess.run("/bin/sh", ["-c", script, "sh", file.path, successor.dsn.public, successor.dsn.secret ?? "", successor.secret ?? ""])
            #expect(sourced.output == "same\n")

            for (arguments, message) in [(["keys", "list", "--format", "env"], "--format env prints one key's variables; keys list prints no single key"),
                                         (["keys", "get", successor.id, "--format", "env", "--output-name", "9WEB"], "--output-name must be a variable name")] {
                let refused = try await Self.run(arguments + common)
                #expect(refused.status == 2 && refused.stderr.contains(message), "\(refused.stderr)")
            }
        }
    }

    @Test(arguments: [
        (["keys", "create", "--project", "web"], "Missing the organization"),
        (["keys", "create", "--org", "my-org"], "Missing the project"),
        (["keys", "create", "--org", "my-org", "--project", "web", "--rate-limit-window", "86401", "--rate-limit-count", "1"], "`--rate-limit-window` must be at most 86400"),
        (["keys", "create", "--org", "my-org", "--project", "web", "--rate-limit-window", "60", "--rate-limit-count=-1"], "`--rate-limit-count` must be at least 0"),
        (["keys", "create", "--org", "my-org", "--project", "web", "--rate-limit-window", "60"], "`--rate-limit-count` must be set"),
        (["keys", "create", "--org", "my-org", "--project", "web", "--name", String(repeating: "n", count: 65)], "`--name` must be at most 64 characters"),
        (["keys", "create", "--org", "my-org", "--project", "web", "--use-case", "telemetry"], "`--use-case` must be one of"),
        (["keys", "update", "k", "--org", "my-org", "--project", "web", "--active", "--inactive"], "--active and --inactive exclude each other"),
        (["keys", "update", "k", "--org", "my-org", "--project", "web", "--no-rate-limit", "--rate-limit-window", "5", "--rate-limit-count", "5"], "--no-rate-limit excludes"),
        (["keys", "update", "k", "--org", "my-org", "--project", "web", "--loader-option", "hasMagic=true"], "Invalid --loader-option \"hasMagic\""),
        (["keys", "list", "--org", "my-org", "--project", "web", "--format", "yaml"], "The value 'yaml' is invalid for '--format"),
    ])
    func badInputIsRefusedBeforeAnyRequest(arguments: [String], message: String) async throws {
        try await use { _ in
            let result = try await Self.run(arguments + ["--url", server.url, "--auth-token", Self.token])
            #expect(result.status == 2)
            #expect(result.stderr.contains(message), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
            #expect(await server.sandbox.requestLog().isEmpty)
        }
    }

    @Test func authenticationAndPermissionFailuresExit3() async throws {
        try await use { _ in
            let unknown = try await Self.run(["keys", "list", "--org", "my-org", "--project", "web", "--url", server.url, "--auth-token", "nope"])
            #expect(unknown.status == 3)
            #expect(!unknown.stderr.contains("nope"))
            let reader = try await Self.run(["keys", "create", "--org", "my-org", "--project", "web", "--url", server.url, "--auth-token", "reader"])
            #expect(reader.status == 3)
            #expect(reader.stderr.contains("project:write"))
            let none = try await Self.run(["keys", "list", "--org", "my-org", "--project", "web", "--url", server.url], in: FileManager.default.temporaryDirectory, environment: ["HOME": "/nonexistent"])
            #expect(none.status == 3)
            #expect(none.stderr.contains("No Sentry auth token"))
        }
    }

    @Test func anUpdateTheServerIgnoredExits1() async throws {
        try await use { _ in
            let key = try JSONDecoder().decode(ProjectKey.self, from: Data(try await Self.run(["keys", "create", "--name", "A", "--format", "json"] + common).stdout.utf8))
            await server.sandbox.inject(.ignoreUpdate, on: "updateProjectKey")
            let result = try await Self.run(["keys", "update", key.id, "--name", "B"] + common)
            #expect(result.status == 1)
            #expect(result.stderr.contains("did not apply name"))
        }
    }

    @Test func environmentVariablesAndAdopt() async throws {
        try await use { _ in
            let env = ["SENTRY_AUTH_TOKEN": Self.token, "SENTRY_URL": server.url, "SENTRY_ORG": "my-org", "SENTRY_PROJECT": "web"]
            let first = try await Self.run(["keys", "create", "--name", "Shared", "--format", "json"], environment: env)
            #expect(first.status == 0, "\(first.stderr)")
            let adopted = try await Self.run(["keys", "create", "--name", "Shared", "--adopt", "--rate-limit-window", "60", "--rate-limit-count", "9", "--format", "json"], environment: env)
            if TestServerProfile.appliesUpdates {
                let one = try JSONDecoder().decode(ProjectKey.self, from: Data(first.stdout.utf8))
                let two = try JSONDecoder().decode(ProjectKey.self, from: Data(adopted.stdout.utf8))
                #expect(one.id == two.id)
                #expect(two.rateLimit == RateLimit(window: 60, count: 9))
            } else {
                #expect(adopted.status == 1 && adopted.stderr.contains("did not apply rateLimit"), "\(adopted.stderr)")
            }
            #expect(await server.sandbox.requestLog().filter { $0.operationID == "createProjectKey" }.count == 1)
        }
    }

    @Test func aCreateWhoseAnswerWasLostIsLookedUpNotSentAgain() async throws {
        try await use { _ in
            await server.sandbox.inject(.dropAfterApplying, on: "createProjectKey")
            let created = try await Self.run(["keys", "create", "--name", "Lost Answer", "--format", "json"] + common)
            #expect(created.status == 0, "\(created.stderr)")
            let key = try JSONDecoder().decode(ProjectKey.self, from: Data(created.stdout.utf8))
            let log = await server.sandbox.requestLog().compactMap(\.operationID)
            #expect(log == ["createProjectKey", "listProjectKeys"], "one create, then the lookup")
            let listed = try await Self.run(["keys", "list", "--format", "json"] + common)
            #expect(try JSONDecoder().decode([ProjectKey].self, from: Data(listed.stdout.utf8)).map(\.id) == [key.id])
        }
    }

    @Test func adoptNeedsAName() async throws {
        try await use { _ in
            let result = try await Self.run(["keys", "create", "--adopt"] + common)
            #expect(result.status == 2)
            #expect(result.stderr.contains("--adopt needs --name"))
            #expect(await server.sandbox.requestLog().isEmpty)
        }
    }

    @Test func verboseLogsRequestsWithoutSecrets() async throws {
        try await use { _ in
            let result = try await Self.run(["keys", "create", "--name", "Loud", "--verbose", "--format", "json"] + common)
            let key = try JSONDecoder().decode(ProjectKey.self, from: Data(result.stdout.utf8))
            #expect(result.stderr.contains("POST /api/0/projects/{organization_id_or_slug}/{project_id_or_slug}/keys/"))
            #expect(!result.stderr.contains(Self.token))
            if let secret = key.secret { #expect(!result.stderr.contains(secret)) }  // the compatible server sends none
        }
    }

    @Test func sandboxModeKeepsKeysBetweenRuns() async throws {
        try await use { _ in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cli-sandbox-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let created = try await Self.run(["keys", "create", "--sandbox", "--org", "my-org", "--project", "my-project", "--name", "My Key", "--format", "json"], in: directory)
            #expect(created.status == 0, "\(created.stderr)")
            let listed = try await Self.run(["keys", "list", "--sandbox", "--org", "my-org", "--project", "my-project", "--format", "json"], in: directory)
            // Newest first, after the key Sentry gives every new project.
            #expect(try JSONDecoder().decode([ProjectKey].self, from: Data(listed.stdout.utf8)).map(\.name) == ["My Key", "Default"])
            let mode = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(".sentry-sandbox.json").path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            // The sandbox's own database holds the secrets (it is the server); they must not leak elsewhere.
            let store = try SandboxStore.read(from: directory.appendingPathComponent(".sentry-sandbox.json"))
            TestArtifacts.secrets(store.keys.map(\.secretKey))
        }
    }
}
