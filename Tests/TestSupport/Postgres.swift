import Foundation

/// A PostgreSQL server for the tests of PostgreSQL state: `SENTRY_SDK_TEST_POSTGRES_URL` when
/// set (.ci/run starts one), else a throwaway cluster this process starts on loopback with
/// `Scripts/postgres` on first use and stops when it exits.
public enum TestPostgres {
    /// The server's URL (user, password, host, port, database `postgres`).
    public static func url() throws -> String {
        try server.get()
    }

    /// A URL for the same server with its own schema, so that tests do not see each other's
    /// rows: `postgres://...?query_timeout=10&schema=t_<random>` (the schema last).
    public static func isolatedURL() throws -> String {
        let base = try url()
        let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        return base + (base.contains("?") ? "&" : "?") + "query_timeout=10&schema=\(schema)"
    }

    /// Runs SQL through psql as the test server's user, for what the tests look at directly
    /// (rows as text, other sessions). Returns psql's unaligned output.
    public static func psql(_ sql: String) throws -> String {
        let url = try url()
        let psql = [Self.binaries.map { "\($0)/psql" }, "/usr/bin/psql"].compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) } ?? "psql"
        let quoted = [psql, url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql]
            .map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let result = shell(quoted + " 2>&1")
        guard result.status == 0 else { throw PostgresUnavailable(message: "psql failed: \(result.output)") }
        return result.output
    }

    /// The server's TLS certificate (self-signed, for 127.0.0.1): `SENTRY_SDK_TEST_POSTGRES_CA`
    /// with a server of one's own, else the one Scripts/postgres made.
    public static func certificate() throws -> String {
        _ = try url()
        if let path = ProcessInfo.processInfo.environment["SENTRY_SDK_TEST_POSTGRES_CA"], !path.isEmpty { return path }
        guard let directory = startedDirectory else { throw PostgresUnavailable(message: "SENTRY_SDK_TEST_POSTGRES_URL is set without SENTRY_SDK_TEST_POSTGRES_CA") }
        return directory + "/server.crt"
    }

    struct PostgresUnavailable: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    private static let server: Result<String, any Error> = Result {
        if let url = ProcessInfo.processInfo.environment["SENTRY_SDK_TEST_POSTGRES_URL"], !url.isEmpty { return url }
        let directory = "/tmp/sentry-sdk-postgres-\(getpid())-\(UUID().uuidString.prefix(8))"
        let script = TestProcess.packageRoot.appendingPathComponent("Scripts/postgres").path
        let started = shell("'\(script)' start '\(directory)' 2>&1")
        guard started.status == 0, let url = started.output.split(separator: "\n").last.map(String.init), url.hasPrefix("postgres://") else {
            throw PostgresUnavailable(message: "Could not start a PostgreSQL server for the tests: \(started.output)")
        }
        startedDirectory = directory
        atexit {
            if let directory = TestPostgres.startedDirectory {
                _ = TestPostgres.shell("'\(TestProcess.packageRoot.path)/Scripts/postgres' stop '\(directory)' 2>&1")
            }
        }
        return url
    }

    nonisolated(unsafe) private static var startedDirectory: String?

    /// Runs a shell command with popen and waits for it. Used here instead of Foundation's
    /// Process, whose `waitUntilExit` hung now and then in these tests on Linux after the
    /// server's processes were started (seen with gdb: waiting for an exit long reported).
    static func shell(_ command: String) -> (status: Int32, output: String) {
        guard let pipe = popen(command, "r") else { return (-1, "popen failed") }
        var output = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, pipe)
            if count <= 0 { break }
            output.append(contentsOf: buffer[0..<count])
        }
        let status = pclose(pipe)
        return (status, String(decoding: output, as: UTF8.self))
    }

    private static var binaries: String? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql"))?.sorted().last.map { "/usr/lib/postgresql/\($0)/bin" }
    }
}
