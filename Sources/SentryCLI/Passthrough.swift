import ArgumentParser
import CommandLineSupport
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `sentry-sdk state ...`: runs the `sentry-sdk-state` program that sits beside this one, with
/// the same arguments (as `git foo` runs `git-foo`). The state commands link the PostgreSQL
/// driver; keeping them in a program of their own keeps `sentry-sdk keys` small and quick to
/// start.
struct StateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Show a stack's state, or move it between files and PostgreSQL (sentry-sdk state --help).",
        discussion: """
        Runs sentry-sdk-state, installed beside sentry-sdk. Subcommands: list, migrate.

        Examples:
          sentry-sdk state list --app shop --stage prod
          sentry-sdk state migrate --app shop --stage prod --from .sentry-sdk --to "$SENTRY_SDK_STATE_URL"
        """
    )

    @Argument(parsing: .captureForPassthrough, help: "The state command and its options.")
    var arguments: [String] = []

    func run() throws {
        try runProgram("sentry-sdk-state", for: "sentry-sdk state", arguments: arguments)
    }
}

/// `sentry-sdk sandbox ...`: runs the `sentry-sdk-sandbox` program beside this one. The HTTP
/// server it needs (Hummingbird) brings Foundation's full library with it; without them the
/// `keys` commands start faster (see README, "Start-up"). `--sandbox` needs no server: it
/// answers in this process.
struct SandboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run a local Sentry keys API for tests and offline use (sentry-sdk sandbox serve --help).",
        discussion: """
        Runs sentry-sdk-sandbox, installed beside sentry-sdk. Subcommand: serve.

        Examples:
          sentry-sdk sandbox serve --port 9000 --org my-org --project my-project --token T
          sentry-sdk sandbox serve --org acme --project acme/web --project acme/api --state sandbox.json
        """
    )

    @Argument(parsing: .captureForPassthrough, help: "The sandbox command and its options.")
    var arguments: [String] = []

    func run() throws {
        try runProgram("sentry-sdk-sandbox", for: "sentry-sdk sandbox", arguments: arguments)
    }
}

/// Replaces this process with `name`, found in the directory of the running executable.
private func runProgram(_ name: String, for command: String, arguments: [String]) throws {
    let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    let program = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent(name).path
    guard FileManager.default.isExecutableFile(atPath: program) else {
        writeToStandardError("error: \(command) needs the \(name) program beside sentry-sdk (\(program)); build it with swift build --product \(name) and install it next to sentry-sdk.\n")
        throw ExitCode(2)
    }
    let argv = ([program] + arguments).map { strdup($0) } + [nil]
    execv(program, argv)
    writeToStandardError("error: cannot run \(program): \(String(cString: strerror(errno))).\n")
    throw ExitCode(1)
}
