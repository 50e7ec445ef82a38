import Foundation
import SentryAPI
import SentryModels
@testable import SentryPostgresState
import SentryResources
import SentrySandbox
import SentrySandboxServer
import Testing
import TestSupport

/// A store on its own schema of the test PostgreSQL server (see TestPostgres).
struct Database {
    let url: String
    let schema: String
    let store: PostgresStateStore

    init() throws {
        url = try TestPostgres.isolatedURL()
        schema = String(url.split(separator: "=").last!)
        store = try PostgresStateStore(url: url)
    }

    /// The server-side process holding a stack's advisory lock, if any.
    func lockHolderPID(app: String, stage: String) throws -> Int? {
        let key = UInt64(bitPattern: PostgresStateStore.lockKey(schema: schema, app: app, stage: stage))
        let output = try TestPostgres.psql("""
            SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
            AND classid = \(key >> 32) AND objid = \(key & 0xffff_ffff) AND objsubid = 1
            """)
        return Int(output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Ends the server process of a connection, as a crash or a network cut would.
    func terminate(pid: Int) throws {
        _ = try TestPostgres.psql("SELECT pg_terminate_backend(\(pid))")
    }

    func rows() throws -> [String] {
        try TestPostgres.psql("SELECT kind || ' ' || id || ' ' || body::text FROM \(schema).sentry_sdk_state ORDER BY kind, id")
            .split(separator: "\n").map(String.init)
    }
}

@Suite struct PostgresConfigurationTests {
    @Test func urlsInLibpqForm() throws {
        let full = try PostgresStateStore.Configuration(url: "postgresql://deploy:p%40ss@db.internal:6432/infra?schema=sentry&connect_timeout=3&sslmode=disable")
        #expect(full.host == "db.internal")
        #expect(full.port == 6432)
        #expect(full.username == "deploy")
        #expect(full.password?.revealed == "p@ss")
        #expect(full.database == "infra")
        #expect(full.schema == "sentry")
        #expect(full.connectTimeout == .seconds(3))
        #expect(!full.tls.isAllowed)
        let short = try PostgresStateStore.Configuration(url: "postgres://me@localhost")
        #expect(short.port == 5432 && short.database == nil && short.password == nil && short.schema == "public")
        #expect(try PostgresStateStore.Configuration(url: "postgres://me@h/db?sslmode=require").tls.isEnforced)
        #expect(try PostgresStateStore.Configuration(url: "postgres://me@h/db?sslmode=verify-full").tls.isEnforced)
        let preferred = try PostgresStateStore.Configuration(url: "postgres://me@h/db?sslmode=prefer").tls
        #expect(preferred.isAllowed && !preferred.isEnforced)
    }

    @Test func badUrlsNameWhatIsWrongAndNeverThePassword() {
        let cases: [(url: String, says: String)] = [
            ("mysql://me:hunter2@h/db", "not a PostgreSQL URL"),
            ("postgres://me:hunter2@/db", "names no host"),
            ("postgres://h/db", "names no user"),
            ("postgres://me:hunter2@h/db?sslmode=maybe", "sslmode must be"),
            ("postgres://me:hunter2@h/db?scheme=x", "\"scheme\""),
            ("postgres://me:hunter2@h/db?schema=Robert';DROP", "state schema"),
            ("postgres://me:hunter2@h/db?connect_timeout=-1", "connect_timeout"),
        ]
        for (url, says) in cases {
            do {
                _ = try PostgresStateStore.Configuration(url: url)
                Issue.record("\(url) was accepted")
            } catch {
                #expect(error.description.contains(says), "\(url): \(error)")
                #expect(!error.description.contains("hunter2"))
            }
        }
    }

    @Test func describingTheStoreShowsNoPassword() throws {
        let store = try PostgresStateStore(url: "postgres://deploy:hunter2@db.internal/infra?schema=sentry")
        #expect(store.description == "PostgreSQL state at db.internal:5432/infra (schema sentry)")
        #expect(!String(reflecting: store.configuration).contains("hunter2"))
    }

    @Test func anUnregisteredSchemeIsAClearErrorWhereStateIsFirstUsed() async throws {
        let store = StateStores.fromEnvironment([StateStores.urlVariable: "cockroach://me@h/db"])
        await #expect {
            _ = try await store.records(app: "a", stage: "b")
        } throws: { error in
            "\(error)".contains("SENTRY_SDK_STATE_URL cannot be used") && "\(error)".contains("\"cockroach\"")
        }
        PostgresStateStore.register()
        #expect(try StateStores.open("postgres://me@h/db") is PostgresStateStore)
        #expect(try StateStores.open("/tmp/state") is FileStateStore)
    }
}

@Suite struct PostgresStateStoreTests {
    static func record(_ id: String, order: Int, secret: SealedSecret? = nil) -> ResourceRecord {
        ResourceRecord(id: id, type: "ClientKey", order: order, attributes: ["keyId": .string("key-\(id)"), "name": .string("Key \(id)")],
                       secrets: secret.map { ["secret": $0] } ?? [:])
    }

