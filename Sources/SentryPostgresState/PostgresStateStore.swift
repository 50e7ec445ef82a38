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
    /// How the store connects.
    public let configuration: Configuration
    let logger: Logger
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

    public func stacks() async throws -> [StackName] {
        let (table, logger) = (table, logger)
        return try await withOwnConnection(doing: "listing the stacks") { connection in
            let rows = try await connection.query(
                "SELECT DISTINCT app, stage FROM \(unescaped: table) WHERE kind = 'resource' ORDER BY app, stage", logger: logger)
            var stacks: [StackName] = []
            for try await (app, stage) in rows.decode((String, String).self) { stacks.append(StackName(app: app, stage: stage)) }
            return stacks
        }
    }

    public func records(app: String, stage: String) async throws -> [ResourceRecord] {
        let (table, logger) = (table, logger)
        return try await withConnection(app: app, stage: stage) { connection in
            let rows = try await connection.query(
                "SELECT id, body::text FROM \(unescaped: table) WHERE app = \(app) AND stage = \(stage) AND kind = 'resource'",
                logger: logger)
            var records: [ResourceRecord] = []
            let decoder = JSONDecoder()
            for try await (id, body) in rows.decode((String, String).self) {
                records.append(try Self.record(id: id, body: body, in: table, app: app, stage: stage, decoder))
            }
            return Self.inCreationOrder(records)
        }
    }

    /// Every stack's records in one query, on one connection.
    public func allRecords() async throws -> [StackName: [ResourceRecord]] {
        let (table, logger) = (table, logger)
        return try await withOwnConnection(doing: "reading the state of every stack") { connection in
            let rows = try await connection.query(
                "SELECT app, stage, id, body::text FROM \(unescaped: table) WHERE kind = 'resource'", logger: logger)
            var stacks: [StackName: [ResourceRecord]] = [:]
            let decoder = JSONDecoder()
            for try await (app, stage, id, body) in rows.decode((String, String, String, String).self) {
                stacks[StackName(app: app, stage: stage), default: []].append(
                    try Self.record(id: id, body: body, in: table, app: app, stage: stage, decoder))
            }
            return stacks.mapValues(Self.inCreationOrder)
        }
    }

    /// A row's record; an unreadable one is an error naming the row.
    private static func record(id: String, body: String, in table: String, app: String, stage: String, _ decoder: JSONDecoder) throws -> ResourceRecord {
        do {
            return try decoder.decode(ResourceRecord.self, from: Data(body.utf8))
        } catch {
            throw StateError(.unreadable, "The state row \(app)/\(stage)/\(id) in \(table) is unreadable (\(error)); restore it from a backup or delete the row to let the next run adopt the resource.")
        }
    }

    /// Records in the order they were made (the row order of the table is none).
    private static func inCreationOrder(_ records: [ResourceRecord]) -> [ResourceRecord] {
        records.sorted { ($0.order, $0.id) < ($1.order, $1.id) }
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
                StateError(.unavailable, "The connection to the state database was lost during the run of \(app)/\(stage), and the stack's lock with it (\(reason)). Nothing stored is lost: run again, and the next run picks up from the server.")
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
        return try await withOwnConnection(doing: "using the state of \(app)/\(stage)", body)
    }

    /// Runs `body` on a connection of its own, closed afterwards.
    private func withOwnConnection<Result: Sendable>(doing what: String, _ body: @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        let connection = try await connect()
        do {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw Self.stateError(error, doing: what)
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
            throw StateError(.unavailable, "Cannot connect to the state database (\(description)): \(Self.reason(error)). Check SENTRY_SDK_STATE_URL or the store's configuration.")
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
        return StateError(.unavailable, "The state database failed while \(what): \(reason(error)).")
    }
}
