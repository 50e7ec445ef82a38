import Foundation
import SentryAPI
import SentrySandbox
import SentrySandboxServer
import Testing
import TestSupport
import Yams

/// `sentry-sdk plan`, `apply`, `destroy` and `output` as processes, on a manifest file,
/// against a sandbox server on loopback.
@Suite(.serialized) struct ManifestCommandTests {
    static let token = "manifest-test-token-3e8a"

    /// The seed's four keys; on the compatible server without the loader's settings, which
    /// it does not have (a create cannot set them, and it ignores updates).
    static var seedManifest: String {
        TestServerProfile.isCompatibleServer
            ? sentrySeedManifest.replacing("    browserSdkVersion: 8.x\n    dynamicSdkLoaderOptions: {hasReplay: false}\n", with: "")
            : sentrySeedManifest
    }

    static let sentrySeedManifest = """
    app: shop
    stage: prod
    organization: my-org
    keys:
      my-key:
        name: My Key
        project: web
      rate-limited-key:
        name: Rate Limited Key
        project: web
        rateLimit: {window: 3600, count: 1000}
      profiling-key:
        name: Profiling Key
        project: web
        useCase: profiling
      existing-key:
        name: Existing Key
        project: api
        adopt: true
        browserSdkVersion: 8.x
        dynamicSdkLoaderOptions: {hasReplay: false}

    """

    /// A sandbox server, a directory holding the manifest and the stack's state, and the
    /// command line to reach them.
    struct Setup: AsyncClosable {
        let server: SandboxServer
        let directory: URL