    @Test func recordsRoundTripInCreationOrder() async throws {
        let database = try Database()
        let store = database.store
        let sealed = try SecretSealer(password: "pw", rounds: 16).seal(Secret("0123456789abcdef0123456789abcdef"))
        #expect(try await store.records(app: "shop", stage: "prod").isEmpty, "a new database has no state, and gets its table")
        try await store.write(Self.record("web", order: 1, secret: sealed), app: "shop", stage: "prod")
        try await store.write(Self.record("api", order: 0), app: "shop", stage: "prod")
        try await store.write(Self.record("other", order: 0), app: "shop", stage: "dev")
        #expect(try await store.records(app: "shop", stage: "prod") == [Self.record("api", order: 0), Self.record("web", order: 1, secret: sealed)])
        var renamed = Self.record("web", order: 1, secret: sealed)
        renamed.attributes["name"] = .string("Renamed")
        try await store.write(renamed, app: "shop", stage: "prod")
        #expect(try await store.records(app: "shop", stage: "prod").last == renamed, "a write replaces the record with its id")
        try await store.delete(id: "api", app: "shop", stage: "prod")
        try await store.delete(id: "never-there", app: "shop", stage: "prod")
        #expect(try await store.records(app: "shop", stage: "prod") == [renamed])
        #expect(try await store.records(app: "shop", stage: "dev").map(\.id) == ["other"])
        #expect(try await store.allRecords() == [
            StackName(app: "shop", stage: "prod"): [renamed], StackName(app: "shop", stage: "dev"): [Self.record("other", order: 0)],
        ])
    }

    @Test func theTableIsCreatedAndVersionedByTheStore() async throws {
        let database = try Database()
        #expect(try await database.store.schemaVersion() == PostgresStateStore.migrations.count)
        #expect(try database.rows() == ["schema  {\"version\": \(PostgresStateStore.migrations.count)}"])
        // A second store (another process, another version) finds it in place.
        let again = try PostgresStateStore(url: database.url)
        #expect(try await again.records(app: "a", stage: "b").isEmpty)
        #expect(try database.rows().count == 1)
        // A table from a newer sentry-sdk is refused, not misread.
        _ = try TestPostgres.psql("UPDATE \(database.schema).sentry_sdk_state SET body = '{\"version\": 99}' WHERE kind = 'schema'")
        await #expect {
            _ = try await PostgresStateStore(url: database.url).records(app: "a", stage: "b")
        } throws: { error in
            "\(error)".contains("schema version 99, newer than this sentry-sdk knows (1); upgrade sentry-sdk")
        }
    }

    @Test func aSecondLockWaitsThenNamesTheHolder() async throws {
        let database = try Database()
        let first = try await database.store.lock(app: "shop", stage: "prod", timeout: .seconds(1))
        let other = try PostgresStateStore(url: database.url)
        let started = ContinuousClock.now
        await #expect {
            _ = try await other.lock(app: "shop", stage: "prod", timeout: .milliseconds(300))
        } throws: { error in
            "\(error)".hasPrefix("The stack shop/prod is locked by another run (process \(getpid()) on \(ProcessInfo.processInfo.hostName) since 20")
        }
        #expect(ContinuousClock.now - started >= .milliseconds(300), "it waited for its timeout")
        // Another stack is not held up.
        let elsewhere = try await other.lock(app: "shop", stage: "dev", timeout: .milliseconds(300))
        await elsewhere.release()
        // One that waits long enough gets the lock once it is released.
        let waiter = Task { try await other.lock(app: "shop", stage: "prod", timeout: .seconds(10)) }
        try await Task.sleep(for: .milliseconds(300))
        await first.release()
        let second = try await waiter.value
        #expect(try database.lockHolderPID(app: "shop", stage: "prod") != nil)
        await second.release()
        await second.release()
        #expect(try database.lockHolderPID(app: "shop", stage: "prod") == nil)
    }

    /// The URL's sslmode reaches postgres-nio: the server (TLS on, self-signed) reports each
    /// session's encryption in pg_stat_ssl.
    @Test func tlsSettingsPassThroughToTheConnection() async throws {
        let database = try Database()
        let certificate = try TestPostgres.certificate()
        func encrypted(_ parameters: String) async throws -> Bool {
            let store = try PostgresStateStore(url: database.url + parameters)
            let connection = try await store.connect()
            let ssl = try await store.first("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", on: connection, as: Bool.self)
            try await connection.close()
            return try #require(ssl as Bool?)
        }
        #expect(try await encrypted("&sslmode=disable") == false)
        #expect(try await encrypted("&sslmode=require") == true)
        #expect(try await encrypted("&sslmode=verify-full&sslrootcert=\(certificate)") == true)
        // verify-full checks the certificate: the system's roots do not vouch for a self-signed one.
        await #expect {
            _ = try await PostgresStateStore(url: database.url + "&sslmode=verify-full").records(app: "a", stage: "b")
        } throws: { error in
            "\(error)".contains("Cannot connect to the state database")
        }
    }

    @Test func aCrashedRunsLockGoesWithItsConnection() async throws {
        let database = try Database()
        let lock = try await database.store.lock(app: "shop", stage: "prod", timeout: .seconds(1))
        let holder = try #require(try database.lockHolderPID(app: "shop", stage: "prod"))
        try database.terminate(pid: holder)
        let next = try await PostgresStateStore(url: database.url).lock(app: "shop", stage: "prod", timeout: .seconds(5))
        await next.release()
        // The crashed holder's write fails clearly instead of going through unlocked.
        await #expect {
            try await database.store.write(PostgresStateStoreTests.record("web", order: 0), app: "shop", stage: "prod")
        } throws: { error in
            "\(error)".contains("connection to the state database was lost during the run of shop/prod")
        }
        await lock.release()
    }
}

