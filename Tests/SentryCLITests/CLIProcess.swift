import Foundation
import Subprocess
import SystemPackage
import TestSupport

/// The built `sentry-sdk` run as a user runs it: no terminal on stdin, none of the
/// environment's Sentry variables unless a test gives them.
enum CLIProcess {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the program to its end, reading stdout and stderr together.
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) async throws -> Run {
        var overrides: [Environment.Key: String?] = [:]
        for name in clearedVariables { overrides[Environment.Key(rawValue: name)!] = .some(nil) }
        for (name, value) in environment { overrides[Environment.Key(rawValue: name)!] = value }
        let result = try await Subprocess.run(
            .path(FilePath(TestProcess.product("sentry-sdk"))), arguments: Arguments(arguments),
            environment: .inherit.updating(overrides), workingDirectory: directory.map { FilePath($0.path) },
            input: .none, output: .string(limit: TestProcess.outputLimit), error: .string(limit: TestProcess.outputLimit))
        let run = Run(status: TestProcess.exitStatus(result.terminationStatus),
                      stdout: result.standardOutput, stderr: result.standardError)
        // Kept for the secrets check: errors always; what is printed unless the command was
        // asked to show secrets (`--format json` of keys prints whole keys, `--show-secrets` unmasks).
        TestArtifacts.keep(run.stderr, as: "sentry-sdk-stderr")
        if !arguments.contains("json") && !arguments.contains("--show-secrets") { TestArtifacts.keep(run.stdout, as: "sentry-sdk-stdout") }
        return run
    }

    /// The environment's Sentry variables, which a run sees only when a test gives them.
    static let clearedVariables = ["SENTRY_AUTH_TOKEN", "SENTRY_URL", "SENTRY_ORG", "SENTRY_PROJECT", "SENTRY_SDK_STATE_URL", "SENTRY_SDK_STATE_DIR", "SENTRY_SDK_PASSWORD"]

    /// The program started in the background, for tests that stop it half-way (what it
    /// prints is dropped).
    static func start(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestProcess.product("sentry-sdk"))
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        for name in clearedVariables { env[name] = nil }
        process.environment = env.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}