        init(manifest: String = ManifestCommandTests.seedManifest) async throws {
            server = try await SandboxServer.start(try Sandbox(configuration: SandboxConfiguration(
                seed: [("my-org", ["web", "api"])], tokens: [SandboxToken(ManifestCommandTests.token)],
                ingestURL: TestServerProfile.ingestURL, defaultKeys: false, profile: SandboxProfile(rawValue: TestServerProfile.rawValue)!)))
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("manifest-cli-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try write(manifest)
        }

        func write(_ manifest: String) throws {
            try manifest.write(to: directory.appendingPathComponent("sentry-keys.yaml"), atomically: true, encoding: .utf8)
        }

        var connection: [String] { ["--url", server.url, "--auth-token", ManifestCommandTests.token, "--state", directory.appendingPathComponent("state").path] }

        /// `sentry-sdk COMMAND ...` in the manifest's directory.
        func run(_ arguments: [String]) async throws -> CLIProcess.Run {
            try await CLIProcess.run(arguments + connection, in: directory)
        }

        /// Requests since the last call, by operation.
        func requests() async -> [String: Int] {
            var counts: [String: Int] = [:]
            for entry in await server.sandbox.requestLog() { counts[entry.operationID ?? "?", default: 0] += 1 }
            await server.sandbox.clearRequestLog()
            return counts
        }

        func writes() async -> [String: Int] {
            await requests().filter { ["createProjectKey", "updateProjectKey", "deleteProjectKey"].contains($0.key) }
        }

        var client: SentryClient {
            SentryClient(configuration: SentryConfiguration(authToken: Secret(ManifestCommandTests.token), baseURL: URL(string: server.url)!))
        }

        func serverKeys(_ project: String) async throws -> [ProjectKey] {
            let client = client
            var keys: [ProjectKey] = []
            for try await key in client.items(Operations.ListProjectKeys(organizationIdOrSlug: "my-org", projectIdOrSlug: project)) { keys.append(key) }
            try await client.shutdown()
            return keys
        }

        func close() async {
            TestArtifacts.secrets(await server.sandbox.issuedSecrets + [ManifestCommandTests.token])
            await server.stop()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// The plan's lines for each key: `+ create my-key`, ...
    static func planLines(_ output: String) -> [String] {
        output.split(separator: "\n").filter { $0.hasPrefix("  ") }.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    @Test func applyRotatesAKeyWhenAskedAndTheManifestSaysHowItRetires() async throws {
        try await Setup().use { setup in
            try setup.write("app: shop\nstage: prod\norganization: my-org\nkeys:\n  web:\n    name: Web\n    project: web\n    rotation: {every: 90d, grace: 7d}\n")
            let first = try await setup.run(["apply"])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("+ create web: next rotation "), "\(first.stdout)")
            let unknown = try await setup.run(["apply", "--rotate", "api"])
            #expect(unknown.status == 2)
            #expect(unknown.stderr.contains("Invalid --rotate \"api\": the manifest declares no such key (it has web)."))
            _ = await setup.requests()

            let rotated = try await setup.run(["apply", "--rotate", "web", "--format", "json"])
            #expect(rotated.status == 0, "\(rotated.stderr)")
            #expect(rotated.stdout.contains(#""action" : "rotate""#) || rotated.stdout.contains(#""action":"rotate""#), "\(rotated.stdout)")
            #expect(await setup.writes() == ["createProjectKey": 1])
            let names = try await setup.serverKeys("web").map(\.name)
            #expect(names.count == 2)
            #expect(names.contains("Web") && names.contains { $0.hasPrefix("Web (rotated 20") })

            let plan = try await setup.run(["plan"])
            #expect(Self.planLines(plan.stdout).contains { $0.hasPrefix("= no change web~rotated~") && $0.hasSuffix(", then deactivated") }, "\(plan.stdout)")
        }
    }

    @Test func planApplyPlanThenEditsInOnePutPerKeyAndOneDelete() async throws {
        try await Setup().use { setup in

            let first = try await setup.run(["plan", "--detailed-exitcode"])
            #expect(first.status == 2, "\(first.stderr)")
            #expect(Self.planLines(first.stdout) == ["+ create my-key", "+ create rate-limited-key", "+ create profiling-key", "+ create existing-key"])
            #expect(first.stdout.contains("4 to create."))
            #expect(await setup.writes().isEmpty, "a plan writes nothing")
            let state = try await CLIProcess.run(["state", "list", "--app", "shop", "--stage", "prod", "--state", setup.directory.appendingPathComponent("state").path])
            #expect(state.status == 0 && state.stdout.isEmpty, "a plan records nothing: \(state.stdout)")

            let applied = try await setup.run(["apply"])
            #expect(applied.status == 0, "\(applied.stderr)")
            #expect(applied.stdout.contains("4 created."))
            let created = await setup.requests()
            #expect(created["createProjectKey"] == 4)
            #expect(created["listProjectKeys"] == 2, "one listing per project, shared by the plan and the apply")
            #expect(try await setup.serverKeys("web").map(\.name).sorted() == ["My Key", "Profiling Key", "Rate Limited Key"])
            let existing = try #require(try await setup.serverKeys("api").first)
            #expect(existing.name == "Existing Key")
            if TestServerProfile.appliesUpdates { #expect(existing.browserSdkVersion == "8.x" && existing.dynamicSdkLoaderOptions?.hasReplay == false) }

            let again = try await setup.run(["plan", "--detailed-exitcode"])
            #expect(again.status == 0, "\(again.stderr)")
            #expect(Self.planLines(again.stdout) == ["= no change my-key", "= no change rate-limited-key", "= no change profiling-key", "= no change existing-key"])
            #expect(await setup.writes().isEmpty)

            // Rename one key, clear another's rate limit, remove a third.
            try setup.write(Self.seedManifest.replacing("name: My Key", with: "name: My Renamed Key")
                .replacing("    rateLimit: {window: 3600, count: 1000}\n", with: "")
                .replacing("  profiling-key:\n    name: Profiling Key\n    project: web\n    useCase: profiling\n", with: ""))
            let edited = try await setup.run(["plan", "--detailed-exitcode"])
            #expect(edited.status == 2)
            #expect(Self.planLines(edited.stdout) == [
                #"~ update my-key (name: "My Key" -> "My Renamed Key")"#,
                "~ update rate-limited-key (rateLimit: 1000/3600s -> none)",
                "= no change existing-key",
                "- delete profiling-key",
            ])
            _ = await setup.requests()
            let done = try await setup.run(["apply", "--yes"])
            guard TestServerProfile.appliesUpdates else {
                #expect(done.status == 1 && done.stderr.contains("did not apply name") && done.stderr.contains("did not apply rateLimit"), "\(done.stderr)")
                #expect(await setup.writes() == ["updateProjectKey": 2], "nothing is deleted after a failed update")
                return
            }
            #expect(done.status == 0, "\(done.stderr)")
            #expect(await setup.writes() == ["updateProjectKey": 2, "deleteProjectKey": 1])
            let web = try await setup.serverKeys("web")
            #expect(web.map(\.name).sorted() == ["My Renamed Key", "Rate Limited Key"])
            #expect(web.first { $0.name == "Rate Limited Key" }?.rateLimit == nil)
        }
    }

    @Test func driftShowsInPlanAndApplyRepairsIt() async throws {
        try await Setup().use { setup in
            #expect(try await setup.run(["apply"]).status == 0)
            let keys = try await setup.serverKeys("web")
            let myKey = try #require(keys.first { $0.name == "My Key" })
            let limited = try #require(keys.first { $0.name == "Rate Limited Key" })
            let client = setup.client
            _ = try await client.send(Operations.UpdateProjectKey(organizationIdOrSlug: "my-org", projectIdOrSlug: "web", keyId: myKey.id,
                                                                  body: UpdateProjectKeyRequest(name: "Renamed By Hand")))
            _ = try await client.send(Operations.DeleteProjectKey(organizationIdOrSlug: "my-org", projectIdOrSlug: "web", keyId: limited.id))
            try await client.shutdown()

            let plan = try await setup.run(["plan", "--detailed-exitcode"])
            #expect(plan.status == 2)
            let lines = Self.planLines(plan.stdout)
            if TestServerProfile.appliesUpdates {
                #expect(lines.contains(#"~ update my-key (name: "Renamed By Hand" -> "My Key"): changed outside the SDK; brought back to its props"#), "\(lines)")
            } else {
                #expect(lines.contains("= no change my-key"), "the server ignored the hand edit too: \(lines)")
            }
            #expect(lines.contains("+ create rate-limited-key: the key was deleted outside the SDK; created again"), "\(lines)")

            let repaired = try await setup.run(["apply"])
            #expect(repaired.status == 0, "\(repaired.stderr)")
            #expect(try await setup.serverKeys("web").map(\.name).sorted() == ["My Key", "Profiling Key", "Rate Limited Key"])
            #expect(try await setup.run(["plan", "--detailed-exitcode"]).status == 0)
        }
    }

    @Test func applyWithoutATerminalRefusesADeleteUnlessYes() async throws {
        try await Setup().use { setup in
            #expect(try await setup.run(["apply"]).status == 0)
            let stateBefore = try await CLIProcess.run(["state", "list", "--app", "shop", "--stage", "prod", "--state", setup.directory.appendingPathComponent("state").path])
            _ = await setup.requests()

            try setup.write(Self.seedManifest.replacing("  my-key:\n    name: My Key\n    project: web\n", with: ""))
            let refused = try await setup.run(["apply"])
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("The plan deletes or replaces a key (my-key) and there is no terminal to confirm it; nothing was changed. Run sentry-sdk apply on a terminal, or pass --yes."), "\(refused.stderr)")
            #expect(await setup.writes().isEmpty)
            let stateAfter = try await CLIProcess.run(["state", "list", "--app", "shop", "--stage", "prod", "--state", setup.directory.appendingPathComponent("state").path])
            #expect(stateAfter.stdout == stateBefore.stdout)

            // Creates and updates need no question.
            try setup.write(Self.seedManifest + "  another:\n    name: Another\n    project: web\n")
            #expect(try await setup.run(["apply"]).status == 0)
            #expect(await setup.writes() == ["createProjectKey": 1])
        }
    }

