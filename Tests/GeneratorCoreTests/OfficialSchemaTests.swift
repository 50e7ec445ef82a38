import Foundation
@testable import GeneratorCore
import Testing
import TestSupport

/// Sentry's official schema as a proving ground: every operation generates, the output
/// compiles, the named response examples decode with the types generated for them, and the
/// request examples decode with the request bodies' types and keep the rules the schema sets
/// (`validate()`).
@Suite(.serialized) struct OfficialSchemaTests {
    static func generateOfficial() throws -> CodeGenerator.Output {
        let data = try Data(contentsOf: officialSchemaURL)
        return try CodeGenerator.generate(spec: [UInt8](data), specName: officialSchemaURL.lastPathComponent)
    }

    @Test func generatesEveryOperationWithFewDiagnostics() throws {
        let output = try Self.generateOfficial()
        #expect(output.operationCount == 223)
        #expect(output.files.filter { $0.name.hasPrefix("Operations+") }.count == 223)
        // What the schema itself leaves untyped or non-JSON; nothing else may fall back.
        let messages = output.diagnostics.map(\.message).sorted()
        #expect(messages == [
            "parameter 'project' has a type that cannot be written in a URL; sending it as a string",
            "parameter 'project' has a type that cannot be written in a URL; sending it as a string",
            "request body has no JSON content (multipart/form-data); the operation is generated without a body",
            "request body has no JSON content (multipart/form-data); the operation is generated without a body",
        ])
    }

    /// Examples that do not match the schema they are published with, keyed by
    /// "operationId status example", each with the inconsistency in Sentry's schema. Empty:
    /// all 162 decode with schema 0.272.0. The test fails if any other example fails, and if a
    /// listed one starts decoding, so the list stays true.
    static let inconsistentExamples: [String: String] = [:]

    @Test func outputCompilesAndDecodesEveryNamedExample() async throws {
        let output = try Self.generateOfficial()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("official-models-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for file in output.files {
            try Data(file.contents.utf8).write(to: directory.appendingPathComponent(file.name))
        }
        let (ir, _) = CodeGenerator.intermediateRepresentation(of: try DocumentLoader.load([UInt8](Data(contentsOf: officialSchemaURL))))
        try Data(Self.harness(operations: ir.operations).utf8).write(to: directory.appendingPathComponent("main.swift"))

        let sources = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".swift") }.sorted()
        let binary = directory.appendingPathComponent("harness")
        let compile = try await TestProcess.swiftc(["-Onone", "-wmo", "-swift-version", "6", "-module-name", "OfficialModels", "-o", binary.path] + sources, in: directory)
        #expect(compile.status == 0, "the generated code does not compile:\n\(compile.output.suffix(4000))")
        guard compile.status == 0 else { return }

        let result = try await TestProcess.run(binary.path, [officialSchemaURL.path], in: directory)
        #expect(result.status == 0)
        var decoded = 0
        var requests = 0
        var failures: [String: String] = [:]
        var violations: [String: String] = [:]
        for line in result.output.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 2).map(String.init)
            guard fields.count >= 2 else { continue }
            switch fields[0] {
            case "ok": decoded += 1
            case "fail": failures[fields[1]] = fields.count > 2 ? fields[2] : ""
            case "request-valid": requests += 1
            case "request-invalid", "request-fail": requests += 1; violations[fields[1]] = fields.count > 2 ? fields[2] : fields[0]
            default: break
            }
        }
        #expect(decoded + failures.count == 162, "every named example is tried")
        #expect(Set(failures.keys) == Set(Self.inconsistentExamples.keys), "unexpected failures: \(failures)")
        // The schema's five request examples: each decodes as its operation's body and breaks
        // none of the body's rules.
        #expect(requests == 5 && violations.isEmpty, "request examples: \(requests), failing: \(violations)")
        print("official examples: \(decoded) of \(decoded + failures.count) responses decode; \(requests) requests decode and validate")
    }

    /// A `main.swift` that decodes each named response example with the type its operation
    /// declares for that status, and each request example as its operation's body (then
    /// validates it), and prints one line per example.
    static func harness(operations: [GeneratorCore.Operation]) -> String {
        var text = """
        import Foundation

        func operationTypes() -> [String: any APIOperation.Type] {
            [

        """
        for operation in operations {
            text += "        \(Naming.literal(operation.operationID)): Operations.\(operation.name).self,\n"
        }
        text += """
            ]
        }

        func decode<T: Decodable>(_ type: T.Type, from data: Data) throws { _ = try JSONDecoder().decode(type, from: data) }

        /// A request example decoded as the operation's body, and the body's rule violations.
        func validate<Operation: APIOperation>(_: Operation.Type, _ data: Data) throws -> [RuleViolation] {
            guard let type = Operation.Body.self as? any (Decodable & Validatable).Type else { return [RuleViolation(field: "(body)", rule: .oneOf([]))] }
            return try JSONDecoder().decode(type, from: data).validate()
        }

        let types = operationTypes()
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: CommandLine.arguments[1]))) as! [String: Any]
        for (_, item) in root["paths"] as! [String: Any] {
            for (_, value) in item as! [String: Any] {
                guard let operation = value as? [String: Any], let id = operation["operationId"] as? String,
                      let responses = operation["responses"] as? [String: Any] else { continue }
                for (status, response) in responses {
                    guard let content = (response as? [String: Any])?["content"] as? [String: Any] else { continue }
                    for (_, media) in content {
                        guard let examples = (media as? [String: Any])?["examples"] as? [String: Any] else { continue }
                        for (name, example) in examples {
                            let label = "\\(id) \\(status) \\(name)"
                            let json = (example as? [String: Any])?["value"] ?? NSNull()
                            let data = try JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed])
                            guard let type = types[id]?.responseBodyType(status: Int(status) ?? 0) else {
                                print("fail\\t\\(label)\\tno type for this status")
                                continue
                            }
                            do {
                                try decode(type, from: data)
                                print("ok\\t\\(label)")
                            } catch {
                                print("fail\\t\\(label)\\t\\(error)")
                            }
                        }
                    }
                }
                let body = (operation["requestBody"] as? [String: Any])?["content"] as? [String: Any] ?? [:]
                for (mediaType, media) in body where mediaType.contains("json") {
                    let media = media as? [String: Any] ?? [:]
                    guard let example = media["example"] ?? (media["schema"] as? [String: Any])?["example"], let operationType = types[id] else { continue }
                    let data = try JSONSerialization.data(withJSONObject: example, options: [.fragmentsAllowed])
                    do {
                        let violations = try validate(operationType, data)
                        print(violations.isEmpty ? "request-valid\\t\\(id)" : "request-invalid\\t\\(id)\\t\\(violations)")
                    } catch {
                        print("request-fail\\t\\(id)\\t\\(error)")
                    }
                }
            }
        }

        """
        return text
    }
}
