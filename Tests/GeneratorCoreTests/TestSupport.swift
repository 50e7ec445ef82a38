import Foundation
@testable import GeneratorCore

/// The package root, found from this file's place in `Tests/GeneratorCoreTests/`.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Sentry's official schema, kept beside the project in `../shared/reference` (or where
/// `SENTRY_OFFICIAL_SCHEMA` says).
let officialSchemaURL: URL = {
    if let path = ProcessInfo.processInfo.environment["SENTRY_OFFICIAL_SCHEMA"] { return URL(fileURLWithPath: path) }
    return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/reference/sentry-api-schema/openapi-derefed.json")
}()

/// Generates from a YAML or JSON snippet.
func generate(_ spec: String, name: String = "snippet.yaml") throws -> CodeGenerator.Output {
    try CodeGenerator.generate(spec: Array(spec.utf8), specName: name)
}

extension CodeGenerator.Output {
    /// A generated file without its header line, the blank line after it and the final newline.
    func file(_ name: String) -> String? {
        guard let file = files.first(where: { $0.name == name }) else { return nil }
        var body = file.contents.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)[1]
        if body.hasPrefix("\n") { body = body.dropFirst() }
        if body.hasSuffix("\n") { body = body.dropLast() }
        return String(body)
    }
}
