import Foundation
import Logging
import PostgresNIO
import SentryResources

/// The state table and its migrations.
extension PostgresStateStore {
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
                throw StateError(.newerSchema, "The state table \(table) is at schema version \(version), newer than this sentry-sdk knows (\(Self.migrations.count)); upgrade sentry-sdk.")
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
}
