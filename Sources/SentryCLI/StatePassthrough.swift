import ArgumentParser
import Foundation

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
        let program = Self.helper()
        guard FileManager.default.isExecutableFile(atPath: program) else {
            FileHandle.standardError.write(Data("error: sentry-sdk state needs the sentry-sdk-state program beside sentry-sdk (\(program)); build it with swift build --product sentry-sdk-state and install it next to sentry-sdk.\n".utf8))
            throw ExitCode(2)
        }
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        execv(program, argv)
        FileHandle.standardError.write(Data("error: cannot run \(program): \(String(cString: strerror(errno))).\n".utf8))
        throw ExitCode(1)
    }

    /// `sentry-sdk-state` in the directory of the running executable.
    static func helper() -> String {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("sentry-sdk-state").path
    }
}
