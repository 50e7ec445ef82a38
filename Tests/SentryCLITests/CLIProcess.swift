import Foundation
import TestSupport

/// The built `sentry-sdk` run as a user runs it: no terminal on stdin, none of the
/// environment's Sentry variables unless a test gives them.
enum CLIProcess {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the program to its end. stdout and stderr go to files, so that neither can fill a
    /// pipe while the other is read.
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) async throws -> Run {
        let run = try await TestProcess.offThePool { try runBlocking(arguments, in: directory, environment: environment) }
        // Kept for the secrets check: errors always; what is printed unless the command was
        // asked to show secrets (`--format json` of keys prints whole keys, `--show-secrets` unmasks).
        TestArtifacts.keep(run.stderr, as: "sentry-sdk-stderr")
        if !arguments.contains("json") && !arguments.contains("--show-secrets") { TestArtifacts.keep(run.stdout, as: "sentry-sdk-stdout") }
        return run
    }

    /// The program started in the background, for tests that stop it half-way.
    static func start(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> Process {
        let (process, _, _) = try prepared(arguments, in: directory, environment: environment)
        try process.run()
        return process
    }

    private static func runBlocking(_ arguments: [String], in directory: URL?, environment: [String: String]) throws -> Run {
        let (process, out, err) = try prepared(arguments, in: directory, environment: environment)
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        try process.run()
        process.waitUntilExit()
        return Run(status: process.terminationStatus,
                   stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self),
                   stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
    }

    private static func prepared(_ arguments: [String], in directory: URL?, environment: [String: String]) throws -> (Process, URL, URL) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestProcess.product("sentry-sdk"))
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        for name in ["SENTRY_AUTH_TOKEN", "SENTRY_URL", "SENTRY_ORG", "SENTRY_PROJECT", "SENTRY_SDK_STATE_URL", "SENTRY_SDK_STATE_DIR", "SENTRY_SDK_PASSWORD"] {
            env[name] = nil
        }
        process.environment = env.merging(environment) { $1 }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("sentry-sdk-run-\(UUID().uuidString)")
        let out = base.appendingPathExtension("out"), err = base.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        return (process, out, err)
    }
}
