import Foundation
@testable import GeneratorCore

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
