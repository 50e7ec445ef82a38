import Foundation
@testable import GeneratorCore
import Testing
import TestSupport

/// The spec's rules carried into the request models (`fields`, `rules`, `validate()`) and the
/// enums (`knownValues`).
@Suite struct RuleTests {
    static let snippet = """
    openapi: 3.0.3
    info: {title: t, version: "1"}
    paths:
      /things/:
        put:
          operationId: putThing
          requestBody:
            content:
              application/json:
                schema: {$ref: '#/components/schemas/Thing'}
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Report'}
    components:
      schemas:
        Limit:
          type: object
          required: [window]
          properties:
            window: {type: integer, minimum: 0, maximum: 86400}
            note: {type: string, maxLength: 8, pattern: '^[a-z]+$'}
            ratio: {type: number, minimum: 0.5}
        Kind:
          type: string
          enum: [a, b]
        Thing:
          type: object
          properties:
            limit: {$ref: '#/components/schemas/Limit'}
            kinds: {type: array, items: {$ref: '#/components/schemas/Kind'}}
            plain: {type: boolean}
        Report:
          type: object
          properties:
            summary: {type: string, maxLength: 10}
    """

    @Test func requestModelsCarryTheirFieldsAndRules() throws {
        let output = try generate(Self.snippet)
        #expect(output.diagnostics.isEmpty)
        #expect(output.file("Limit.swift") == #"""
        /// Spec: `#/components/schemas/Limit`
        public struct Limit: Codable, Hashable, Sendable, Validatable {
            public var window: Int
            public var note: String?
            public var ratio: Double?
            /// Creates a value with the given fields.
            public init(window: Int, note: String? = nil, ratio: Double? = nil) {
                self.window = window
                self.note = note
                self.ratio = ratio
            }
            public static var fields: [(name: String, keyPath: PartialKeyPath<Self>)] { [("window", \.window), ("note", \.note), ("ratio", \.ratio)] }
            public static let rules: [String: [Rule]] = ["window": [.minimum(0), .maximum(86400)], "note": [.maxLength(8), .pattern("^[a-z]+$")]]

            private enum CodingKeys: String, CodingKey { case window, note, ratio }
        }
        """#)
        #expect(output.file("Kind.swift") == #"""
        /// Spec: `#/components/schemas/Kind`
        public struct Kind: OpenEnum {
            public let rawValue: String
            public init(rawValue: String) { self.rawValue = rawValue }
            public static let a: Self = "a"
            public static let b: Self = "b"
            public static let knownValues: [Self] = [.a, .b]
        }
        """#)
        #expect(output.file("Thing.swift")?.contains(#"public static var fields: [(name: String, keyPath: PartialKeyPath<Self>)] { [("limit", \.limit), ("kinds", \.kinds), ("plain", \.plain)] }"#) == true)
        #expect(output.file("Thing.swift")?.contains("rules") == false, "Thing's own fields have no rules")
        // What the server answers is not checked: a response model is not Validatable.
        #expect(output.file("Report.swift")?.contains("Sendable {") == true)
        #expect(output.file("Report.swift")?.contains("rules") == false)
    }

    /// The runtime's `validate()` on the snippet's models, compiled and run: nested models,
    /// arrays of enums, patterns and bounds, each violation named by its path.
    @Test func validateFindsEveryViolationByPath() async throws {
        let lines = try await Self.run(try generate(Self.snippet), main: """
        let thing = Thing(limit: Limit(window: -1, note: "ABC"), kinds: ["a", "c"], plain: true)
        for violation in thing.validate() { print(violation) }
        print(Thing(limit: Limit(window: 86400, note: "abc"), kinds: ["b"]).validate().count)
        """)
        #expect(lines == [
            "`limit.window` must be at least 0 (it is -1).",
            "`limit.note` must match ^[a-z]+$.",
            "`kinds[1]` must be one of a, b (it is \"c\").",
            "0",
        ])
    }

    /// Compiles generated files with `main` and returns what the program prints, line by line.
    static func run(_ output: CodeGenerator.Output, main: String) async throws -> [Substring] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for file in output.files {
            try Data(file.contents.utf8).write(to: directory.appendingPathComponent(file.name))
        }
        try Data(main.utf8).write(to: directory.appendingPathComponent("main.swift"))
        let sources = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".swift") }.sorted()
        let binary = directory.appendingPathComponent("rules")
        let compile = try await TestProcess.swiftc(["-Onone", "-swift-version", "6", "-module-name", "Models", "-o", binary.path] + sources, in: directory)
        #expect(compile.status == 0, "\(compile.output.suffix(3000))")
        guard compile.status == 0 else { return [] }
        return try await TestProcess.run(binary.path, [], in: directory).output.split(separator: "\n")
    }

    /// A rule changed in `Spec/sentry.yaml` changes what the models accept once they are
    /// generated again: the name's `maxLength` lowered from 64 to 10, compiled and run.
    @Test func aRuleChangedInTheSpecChangesTheModels() async throws {
        let spec = try String(contentsOf: TestProcess.packageRoot.appendingPathComponent("Spec/sentry.yaml"), encoding: .utf8)
        #expect(spec.components(separatedBy: "maxLength: 64").count == 3, "the create and update requests' names")
        let output = try generate(spec.replacingOccurrences(of: "maxLength: 64", with: "maxLength: 10"), name: "sentry.yaml")
        let lines = try await Self.run(output, main: """
        let name = String(repeating: "n", count: 11)
        print(CreateProjectKeyRequest(name: name, rateLimit: RateLimit(window: 90000, count: 1), useCase: "other").validate().map(\\.description).joined(separator: "\\n"))
        print(UpdateProjectKeyRequest(name: "short", rateLimit: .value(RateLimit(window: 60, count: -1)), browserSdkVersion: "1.x").validate().map(\\.description).joined(separator: "\\n"))
        print(CreateProjectKeyRequest.rules["name"]!.maxLength!)
        """)
        #expect(lines == [
            "`name` must be at most 10 characters (it has 11).",
            "`rateLimit.window` must be at most 86400 (it is 90000).",
            "`useCase` must be one of user, profiling, escalating_issues, tempest, demo (it is \"other\").",
            "`rateLimit.count` must be at least 0 (it is -1).",
            "`browserSdkVersion` must be one of latest, 10.x, 9.x, 8.x, 7.x, 6.x, 5.x, 4.x (it is \"1.x\").",
            "10",
        ])
    }
}
