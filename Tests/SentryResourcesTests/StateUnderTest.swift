import Foundation
import SentryPostgresState
@testable import SentryResources
import TestSupport

/// Where the resource tests keep state: files in a temporary directory, or, when
/// `SENTRY_SDK_TEST_STATE=postgres` (.ci/run's second pass), a schema of its own on the test
/// PostgreSQL server, so that the whole resource suite runs once on each store.
enum StateUnderTest {
    case files(URL)
    case postgres(url: String, schema: String)

    static var usesPostgres: Bool { ProcessInfo.processInfo.environment["SENTRY_SDK_TEST_STATE"] == "postgres" }

    /// A fresh, empty place for state, of the kind this run tests.
    static func fresh() throws -> StateUnderTest {
        usesPostgres ? try postgresState() : .files(FileManager.default.temporaryDirectory.appendingPathComponent("stack-\(UUID().uuidString)"))
    }

    /// A fresh schema on the test PostgreSQL server.
    static func postgresState() throws -> StateUnderTest {
        PostgresStateStore.register()
        let url = try TestPostgres.isolatedURL()
        return .postgres(url: url, schema: String(url.split(separator: "=").last!))
    }

    /// The location as `StateStores.open` and `SENTRY_SDK_STATE_URL` take it.
    var location: String {
        switch self {
        case .files(let root): root.path
        case .postgres(let url, _): url
        }
    }

    func store() throws -> any StateStore { try StateStores.open(location) }

    /// Everything stored, as text: each state file, or each resource row's body.
    func storedTexts() throws -> [String] {
        switch self {
        case .files(let root):
            guard let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
            return try files.compactMap { $0 as? URL }.filter { $0.pathExtension == "json" }.map { try String(contentsOf: $0, encoding: .utf8) }
        case .postgres(_, let schema):
            return try TestPostgres.psql("SELECT body::text FROM \(schema).sentry_sdk_state WHERE kind = 'resource'")
                .split(separator: "\n").map(String.init)
        }
    }

    /// Keeps what is stored for the secrets check of .ci/run.
    func keep(as name: String) {
        switch self {
        case .files(let root): TestArtifacts.keepDirectory(root, as: name)
        case .postgres: TestArtifacts.keep(((try? storedTexts()) ?? []).joined(separator: "\n"), as: name)
        }
    }

    /// Removes a temporary directory of state (a PostgreSQL schema stays for inspection).
    func remove() {
        if case .files(let root) = self { try? FileManager.default.removeItem(at: root) }
    }
}
