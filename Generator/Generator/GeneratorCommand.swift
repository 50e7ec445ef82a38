import ArgumentParser
import Foundation
import GeneratorCore

/// `swift run Generator`: regenerates `Sources/SentryModels/Generated` from `Spec/sentry.yaml`,
/// or checks that the checked-in files are what the spec generates.
@main
struct GeneratorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "Generator",
        abstract: "Generate Swift models and operations from an OpenAPI 3.0/3.1 document (JSON or YAML).",
        discussion: """
        With no options, regenerates Sources/SentryModels/Generated from Spec/sentry.yaml \
        (run it from the package root). Files are rewritten only when their content changes; \
        generated files that the spec no longer produces are removed.

        Examples:
          swift run Generator
          swift run Generator --check
          swift run Generator --spec openapi.json --output /tmp/Models
        """
    )

    static let defaultSpec = "Spec/sentry.yaml"
    static let defaultOutput = "Sources/SentryModels/Generated"

    @Option(help: "The OpenAPI document to read.")
    var spec: String = defaultSpec

    @Option(help: "The directory to write the Swift files to.")
    var output: String = defaultOutput

    @Flag(help: "Write nothing; exit 1 when the output directory differs from what the spec generates.")
    var check = false

    @Flag(help: "Print no diagnostics, only errors.")
    var quiet = false

    func run() throws {
        let specURL = URL(fileURLWithPath: spec)
        let outputURL = URL(fileURLWithPath: output, isDirectory: true)
        let generated = try generate(from: specURL)
        if !quiet {
            for diagnostic in generated.diagnostics { FileHandle.standardError.write(Data("\(diagnostic)\n".utf8)) }
        }

        let plan = try OutputPlan(directory: outputURL, files: generated.files)
        if check {
            guard plan.isEmpty else {
                print("Generated files in \(output) are out of date with \(spec):")
                for line in plan.summary { print("  \(line)") }
                let fix = spec == Self.defaultSpec && output == Self.defaultOutput
                    ? "swift run Generator" : "swift run Generator --spec \(spec) --output \(output)"
                print("Run `\(fix)` to regenerate them.")
                throw ExitCode(1)
            }
            print("\(output) is up to date with \(spec) (\(generated.files.count) files).")
            return
        }
        try plan.apply()
        let changes = plan.isEmpty ? "no changes" : "\(plan.writes.count) written, \(plan.removals.count) removed"
        print("Generated \(generated.typeCount) types and \(generated.operationCount) operations in \(generated.files.count) files (\(changes)); \(generated.diagnostics.count) diagnostics.")
    }
}

extension GeneratorCommand {
    /// Parses and generates. The spec's bytes live only while they are parsed, and the tree
    /// only until the IR is built, so that peak memory stays near the largest of the three.
    func generate(from specURL: URL) throws -> CodeGenerator.Output {
        let document = try parse(specURL)
        return CodeGenerator.generate(document: consume document, specName: specURL.lastPathComponent)
    }

    private func parse(_ specURL: URL) throws -> Node {
        guard let data = FileManager.default.contents(atPath: specURL.path) else {
            throw ValidationError("Cannot read the spec at '\(spec)'. Run from the package root, or pass --spec PATH.")
        }
        do {
            return try data.withUnsafeBytes { try CodeGenerator.parse($0.bindMemory(to: UInt8.self)) }
        } catch {
            throw ValidationError("Cannot parse '\(spec)': \(error)")
        }
    }
}

/// What has to change in the output directory to match the generated files.
struct OutputPlan {
    let directory: URL
    var writes: [CodeGenerator.File] = []
    var created: Set<String> = []
    var removals: [String] = []

    init(directory: URL, files: [CodeGenerator.File]) throws {
        self.directory = directory
        let fileManager = FileManager.default
        let existing = Set((try? fileManager.contentsOfDirectory(atPath: directory.path)) ?? [])
        for file in files {
            let path = directory.appendingPathComponent(file.name).path
            if let current = fileManager.contents(atPath: path), current == Data(file.contents.utf8) { continue }
            writes.append(file)
            if !existing.contains(file.name) { created.insert(file.name) }
        }
        let names = Set(files.map(\.name))
        // Only files that carry the generated marker are ours to remove.
        for name in existing.sorted() where name.hasSuffix(".swift") && !names.contains(name) {
            let path = directory.appendingPathComponent(name).path
            if let contents = fileManager.contents(atPath: path),
               String(decoding: contents.prefix(CodeGenerator.marker.utf8.count), as: UTF8.self) == CodeGenerator.marker {
                removals.append(name)
            }
        }
    }

    var isEmpty: Bool { writes.isEmpty && removals.isEmpty }

    var summary: [String] {
        writes.map { created.contains($0.name) ? "new \($0.name)" : "changed \($0.name)" } + removals.map { "stale \($0)" }
    }

    func apply() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for file in writes {
            try Data(file.contents.utf8).write(to: directory.appendingPathComponent(file.name), options: .atomic)
        }
        for name in removals {
            try FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }
}
