import Foundation
@testable import GeneratorCore
import Testing
import TestSupport

/// A spec made of the odd corners of OpenAPI (cycles, names that are keywords, digits or
/// non-ASCII, 3.1 type arrays, references to parameters, responses and bodies, unmappable
/// parts): the generator reports what it cannot map, and the Swift it writes type-checks.
@Suite struct TortureSpecTests {
    let output: CodeGenerator.Output

    init() throws {
        let spec = try Data(contentsOf: packageRoot.appendingPathComponent("Tests/GeneratorCoreTests/Fixtures/torture.yaml"))
        output = try CodeGenerator.generate(spec: [UInt8](spec), specName: "torture.yaml")
    }

    @Test func unmappablePartsAreReported() {
        let messages = Set(output.diagnostics.map(\.message))
        #expect(messages.contains("parameter without a name, or in a place other than path, query or header; skipped"))
        #expect(messages.contains("property 'parent' of TreeNode leads back to TreeNode, which would give it infinite size; using JSONValue")
            || messages.contains("property 'parent' contains its own type; using JSONValue"))
        #expect(messages.contains { $0.hasPrefix("property 'back' of Sibling leads back to TreeNode") || $0.hasPrefix("property 'sibling' of TreeNode leads back to Sibling") })
        #expect(messages.contains { $0.hasPrefix("property 'again' of Knot leads back to Knot") }, "a cycle through an alias ends at the struct")
    }

    @Test func duplicateOperationIDsGetDistinctTypes() {
        let names = output.files.map(\.name).filter { $0.hasPrefix("Operations+") }.sorted()
        #expect(names == ["Operations+GetItem.swift", "Operations+GetItem2.swift", "Operations+PostItemsItemIdSubType.swift"])
    }

    @Test func outputTypeChecks() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("torture-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for file in output.files {
            try Data(file.contents.utf8).write(to: directory.appendingPathComponent(file.name))
        }
        let result = try await TestProcess.swiftc(["-typecheck", "-swift-version", "6", "-module-name", "Torture", "-parse-as-library"]
            + output.files.map(\.name), in: directory)
        #expect(result.status == 0, "generated Swift does not type-check:\n\(result.output.suffix(4000))")
    }
}
