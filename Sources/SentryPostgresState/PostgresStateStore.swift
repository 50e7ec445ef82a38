import Foundation
import Logging
import NIOCore
import NIOSSL
import PostgresNIO
import SentryAPI
import SentryResources
import Synchronization

/// State in PostgreSQL, shared by everyone who deploys a stack: laptops and CI runners alike.
///
/// One table, `sentry_sdk_state`, holds a row per resource keyed by app, stage and resource id;
/// its body is the same record file state writes, key secrets sealed exactly as there. The store
/// creates the table and migrates it itself (the schema version is a row of the table).
///
/// A stack run holds a PostgreSQL advisory lock for its app and stage, on a connection of its
/// own for the whole run; a second run waits up to its timeout, then fails naming the holder
/// (host, process, since when). A crashed run's lock goes with its connection. Records are read
/// and written on the lock's connection, so a run that loses it stops at its next write
/// instead of carrying on unlocked.
///
/// ```swift
/// let store = try PostgresStateStore(url: "postgres://deploy@db.internal/infra?sslmode=verify-full")
/// let stack = try Stack(app: "shop", stage: "prod", store: store)
/// ```
///
/// Or register the `postgres://` scheme once and let stacks pick `SENTRY_SDK_STATE_URL` up:
/// ``register()``.
public final class PostgresStateStore: StateStore, CustomStringConvertible {
    /// Where the database is and how to reach it.
    public struct Configuration: Sendable {
        /// The server's host name or IP address.
        public var host: String
        /// The server's port; 5432 by default.
        public var port: Int
        /// The user to connect as.
        public var username: String
        /// The user's password, if the server asks for one.
        public var password: Secret?
        /// The database; the user's name when `nil`.
        public var database: String?
        /// The schema the state table lives in (created when missing); `public` by default.
        public var schema: String
        /// TLS, passed to postgres-nio as it is; `.disable` by default.
        public var tls: PostgresConnection.Configuration.TLS
        /// Time allowed to establish a connection.
        public var connectTimeout: Duration
        /// Time allowed for one read or write of state; past it, the connection counts as lost.
        public var queryTimeout: Duration

        /// A configuration from its parts.
        ///
        /// - Throws: a `StateError` when `schema` is not a plain lowercase SQL name.
        public init(host: String, port: Int = 5432, username: String, password: Secret? = nil, database: String? = nil,
                    schema: String = "public", tls: PostgresConnection.Configuration.TLS = .disable,
                    connectTimeout: Duration = .seconds(10), queryTimeout: Duration = .seconds(30)) throws(StateError) {
            guard Self.isPlainName(schema) else {
                throw StateError("The state schema \"\(schema)\" is not allowed: use lowercase letters, digits and underscores, starting with a letter or underscore, at most 63 characters.")
            }
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.database = database
            self.schema = schema
            self.tls = tls
            self.connectTimeout = connectTimeout
            self.queryTimeout = queryTimeout
        }

        /// A configuration from a URL in libpq's form,
        /// `postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=require&schema=NAME`.
        ///
        /// Query parameters: `sslmode` (`disable`, `prefer`, `require`: encrypted, certificate
        /// not checked; `verify-ca`; `verify-full`: certificate and host name checked),
        /// `sslrootcert` (a PEM file of trusted roots), `schema`, `connect_timeout` and
        /// `query_timeout` (seconds).
        /// Any other parameter is an error, so that a misspelt one is not silently ignored.
        ///
        /// - Throws: a `StateError` naming the part of the URL that is wrong; never the password.
        public init(url: String) throws(StateError) {
            guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
                  ["postgres", "postgresql"].contains(scheme) else {
                throw StateError("The state URL is not a PostgreSQL URL: it must look like postgres://USER:PASSWORD@HOST:PORT/DATABASE.")
            }
            guard let host = components.host, !host.isEmpty else {
                throw StateError("The state URL names no host: it must look like postgres://USER:PASSWORD@HOST:PORT/DATABASE.")
            }
            guard let user = components.user, !user.isEmpty else {
                throw StateError("The state URL names no user: it must look like postgres://USER:PASSWORD@HOST:PORT/DATABASE.")
            }
            let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
            var mode = "disable"
            var rootCertificate: String?
            var schema = "public"
            var timeout = Duration.seconds(10)
            var queryTimeout = Duration.seconds(30)
            for item in components.queryItems ?? [] {
                let value = item.value ?? ""
                switch item.name {
                case "sslmode": mode = value
                case "sslrootcert": rootCertificate = value
                case "schema": schema = value
                case "connect_timeout", "query_timeout":
                    guard let seconds = Int(value), seconds > 0 else {
                        throw StateError("The state URL's \(item.name) must be a positive number of seconds (got \"\(value)\").")
                    }
                    if item.name == "connect_timeout" { timeout = .seconds(seconds) } else { queryTimeout = .seconds(seconds) }
                default:
                    throw StateError("The state URL has a parameter this store does not know: \"\(item.name)\" (known: sslmode, sslrootcert, schema, connect_timeout, query_timeout).")
                }
            }
            try self.init(host: host, port: components.port ?? 5432, username: user, password: components.password.map { Secret($0) },
                          database: path.isEmpty ? nil : path, schema: schema,
                          tls: Self.tls(mode: mode, rootCertificate: rootCertificate), connectTimeout: timeout, queryTimeout: queryTimeout)
        }