    @Test func destroyLeavesTheProjectsEmpty() async throws {
        try await Setup().use { setup in
            #expect(try await setup.run(["apply"]).status == 0)
            let refused = try await setup.run(["destroy"])
            #expect(refused.status == 2)
            #expect(try await setup.serverKeys("web").count == 3)

            let destroyed = try await setup.run(["destroy", "--yes"])
            #expect(destroyed.status == 0, "\(destroyed.stderr)")
            #expect(destroyed.stdout.contains("4 deleted."))
            #expect(try await setup.serverKeys("web").isEmpty)
            #expect(try await setup.serverKeys("api").isEmpty)
            let empty = try await setup.run(["destroy"])
            #expect(empty.status == 0)
            #expect(empty.stdout.contains("Nothing to destroy"))
        }
    }

    @Test func outputInEveryFormat() async throws {
        try await Setup(manifest: Self.seedManifest.replacing("    project: api\n", with: "    project: api\n    outputName: LEGACY\n")).use { setup in
            let notYet = try await setup.run(["output"])
            #expect(notYet.status == 4)
            #expect(notYet.stderr.contains("Not created yet: my-key, rate-limited-key, profiling-key, existing-key; run sentry-sdk apply first."))
            #expect(try await setup.run(["apply"]).status == 0)
            let web = try await setup.serverKeys("web")
            let api = try await setup.serverKeys("api")
            let dsn = { (name: String) in (web + api).first { $0.name == name }!.dsn.public }
            _ = await setup.requests()

            let table = try await setup.run(["output"])
            #expect(table.status == 0)
            #expect(table.stdout.split(separator: "\n").first?.hasPrefix("KEY") == true)
            #expect(table.stdout.contains(dsn("My Key")))
            #expect(await setup.writes().isEmpty, "output only reads")

            let json = try await setup.run(["output", "--format", "json", "my-key"])
            let decoded = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
            #expect(decoded.count == 1)
            #expect(decoded.first?["id"] as? String == "my-key")
            #expect((decoded.first?["dsn"] as? [String: Any])?["public"] as? String == dsn("My Key"))
            #expect(decoded.first?["secret"] == nil, "no secret without --show-secrets")
            #expect((decoded.first?["dsn"] as? [String: Any])?["secret"] == nil, "no secret DSN without --show-secrets")

            let env = try await setup.run(["output", "--format", "env"])
            let names: [String] = env.stdout.split(separator: "\n").map { line in String(line.prefix { $0 != "=" }) }
            #expect(names == ["MY_KEY_DSN", "RATE_LIMITED_KEY_DSN", "PROFILING_KEY_DSN", "LEGACY_DSN"])
            // The lines are shell: sourced, they set the variables.
            let envFile = setup.directory.appendingPathComponent("keys.env")
            try env.stdout.write(to: envFile, atomically: true, encoding: .utf8)
            let sourced = try await TestProcess.run("/bin/sh", ["-c", "set -eu; . \(envFile.path); printf '%s\\n' \"$MY_KEY_DSN\" \"$LEGACY_DSN\""])
            #expect(sourced.output == dsn("My Key") + "\n" + dsn("Existing Key") + "\n")

            let secret = try await setup.run(["output", "--format", "k8s-secret", "--name", "shop-dsns"])
            #expect(secret.status == 0, "\(secret.stderr)")
            let document = try #require(try Yams.load(yaml: secret.stdout) as? [String: Any])
            #expect(document["kind"] as? String == "Secret")
            #expect((document["metadata"] as? [String: Any])?["name"] as? String == "shop-dsns")
            let data = try #require(document["stringData"] as? [String: String])
            #expect(data == ["MY_KEY_DSN": dsn("My Key"), "RATE_LIMITED_KEY_DSN": dsn("Rate Limited Key"),
                             "PROFILING_KEY_DSN": dsn("Profiling Key"), "LEGACY_DSN": dsn("Existing Key")])

