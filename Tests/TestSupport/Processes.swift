import Foundation
import Subprocess
import SystemPackage

/// Helpers the test targets share: running programs and finding the package's built products.
public enum TestProcess {
    /// Runs a program to its end and returns its exit status and everything it printed (stdout
    /// and stderr interleaved, read together so that neither pipe can fill and stall it).
    public static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil) async throws -> (status: Int32, output: String) {
        let result = try await Subprocess.run(
            .path(FilePath(executable)), arguments: Arguments(arguments), workingDirectory: directory.map { FilePath($0.path) },
            output: .string(limit: outputLimit), error: .combinedWithOutput)
        let output = result.standardOutput
        TestArtifacts.keep(output, as: URL(fileURLWithPath: executable).lastPathComponent)
        return (exitStatus(result.terminationStatus), output)
    }

    /// Runs `work` on a thread of its own and waits for it without blocking the caller's thread
    /// (for waits on a `Process` a test keeps running in the background).
    public static func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }

    /// The most a test reads of a program's output: far more than any of ours prints.
    public static let outputLimit = 64 << 20

    /// A termination as a shell reports it: the exit code, or 128 plus the signal's number.
    public static func exitStatus(_ status: TerminationStatus) -> Int32 {
        switch status {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }

    /// Runs the toolchain's `swiftc`.
    public static func swiftc(_ arguments: [String], in directory: URL) async throws -> (status: Int32, output: String) {
        let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/swiftc" }
            + ["/opt/swift/usr/bin/swiftc", "/usr/bin/swiftc"]
        let swiftc = candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? "swiftc"
        return try await run(swiftc, arguments, in: directory)
    }

    /// The path of a product the package built (`Generator`, `sentry-sdk`): the build
    /// directory holds it beside the test bundle.
    public static func product(_ name: String) -> String {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
            directory.deleteLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/\(name)").path
    }

    /// The package root, found from this file's place in `Tests/TestSupport/`.
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// Sentry's official schema, kept beside the project in `../shared/reference` (or where
/// `SENTRY_OFFICIAL_SCHEMA` says).
public let officialSchemaURL: URL = {
    if let path = ProcessInfo.processInfo.environment["SENTRY_OFFICIAL_SCHEMA"] { return URL(fileURLWithPath: path) }
    return TestProcess.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/reference/sentry-api-schema/openapi-derefed.json")
}()

/// The package root.
public var packageRoot: URL { TestProcess.packageRoot }