        /// libpq's `sslmode` values, mapped onto postgres-nio's TLS settings.
        static func tls(mode: String, rootCertificate: String?) throws(StateError) -> PostgresConnection.Configuration.TLS {
            var tls = TLSConfiguration.makeClientConfiguration()
            if let rootCertificate { tls.trustRoots = .file(rootCertificate) }
            do {
                switch mode {
                case "disable": return .disable
                case "allow", "prefer":
                    tls.certificateVerification = .none
                    return .prefer(try NIOSSLContext(configuration: tls))
                case "require":
                    tls.certificateVerification = .none
                    return .require(try NIOSSLContext(configuration: tls))
                case "verify-ca":
                    tls.certificateVerification = .noHostnameVerification
                    return .require(try NIOSSLContext(configuration: tls))
                case "verify-full":
                    return .require(try NIOSSLContext(configuration: tls))
                default:
                    throw StateError("The state URL's sslmode must be disable, prefer, require, verify-ca or verify-full (got \"\(mode)\").")
                }
            } catch let error as StateError {
                throw error
            } catch {
                throw StateError("TLS for the state database cannot be set up (sslmode \(mode)): \(error).")
            }
        }

        static func isPlainName(_ name: String) -> Bool {
            guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 63 else { return false }
            let lower = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz_")
            return lower.contains(first) && name.unicodeScalars.allSatisfy { lower.contains($0) || ("0"..."9").contains($0) }
        }
    }

    /// How the store connects.
    public let configuration: Configuration
    private let logger: Logger
    /// The lock connection of each stack this process holds, by `app/stage`.
    private let held = Mutex<[String: PostgresConnection]>([:])
    private let migrated = Mutex(false)
    private static let connectionIDs = Atomic<Int>(0)

