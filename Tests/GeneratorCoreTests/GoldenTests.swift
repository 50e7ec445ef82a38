import Foundation
@testable import GeneratorCore
import Testing
import TestSupport

/// `Spec/sentry.yaml` generates exactly the checked-in `Sources/SentryModels/Generated`.
@Suite struct GoldenTests {
    @Test func checkedInModelsMatchTheSpec() throws {
        let spec = try Data(contentsOf: packageRoot.appendingPathComponent("Spec/sentry.yaml"))
        let output = try CodeGenerator.generate(spec: [UInt8](spec), specName: "sentry.yaml")
        #expect(output.diagnostics.isEmpty, "our own spec should map without fallbacks: \(output.diagnostics)")
        let directory = packageRoot.appendingPathComponent("Sources/SentryModels/Generated")
        let checkedIn = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".swift") }
        #expect(Set(checkedIn) == Set(output.files.map(\.name)), "run `swift run Generator`")
        for file in output.files {
            let current = try String(contentsOf: directory.appendingPathComponent(file.name), encoding: .utf8)
            #expect(current == file.contents, "\(file.name) differs from what the spec generates; run `swift run Generator`:\n\(lineDiff(current, file.contents))")
        }
    }

    /// The diff the golden test prints when a file differs.
    @Test func aDifferenceIsShownAsChangedLines() {
        #expect(lineDiff("a\nb\nc\n", "a\nb\nc\n") == "")
        #expect(lineDiff("a\nb\nc\nd", "a\nB\nC\nd") == "@@ line 2\n-b\n-c\n+B\n+C")
        #expect(lineDiff("a", "a\nb") == "@@ line 2\n+b")
    }
}