/// Whole stack runs on PostgreSQL state against a sandbox on loopback.
@Suite(.serialized) struct PostgresStackTests {
    static let token = "postgres-stack-token-9e2b"

    struct Setup: AsyncClosable {
        let server: SandboxServer
        let database: Database

        init() async throws {
            let sandbox = try Sandbox(configuration: SandboxConfiguration(seed: [("my-org", ["web"])], tokens: [SandboxToken(PostgresStackTests.token)], defaultKeys: false))
            server = try await SandboxServer.start(sandbox)
            database = try Database()
        }

        func stack(password: Secret? = nil) throws -> Stack {
            let url = URL(string: server.url)!
            return try Stack(app: "shop", stage: "prod", store: database.store, password: password) { token in
                SentryConfiguration(authToken: token ?? Secret(PostgresStackTests.token), baseURL: url, retryBudget: 3,
                                    initialBackoff: .milliseconds(5), maximumBackoff: .milliseconds(50))
            }
        }

        func serverKeys() async throws -> [ProjectKey] {
            let client = SentryClient(configuration: SentryConfiguration(authToken: Secret(PostgresStackTests.token), baseURL: URL(string: server.url)!))
            var keys: [ProjectKey] = []
            for try await key in client.items(Operations.ListProjectKeys(organizationIdOrSlug: "my-org", projectIdOrSlug: "web")) { keys.append(key) }
            try await client.shutdown()
            return keys
        }