            let withSecrets = try await setup.run(["output", "--format", "env", "--show-secrets", "my-key"])
            let myKey = try #require(web.first { $0.name == "My Key" })
            // The compatible server sends a secret DSN but no secret.
            let secretLine = myKey.secret.map { "MY_KEY_SECRET=\($0)\n" } ?? ""
            #expect(withSecrets.stdout == "MY_KEY_DSN=\(myKey.dsn.public)\nMY_KEY_SECRET_DSN=\(try #require(myKey.dsn.secret))\n" + secretLine)

            let unknown = try await setup.run(["output", "nope"])
            #expect(unknown.status == 2)
            #expect(unknown.stderr.contains("declares no key nope"))
        }
    }

    @Test func adoptTakesOverTheExistingKeyByName() async throws {
        try await Setup().use { setup in
            let client = setup.client
            let existing = try await client.send(Operations.CreateProjectKey(organizationIdOrSlug: "my-org", projectIdOrSlug: "api",
                                                                             body: CreateProjectKeyRequest(name: "Existing Key")))
            try await client.shutdown()
            _ = await setup.requests()
            let plan = try await setup.run(["plan"])
            // On the compatible server the manifest sets no loader, so adopting changes nothing.
            let adoption = TestServerProfile.appliesUpdates ? "< adopt existing-key (browserSdkVersion:" : "< adopt existing-key"
            #expect(Self.planLines(plan.stdout).last?.hasPrefix(adoption) == true, "\(plan.stdout)")
            #expect(try await setup.run(["apply"]).status == 0)
            #expect(try await setup.serverKeys("api").map(\.id) == [existing.id])
            #expect(await setup.writes()["createProjectKey"] == 3)
        }
    }

    @Test(arguments: [
        ("app: shop\nstage: prod\ncolour: red\nkeys: {}\n", "3:1: `colour` is not a field here; the fields are app, stage, organization, keys."),
        ("app: shop\nstage: prod\norganization: o\nkeys:\n  web:\n    nmae: Web\n    project: web\n", "6:5: `keys.web.nmae` is not a field here"),
        ("app: shop\nstage: prod\norganization: o\nkeys:\n  web:\n    project: web\n    rateLimit: {window: abc, count: 5}\n", "7:25: `keys.web.rateLimit.window` must be a whole number (it is \"abc\")."),
        ("app: shop\nstage: prod\norganization: o\nkeys:\n  web:\n    project: web\n    adopt: maybe\n", "7:12: `keys.web.adopt` must be true or false"),
        ("app: shop\nstage: prod\norganization: o\nkeys:\n  web:\n    project: web\n    name: \(String(repeating: "n", count: 65))\n", "7:11: `keys.web.name` must be at most 64 characters (it has 65)."),
        ("app: shop\nstage: prod\norganization: o\nkeys:\n  web:\n    project: web\n    rateLimit:\n      window: 90000\n      count: 5\n", "8:15: `keys.web.rateLimit.window` must be at most 86400 (it is 90000)."),
        ("app: shop\nstage: prod\norganization: o\nkeys:\n  web:\n    project: web\n    rateLimit: {window: 60, count: -1}\n", "7:36: `keys.web.rateLimit.count` must be at least 0 (it is -1)."),
        ("app: shop\nstage: prod\norganization: o\nkeys:\n  web:\n    project: web\n    useCase: telemetry\n", "7:14: `keys.web.useCase` must be one of user, profiling"),
        ("app: shop\nstage: prod\norganization: o\nkeys:\n  web:\n    name: Web\n", "6:5: `keys.web.project` is missing."),
        ("app: shop\nstage: prod\norganization: o\nkeys:\n  web:\n    project: web\n  web:\n    project: api\n", "5:3: has `web` more than once in one mapping"),
        ("app: shop\nstage: prod\norganization: o\nkeys:\n  \"\":\n    project: web\n", "5:3: `keys` has a key without an id"),
        ("app: shop\nstage: prod\nkeys: [unclosed\n", "4:1: is not valid YAML"),
        ("app: shop\nstage: prod\nkeys:\n  web:\n    project: web\n", "5:5: `keys.web.organization` is missing: set organization on the key or at the top of the file, or SENTRY_ORG."),
        ("app: shop\nstage: prod\norganization: o\nkeys:\n  web:\n    project: web\n    rateLimit: {window: 60}\n", "7:16: `keys.web.rateLimit.count` must be set when rateLimit.window is."),
        ("app: shop\nstage: prod\norganization: o\nkeys:\n  web:\n    project: web\n    dynamicSdkLoaderOptions: {hasMagic: true}\n", "7:31: `keys.web.dynamicSdkLoaderOptions.hasMagic` is not a field here"),
        ("app: shop\nstage: prod\nkeys:\n  - web\n", "4:3: `keys` must be a mapping."),
        ("app: shop\nstage: prod\norganization: o\nkeys:\n  web:\n    project: web\n    rotation: {grace: soon}\n", "7:23: `keys.web.rotation.grace` must be a period such as 90d, 12h, 30m or 0 (it is \"soon\")."),
        ("stage: prod\nkeys: {}\n", "1:1: `app` is missing."),
        ("app: shop\nkeys: {}\n", "sentry-keys.yaml names no stage: add `stage:` to it or pass --stage."),
        ("app: shop\nstage: prod\norganization: o\nkeys:\n  web-key:\n    project: web\n  web_key:\n    project: web\n", "7:3: `keys.web_key.outputName` gives the output variable WEB_KEY_DSN, which web-key gives too"),
        ("app: shop\nstage: prod\norganization: o\nkeys:\n  web:\n    project: [web]\n", "6:14: `keys.web.project` must be text."),
        ("app: shop\nstage: prod\norganization: o\nkeys:\n  web:\n    project: web\n    rateLimit: {}\n", "7:16: `keys.web.rateLimit` is empty: give window and count, or null for no rate limit."),
        ("app: shop\nstage: prod\nkeys:\n", "3:6: `keys` is empty: declare the keys under it"),
        ("app: shop\nstage: prod\norganization: o\nkeys:\n  web:\n    project: web\n  web-secret:\n    project: web\n", "7:3: `keys.web-secret.outputName` gives the output variable WEB_SECRET_DSN, which web gives too"),
        (#"{"app": "shop", "stage": "prod", "organization": "o", "keys": {"web": {"project": "web", "rateLimit": {"window": 60, "count": "x"}}}}"#,
         "1:127: `keys.web.rateLimit.count` must be a whole number (it is \"x\")."),
    ])
    func badManifestsAreRefusedBeforeAnyRequest(manifest: String, message: String) async throws {
        try await Setup(manifest: manifest).use { setup in
            for command in ["plan", "apply", "output"] {
                let result = try await setup.run([command])
                #expect(result.status == 2, "\(command): \(result.stderr)")
                let expected = message.hasPrefix("sentry-keys.yaml") ? "error: " + message : "error: sentry-keys.yaml:" + message
                #expect(result.stderr.hasPrefix(expected) || result.stderr.contains("\nsentry-keys.yaml:" + message),
                        "\(command): \(result.stderr)")
                #expect(result.stderr.split(separator: "\n").count == 1, "one problem, said once: \(result.stderr)")
                #expect(result.stdout.isEmpty)
            }
            #expect(await setup.requests().isEmpty)
            #expect(!FileManager.default.fileExists(atPath: setup.directory.appendingPathComponent("state").path), "no state written")
        }
    }

    @Test func anApplyKilledHalfWayIsFinishedByTheNextWithoutADuplicate() async throws {
        // Every round changes each key, so each apply has work to be cut in: it toggles isActive
        // where the server applies updates; where it ignores them, it declares ten new keys in
        // place of the last round's (ten creates, ten deletes).
        let replaces = !TestServerProfile.appliesUpdates
        func names(_ round: Int) -> [String] { (0..<10).map { replaces ? "Key \($0) r\(round)" : "Key \($0)" } }
        func manifest(_ round: Int) -> String {
            "app: shop\nstage: prod\norganization: my-org\nkeys:\n" + names(round).map { name in
                let id = name.lowercased().replacing(" ", with: "-")
                return "  \(id):\n    name: \(name)\n    project: web\n" + (replaces ? "" : "    isActive: \(round % 2 == 0)\n")
            }.joined()
        }
        try await Setup(manifest: manifest(0)).use { setup in
            // Each answer a little late, so that an apply lasts long enough to be cut anywhere.
            await setup.server.sandbox.inject(.delay(.milliseconds(15)), times: 1_000_000)
            var killed = 0
            for round in 0..<12 {
                try setup.write(manifest(round))
                let victim = try CLIProcess.start(["apply", "--yes"] + setup.connection, in: setup.directory)
                try await Task.sleep(for: .milliseconds(Int.random(in: 20...250)))
                kill(victim.processIdentifier, SIGKILL)
                try await TestProcess.offThePool { victim.waitUntilExit() }
                if victim.terminationReason == .uncaughtSignal { killed += 1 }

                let next = try await setup.run(["apply", "--yes"])
                #expect(next.status == 0, "round \(round): \(next.stderr)")
                let onServer = try await setup.serverKeys("web")
                #expect(onServer.map(\.name).sorted() == names(round).sorted(), "round \(round): no duplicate, none missing")
                if !replaces { #expect(onServer.allSatisfy { $0.isActive == (round % 2 == 0) }, "round \(round)") }
            }
            #expect(killed >= 6, "most applies were killed half-way (\(killed) of 12)")
        }
    }
}
