import Foundation
import PackagePlugin

/// `swift package --allow-writing-to-package-directory generate-models [--check]`
///
/// Runs the `Generator` tool on `Spec/sentry.yaml` and writes `Sources/SentryModels/Generated`,
/// exactly as `swift run Generator` does from the package root. Extra arguments (`--check`,
/// `--quiet`) are passed through.
@main
struct GenerateModels: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        let generator = try context.tool(named: "Generator")
        let root = context.package.directoryURL
        let process = Process()
        process.executableURL = generator.url
        process.arguments = [
            "--spec", root.appending(path: "Spec/sentry.yaml").path(),
            "--output", root.appending(path: "Sources/SentryModels/Generated").path(),
        ] + arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            Diagnostics.error("Generator failed with status \(process.terminationStatus)")
            throw GenerateModelsError.failed(process.terminationStatus)
        }
    }
}

enum GenerateModelsError: Error {
    case failed(Int32)
}