        func close() async {
            TestArtifacts.secrets(await server.sandbox.issuedSecrets + [PostgresStackTests.token])
            TestArtifacts.keep(((try? database.rows()) ?? []).joined(separator: "\n"), as: "postgres-state-rows")
            await server.stop()
        }
    }

    static func declare(_ count: Int, suffix: String) -> @Sendable () async throws -> Void {
        {
            for index in 0..<count {
                _ = try await ClientKey("k\(index)", name: "Key \(index) \(suffix)", project: "web", organization: "my-org")
            }
        }
    }

    @Test func stateRowsHoldNoSecretInClearText() async throws {
        try await Setup().use { setup in
            try await setup.stack(password: "team-password").run(Self.declare(5, suffix: "s"))
            let keys = try await setup.serverKeys()
            #expect(keys.count == 5)
            let rows = try setup.database.rows().filter { $0.hasPrefix("resource ") }
            #expect(rows.count == 5)
            for row in rows {
                #expect(row.contains(SealedSecret.currentAlgorithm), "each row carries its sealed secret")
                for key in keys {
                    #expect(!row.contains(key.secret!), "no key secret in clear text")
                    #expect(!row.contains(key.dsn.secret!), "no secret DSN in clear text")
                }
            }
            // The sealed secrets open with the password, as in file state.
            let records = try await setup.database.store.records(app: "shop", stage: "prod")
            let opened = try SecretSealer(password: "team-password").open(try #require(records.first?.secrets["secret"]))
            #expect(keys.contains { $0.secret == opened.revealed })
        }
    }

    @Test func aConnectionDroppedMidRunIsRepairedByTheNextRun() async throws {
        try await Setup().use { setup in
            // Each answer a little late, so that the run is surely cut half-way.
            await setup.server.sandbox.inject(.delay(.milliseconds(25)), times: 1_000_000)
            for (round, cut) in [50, 150, 300].enumerated() {
                let stack = try setup.stack()
                let run = Task { try await stack.run(Self.declare(12, suffix: "r\(round)")) }
                // Once the run holds its lock, cut its connection a little later.
                var holder: Int?
                for _ in 0..<200 where holder == nil {
                    holder = try setup.database.lockHolderPID(app: "shop", stage: "prod")
                    if holder == nil { try await Task.sleep(for: .milliseconds(10)) }
                }
                try await Task.sleep(for: .milliseconds(cut))
                try setup.database.terminate(pid: try #require(holder, "round \(round): the run took its lock"))
                await #expect(throws: (any Error).self, "round \(round): the cut run fails") { try await run.value }
                if case .failure(let error) = await run.result {
                    #expect("\(error)".contains("connection to the state database was lost"), "round \(round): \(error)")
                }
                // The next run repairs: exactly the declared keys on the server and in state.
                let changes = try await setup.stack().run(Self.declare(12, suffix: "r\(round)"))
                #expect(changes.count == 12)
                let names = try await setup.serverKeys().map(\.name).sorted()
                #expect(names == (0..<12).map { "Key \($0) r\(round)" }.sorted(), "round \(round): the server has \(names)")
                #expect(Set(try await setup.database.store.records(app: "shop", stage: "prod").map(\.id)) == Set((0..<12).map { "k\($0)" }))
            }
        }
    }

    @Test func stateMovesBetweenFilesAndPostgresBothWays() async throws {
        try await Setup().use { setup in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("migrate-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let files = FileStateStore(root: directory.appendingPathComponent("there"))
            let url = URL(string: setup.server.url)!
            let configuration: @Sendable (Secret?) throws -> SentryConfiguration = { token in
                SentryConfiguration(authToken: token ?? Secret(PostgresStackTests.token), baseURL: url)
            }
            try await Stack(app: "shop", stage: "prod", store: files, password: "pw", configuration: configuration).run(Self.declare(7, suffix: "m"))
            let original = try await files.records(app: "shop", stage: "prod")
            #expect(original.count == 7)

            #expect(try await StateMigration.copy(app: "shop", stage: "prod", from: files, to: setup.database.store) == 7)
            #expect(try await setup.database.store.records(app: "shop", stage: "prod") == original)
            // On PostgreSQL the stack sees its keys: a rerun changes nothing.
            let rerun = try await setup.stack(password: "pw").run(Self.declare(7, suffix: "m"))
            #expect(rerun.allSatisfy { $0.action == .noChange } && rerun.count == 7)

            // And back, into a fresh directory.
            let back = FileStateStore(root: directory.appendingPathComponent("back"))
            #expect(try await StateMigration.copy(app: "shop", stage: "prod", from: setup.database.store, to: back) == 7)
            #expect(try await back.records(app: "shop", stage: "prod") == original)

            // A destination that already holds other state for the stack is not overwritten unasked.
            try await files.delete(id: "k0", app: "shop", stage: "prod")
            await #expect {
                try await StateMigration.copy(app: "shop", stage: "prod", from: files, to: back)
            } throws: { error in
                "\(error)".contains("The destination already has state for shop/prod (7 resources); nothing was copied")
            }
            #expect(try await back.records(app: "shop", stage: "prod").count == 7)
            #expect(try await StateMigration.copy(app: "shop", stage: "prod", from: files, to: back, replace: true) == 6)
            #expect(try await back.records(app: "shop", stage: "prod").map(\.id) == original.dropFirst().map(\.id))
            #expect(try await setup.serverKeys().count == 7, "moving state sends nothing to Sentry")
        }
    }
}

/// `sentry-sdk state` as a process.
@Suite struct StateCommandTests {
    @Test func migrateToPostgresAndBackFromTheCommandLine() async throws {
        let database = try Database()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cli-state-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = FileStateStore(root: directory)
        for (index, id) in ["web", "api", "worker"].enumerated() {
            try await files.write(PostgresStateStoreTests.record(id, order: index), app: "shop", stage: "prod")
        }
        let cli = TestProcess.product("sentry-sdk")
        let moved = try await TestProcess.run(cli, ["state", "migrate", "--app", "shop", "--stage", "prod", "--from", directory.path, "--to", database.url])
        #expect(moved.status == 0, "\(moved.output)")
        #expect(moved.output.contains("Copied 3 resources of shop/prod; the source is unchanged."))
        #expect(try await database.store.records(app: "shop", stage: "prod") == files.records(app: "shop", stage: "prod"))

        let listed = try await TestProcess.run(cli, ["state", "list", "--app", "shop", "--stage", "prod", "--state", database.url])
        #expect(listed.status == 0)
        #expect(listed.output.split(separator: "\n").map { $0.split(separator: "\t").prefix(3).joined(separator: " ") }
                == ["web ClientKey key-web", "api ClientKey key-api", "worker ClientKey key-worker"])

        let back = directory.appendingPathComponent("back")
        let returned = try await TestProcess.run(cli, ["state", "migrate", "--app", "shop", "--stage", "prod", "--from", database.url, "--to", back.path])
        #expect(returned.status == 0, "\(returned.output)")
        #expect(try await FileStateStore(root: back).records(app: "shop", stage: "prod") == files.records(app: "shop", stage: "prod"))
    }

    @Test func badLocationsAreUsageErrorsAndWrongCredentialsNameNoPassword() async throws {
        let cli = TestProcess.product("sentry-sdk")
        let unknown = try await TestProcess.run(cli, ["state", "list", "--app", "shop", "--stage", "prod", "--state", "redis://h/0"])
        #expect(unknown.status == 2)
        #expect(unknown.output.contains("\"redis\""))
        let url = try TestPostgres.url()
        let wrong = url.replacingOccurrences(of: #"sentry_sdk:[^@]*@"#, with: "sentry_sdk:not-the-password-4f1d@", options: .regularExpression)
        let refused = try await TestProcess.run(cli, ["state", "list", "--app", "shop", "--stage", "prod", "--state", wrong])
        #expect(refused.status == 1)
        #expect(refused.output.contains("Cannot connect to the state database"), "\(refused.output)")
        #expect(!refused.output.contains("not-the-password-4f1d"))
    }
}