    /// A store for a configuration; nothing is connected until it is used.
    public init(configuration: Configuration, logger: Logger = Logger(label: "sentry-sdk.state")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// A store for a URL (see ``Configuration/init(url:)``); nothing is connected until it is used.
    public convenience init(url: String, logger: Logger = Logger(label: "sentry-sdk.state")) throws(StateError) {
        self.init(configuration: try Configuration(url: url), logger: logger)
    }

    /// Lets `postgres://` and `postgresql://` URLs in `SENTRY_SDK_STATE_URL` (and in
    /// `StateStores.open`) open this store. Call it once, at start-up.
    public static func register() {
        StateStores.register(schemes: ["postgres", "postgresql"]) { url, logger in
            try PostgresStateStore(url: url, logger: logger)
        }
    }

    /// Where the state is, without credentials.
    public var description: String {
        "PostgreSQL state at \(configuration.host):\(configuration.port)/\(configuration.database ?? configuration.username) (schema \(configuration.schema))"
    }

    /// The state table, schema-qualified and quoted.
    var table: String { "\"\(configuration.schema)\".sentry_sdk_state" }

    // MARK: StateStore

    public func records(app: String, stage: String) async throws -> [ResourceRecord] {
        let (table, logger) = (table, logger)
        return try await withConnection(app: app, stage: stage) { connection in
            let rows = try await connection.query(
                "SELECT id, body::text FROM \(unescaped: table) WHERE app = \(app) AND stage = \(stage) AND kind = 'resource'",
                logger: logger)
            var records: [ResourceRecord] = []
            let decoder = JSONDecoder()
            for try await (id, body) in rows.decode((String, String).self) {
                do {
                    records.append(try decoder.decode(ResourceRecord.self, from: Data(body.utf8)))
                } catch {
                    throw StateError("The state row \(app)/\(stage)/\(id) in \(table) is unreadable (\(error)); restore it from a backup or delete the row to let the next run adopt the resource.")
                }
            }
            return records.sorted { ($0.order, $0.id) < ($1.order, $1.id) }
        }
    }

    public func write(_ record: ResourceRecord, app: String, stage: String) async throws {
        let body = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
        try await withConnection(app: app, stage: stage) { [self] connection in
            try await upsert(app: app, stage: stage, kind: "resource", id: record.id, position: record.order, body: body, on: connection)
        }
    }

    /// Writes one row of the table, replacing the one with its key.
    func upsert(app: String, stage: String, kind: String, id: String, position: Int = 0, body: String,
                on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO \(unescaped: table) (app, stage, kind, id, position, body, updated_at)
            VALUES (\(app), \(stage), \(kind), \(id), \(position), \(body)::jsonb, now())
            ON CONFLICT (app, stage, kind, id)
            DO UPDATE SET position = EXCLUDED.position, body = EXCLUDED.body, updated_at = now()
            """, logger: logger)
    }

    public func delete(id: String, app: String, stage: String) async throws {
        let (table, logger) = (table, logger)
        _ = try await withConnection(app: app, stage: stage) { connection in
            try await connection.query(
                "DELETE FROM \(unescaped: table) WHERE app = \(app) AND stage = \(stage) AND kind = 'resource' AND id = \(id)",
                logger: logger)
        }
    }

    public func lock(app: String, stage: String, timeout: Duration) async throws -> any StateLock {
        let connection = try await connect()
        let key = Self.lockKey(schema: configuration.schema, app: app, stage: stage)
        let deadline = ContinuousClock.now + timeout
        do {
            while try await first("SELECT pg_try_advisory_lock(\(key))", on: connection, as: Bool.self) != true {
                guard ContinuousClock.now < deadline else {
                    let holder = try await first(
                        "SELECT body->>'holder' FROM \(unescaped: table) WHERE app = \(app) AND stage = \(stage) AND kind = 'lock' AND id = ''",
                        on: connection, as: String.self)
                    throw StateError.locked(app: app, stage: stage, holder: holder)
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            // Say who holds it, for the message a waiting run prints.
            let body = String(decoding: try JSONEncoder().encode(["holder": StateLockHolder.current]), as: UTF8.self)
            try await upsert(app: app, stage: stage, kind: "lock", id: "", body: body, on: connection)
        } catch {
            try? await connection.close()
            throw Self.stateError(error, doing: "taking the lock of \(app)/\(stage)")
        }
        held.withLock { $0[Self.stackKey(app, stage)] = connection }
        return PostgresStateLock(store: self, connection: connection, app: app, stage: stage, key: key)
    }

    // MARK: Connections

    /// Runs `body` on the connection of the stack's lock when this process holds it, else on a
    /// connection of its own that is closed afterwards.
    private func withConnection<Result: Sendable>(app: String, stage: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        if let connection = held.withLock({ $0[Self.stackKey(app, stage)] }) {
            let lost = { (reason: String) in
                StateError("The connection to the state database was lost during the run of \(app)/\(stage), and the stack's lock with it (\(reason)). Nothing stored is lost: run again, and the next run picks up from the server.")
            }
            // postgres-nio 1.33 leaves a query on a connection the server closed waiting
            // forever, so a closed connection is caught before it is used.
            guard !connection.isClosed else { throw lost("the server closed it") }
            do {
                return try await Self.withDeadline(configuration.queryTimeout) { try await body(connection) }
            } catch is DeadlineExceeded {
                try? await connection.close()
                throw lost("no answer within \(configuration.queryTimeout)")
            } catch {
                if connection.isClosed || Self.isConnectionLoss(error) { throw lost(Self.reason(error)) }
                throw Self.stateError(error, doing: "using the state of \(app)/\(stage)")
            }
        }
        let connection = try await connect()
        do {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw Self.stateError(error, doing: "using the state of \(app)/\(stage)")
        }
    }

    /// A new connection, with the table brought up to date the first time.
    func connect() async throws -> PostgresConnection {
        var postgres = PostgresConnection.Configuration(
            host: configuration.host, port: configuration.port, username: configuration.username,
            password: configuration.password?.revealed, database: configuration.database, tls: configuration.tls)
        postgres.options.connectTimeout = TimeAmount(configuration.connectTimeout)
        postgres.options.additionalStartupParameters = [("application_name", "sentry-sdk")]
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: postgres, id: Self.connectionIDs.add(1, ordering: .relaxed).newValue, logger: logger)
        } catch {
            throw StateError("Cannot connect to the state database (\(description)): \(Self.reason(error)). Check SENTRY_SDK_STATE_URL or the store's configuration.")
        }
        if !migrated.withLock({ $0 }) {
            do {
                try await migrate(connection)
            } catch {
                try? await connection.close()
                throw Self.stateError(error, doing: "preparing the state table")
            }
            migrated.withLock { $0 = true }
        }
        return connection
    }

    func release(_ lock: PostgresStateLock) async {
        held.withLock { held in
            if held[Self.stackKey(lock.app, lock.stage)] === lock.connection { held[Self.stackKey(lock.app, lock.stage)] = nil }
        }
        if !lock.connection.isClosed {
            // The holder's row goes, then the lock: one statement, one round trip.
            _ = try? await lock.connection.query("""
                WITH holder AS (DELETE FROM \(unescaped: table) WHERE app = \(lock.app) AND stage = \(lock.stage) AND kind = 'lock' AND id = '')
                SELECT pg_advisory_unlock(\(lock.key))
                """, logger: logger)
        }
        try? await lock.connection.close()
    }

    // MARK: Schema

    /// The table's migrations, in order; the schema version is how many have run. Never edit
    /// one that has shipped: add the next.
    static let migrations: [String] = [
        // 1: one row per resource (kind 'resource'), per held lock (kind 'lock', the holder)
        // and one for the schema version (kind 'schema').
        """
        CREATE TABLE {table} (
            app text NOT NULL,
            stage text NOT NULL,
            kind text NOT NULL,
            id text NOT NULL,
            position integer NOT NULL DEFAULT 0,
            body jsonb NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (app, stage, kind, id)
        )
        """,
    ]

    /// Creates or migrates the table, in one transaction, under a lock that keeps two
    /// processes from migrating at once.
    func migrate(_ connection: PostgresConnection) async throws {
        // The common case in one round trip: the table is there, at this version.
        if let version = try? await first(Self.versionQuery(table), on: connection, as: Int.self), version == Self.migrations.count { return }
        let schema = configuration.schema
        try await connection.query("BEGIN", logger: logger)
        do {
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey(schema: schema, app: "", stage: "")))", logger: logger)
            // Created only when missing: CREATE SCHEMA IF NOT EXISTS needs a privilege even when it exists.
            let schemaExists = try await first("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = \(schema))", on: connection, as: Bool.self) == true
            if !schemaExists { try await connection.query("CREATE SCHEMA \(unescaped: "\"\(schema)\"")", logger: logger) }
            let tableExists = try await first("SELECT to_regclass(\(table)) IS NOT NULL", on: connection, as: Bool.self) == true
            var version = 0
            if tableExists {
                version = try await first(Self.versionQuery(table), on: connection, as: Int.self) ?? 0
            }
            guard version <= Self.migrations.count else {
                throw StateError("The state table \(table) is at schema version \(version), newer than this sentry-sdk knows (\(Self.migrations.count)); upgrade sentry-sdk.")
            }
            if version < Self.migrations.count {
                for migration in Self.migrations[version...] {
                    try await connection.query(PostgresQuery(unsafeSQL: migration.replacingOccurrences(of: "{table}", with: table)), logger: logger)
                }
                try await upsert(app: "", stage: "", kind: "schema", id: "", body: "{\"version\": \(Self.migrations.count)}", on: connection)
                logger.info("State table \(table) migrated from schema version \(version) to \(Self.migrations.count).")
            }
            try await connection.query("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    /// The schema version the table is at (0 when there is no table yet).
    public func schemaVersion() async throws -> Int {
        let connection = try await connect()
        let version = try? await first(Self.versionQuery(table), on: connection, as: Int.self)
        try? await connection.close()
        return version ?? 0
    }

    static func versionQuery(_ table: String) -> PostgresQuery {
        "SELECT (body->>'version')::integer FROM \(unescaped: table) WHERE app = '' AND stage = '' AND kind = 'schema' AND id = ''"
    }

    /// The first column of the first row, if there is one and it is not NULL.
    func first<Value: PostgresDecodable & Sendable>(_ query: PostgresQuery, on connection: PostgresConnection, as _: Value.Type) async throws -> Value? where Value._DecodableType == Value {
        let rows = try await connection.query(query, logger: logger)
        for try await row in rows { return try row.decode(Value?.self) }
        return nil
    }

    // MARK: Helpers

    static func stackKey(_ app: String, _ stage: String) -> String { "\(app.utf8.count):\(app)/\(stage)" }

    /// The advisory lock's key for a stack: FNV-1a over schema, app and stage (lengths
    /// included, so that no two stacks share a spelling). A collision would only make two
    /// stacks wait for each other.
    static func lockKey(schema: String, app: String, stage: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "sentry-sdk|\(schema.utf8.count):\(schema)|\(app.utf8.count):\(app)|\(stage)".utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }

    static func isConnectionLoss(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return error is ChannelError }
        // Class 08 is a connection exception; 57P01-57P03: the server is shutting down or ended this session.
        if let state = error.serverInfo?[.sqlState], state.hasPrefix("08") || state.hasPrefix("57P") { return true }
        return [.serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown].contains(error.code)
    }

    struct DeadlineExceeded: Error {}

    /// Runs `operation`, giving up after `timeout`. postgres-nio 1.33 can leave a query waiting
    /// forever when its connection closes at that moment (seen in the dropped-connection
    /// test), so the wait is raced against a clock rather than left to the driver; the
    /// abandoned operation ends when its connection is closed. The clock stops when the
    /// operation ends first.
    static func withDeadline<Value: Sendable>(_ timeout: Duration, _ operation: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let finished = Mutex(false)
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
            let finish = { @Sendable (result: Result<Value, any Error>) in
                if finished.withLock({ done in defer { done = true }; return !done }) { continuation.resume(with: result) }
            }
            let timer = Task {
                try await Task.sleep(for: timeout)
                finish(.failure(DeadlineExceeded()))
            }
            Task {
                do { finish(.success(try await operation())) } catch { finish(.failure(error)) }
                timer.cancel()
            }
        }
    }

    /// A reason in words: the server's message for server errors (postgres-nio's own
    /// description hides it), the error's code otherwise.
    static func reason(_ error: any Error) -> String {
        if let error = error as? StateError { return error.description }
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] {
            return "\(message)\(error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")"
        }
        return "\(error.code)\(error.underlying.map { ": \($0)" } ?? "")"
    }

    static func stateError(_ error: any Error, doing what: String) -> StateError {
        if let error = error as? StateError { return error }
        return StateError("The state database failed while \(what): \(reason(error)).")
    }
}

/// A held advisory lock, on the connection it was taken on.
final class PostgresStateLock: StateLock {
    let store: PostgresStateStore
    let connection: PostgresConnection
    let app: String
    let stage: String
    let key: Int64
    private let released = Mutex(false)

    init(store: PostgresStateStore, connection: PostgresConnection, app: String, stage: String, key: Int64) {
        self.store = store
        self.connection = connection
        self.app = app
        self.stage = stage
        self.key = key
    }

    func release() async {
        guard released.withLock({ done in defer { done = true }; return !done }) else { return }
        await store.release(self)
    }
}
