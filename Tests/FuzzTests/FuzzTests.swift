import Foundation
@testable import GeneratorCore
import PropertyBased
@testable import SentryAPI
import Testing
import TestSupport

/// The parsers that read outside input, fed mutated inputs: the `Link` header, Sentry's answers
/// and error bodies, `.env` and `.sentryclirc`, and the generator on mutated OpenAPI documents. Each input
/// is a file of `Tests/FuzzTests/Corpus/` changed by a random mutation script (PropertyBased
/// generates the scripts, reports the seed of a failure and shrinks the script). A crash fails
/// the run; each parser also has properties that must hold for any input.
///
/// The counts keep the whole suite to a few seconds in CI; `SENTRY_SDK_FUZZ_SCALE=100` runs
/// each a hundred times longer.
@Suite struct FuzzTests {
    static let scale = Int(ProcessInfo.processInfo.environment["SENTRY_SDK_FUZZ_SCALE"] ?? "") ?? 1

    /// A mutation script: bytes read three at a time as (operation, position, value).
    static let script = Gen.uint8().array(of: 0...60)

    @Test func linkHeaders() async throws {
        let corpus = try Corpus.load("link")
        await propertyCheck(count: 3_000 * Self.scale, input: Gen.int(in: 0...(corpus.count - 1)), Self.script) { index, script in
            let text = String(decoding: Mutator.apply(script, to: corpus[index], tokens: Mutator.linkTokens), as: UTF8.self)
            let header = LinkHeader(text)
            for entry in header.entries {
                #expect(!entry.url.contains(">"), "an entry's URL ends at the first `>`")
                #expect(entry.parameters.keys.allSatisfy { $0 == $0.lowercased() && !$0.contains(";") })
            }
            // Paging stops unless the header says there is a next page.
            if let next = header.entries.first(where: { $0.rel?.split(separator: " ").contains("next") == true }), next.results == false {
                #expect(header.nextCursor == nil)
            }
            if !text.contains("next") { #expect(header.nextCursor == nil) }
        }
    }

    @Test func errorBodies() async throws {
        let corpus = try Corpus.load("error-body")
        let statuses = [400, 401, 403, 404, 409, 429, 500, 502]
        await propertyCheck(count: 3_000 * Self.scale, input: Gen.int(in: 0...(corpus.count - 1)), Self.script, Gen.int(in: 0...(statuses.count - 1))) { index, script, status in
            let body = Data(Mutator.apply(script, to: corpus[index], tokens: Mutator.jsonTokens))
            let error = SentryError.from(status: statuses[status], body: body, operationID: "createProjectKey", requiredScopes: ["project:write"])
            let sentence = error.description
            #expect(!sentence.isEmpty && !sentence.contains("Bearer"))
            for field in error.fieldErrors {
                #expect(!field.path.isEmpty && !field.messages.isEmpty)
            }
            if statuses[status] != 400 { #expect(error.fieldErrors.isEmpty) }
        }
    }

    /// The client's reading of answers, on mutated keys and key lists: a value, or a `.decoding`
    /// error that names a place in the document and repeats none of its text (a key's secret
    /// must never reach an error).
    @Test func answersDecodeOrFailWithoutQuotingThem() async throws {
        let corpus = try Corpus.load("json")
        await propertyCheck(count: 3_000 * Self.scale, input: Gen.int(in: 0...(corpus.count - 1)), Self.script) { index, script in
            let body = Data(Mutator.apply(script, to: corpus[index], tokens: Mutator.jsonTokens))
            let response = TransportResponse(status: 200, headers: [:], body: body)
            // Every run of 8 or more hex digits in the document: secrets, ids and DSN parts.
            let document = String(decoding: body, as: UTF8.self)
            let hexRuns = document.split { !$0.isHexDigit }.filter { $0.count >= 8 }.map(String.init)
            for result in [
                Result { () throws(SentryError) in _ = try SentryClient.decode(Operations.GetProjectKey.self, from: response) },
                Result { () throws(SentryError) in _ = try SentryClient.decode(Operations.ListProjectKeys.self, from: response) },
            ] {
                guard case .failure(let error) = result else { continue }
                #expect(error.kind == .decoding)
                #expect(error.jsonPath != nil || error.underlying == "not valid JSON" || error.underlying == "unreadable body")
                let sentence = error.description
                #expect(!hexRuns.contains { sentence.contains($0) }, "\(sentence) quotes the document \(document.debugDescription)")
            }
        }
    }

    @Test func dotEnvFiles() async throws {
        let corpus = try Corpus.load("dotenv")
        await propertyCheck(count: 3_000 * Self.scale, input: Gen.int(in: 0...(corpus.count - 1)), Self.script) { index, script in
            let text = String(decoding: Mutator.apply(script, to: corpus[index], tokens: Mutator.configTokens), as: UTF8.self)
            for (name, value) in DotEnv.parse(text) {
                #expect(!name.isEmpty && !name.contains("=") && name.allSatisfy { !$0.isWhitespace }, "name \(name.debugDescription)")
                #expect(value.allSatisfy { !$0.isNewline })
            }
        }
    }

    @Test func sentryCLIRCFiles() async throws {
        let corpus = try Corpus.load("sentryclirc")
        await propertyCheck(count: 3_000 * Self.scale, input: Gen.int(in: 0...(corpus.count - 1)), Self.script) { index, script in
            let text = String(decoding: Mutator.apply(script, to: corpus[index], tokens: Mutator.configTokens), as: UTF8.self)
            for (section, values) in INI.parse(text) {
                #expect(section.allSatisfy { !$0.isNewline })
                for (key, value) in values {
                    #expect(!key.isEmpty && key == key.trimmingCharacters(in: .whitespaces) && !key.contains("="))
                    #expect(value.allSatisfy { !$0.isNewline })
                }
            }
        }
    }

    /// Byte-level mutations of OpenAPI documents: most no longer parse, and must fail with an
    /// error; those that parse must generate without crashing.
    @Test func generatorOnMutatedText() async throws {
        let corpus = try Corpus.load("openapi")
        await propertyCheck(count: 400 * Self.scale, input: Gen.int(in: 0...(corpus.count - 1)), Self.script) { index, script in
            let bytes = Mutator.apply(script, to: corpus[index], tokens: Mutator.openAPITokens)
            guard let output = try? CodeGenerator.generate(spec: bytes, specName: "fuzz.yaml") else { return }
            #expect(output.files.allSatisfy { $0.contents.hasPrefix(CodeGenerator.marker) })
        }
    }

    /// Structural mutations (a subtree replaced by another, a `$ref` that loops or dangles, a
    /// keyword with the wrong kind of value, odd names): the generator reports what it cannot
    /// map, and a sample of what it writes must type-check.
    @Test func generatorOnMutatedDocuments() async throws {
        let corpus = try Corpus.load("openapi").map { try DocumentLoader.load($0) }
        let outputs = Outputs()
        await propertyCheck(count: 300 * Self.scale, input: Gen.int(in: 0...(corpus.count - 1)), Self.script) { index, script in
            let document = Mutator.apply(script, to: corpus[index])
            let output = CodeGenerator.generate(document: document, specName: "fuzz.json")
            #expect(output.files.contains { $0.name == "Runtime.swift" })
            outputs.keep(output, script: script, corpusIndex: index)
        }
        #expect(outputs.sample.count == Outputs.size)
        for (number, (output, replay)) in outputs.sample.enumerated() {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-\(number)-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            for file in output.files { try Data(file.contents.utf8).write(to: directory.appendingPathComponent(file.name)) }
            let result = try await TestProcess.swiftc(["-typecheck", "-swift-version", "6", "-module-name", "Fuzz", "-parse-as-library"]
                + output.files.map(\.name), in: directory)
            #expect(result.status == 0, "the Swift generated from a mutated document (\(replay)) does not type-check:\n\(result.output.suffix(3000))")
        }
    }
}

/// Keeps a few generated outputs to type-check afterwards: the ones from the longest mutation
/// scripts, which changed their document the most.
final class Outputs: @unchecked Sendable {
    private let lock = NSLock()
    /// Each output with what reproduces it: the corpus file's index and the mutation script.
    private var kept: [(length: Int, output: CodeGenerator.Output, replay: String)] = []
    static let size = 6

    func keep(_ output: CodeGenerator.Output, script: [UInt8], corpusIndex: Int) {
        lock.withLock {
            kept.append((script.count, output, "corpus file \(corpusIndex), script \(script)"))
            kept.sort { $0.length > $1.length }
            if kept.count > Self.size { kept.removeLast() }
        }
    }

    var sample: [(output: CodeGenerator.Output, replay: String)] { lock.withLock { kept.map { ($0.output, $0.replay) } } }
}

enum Corpus {
    /// The files of one corpus directory, in name order.
    static func load(_ name: String) throws -> [[UInt8]] {
        let directory = packageRoot.appendingPathComponent("Tests/FuzzTests/Corpus/\(name)")
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let contents = try files.map { [UInt8](try Data(contentsOf: $0)) }
        try #require(!contents.isEmpty, "the corpus \(name) is empty")
        return contents
    }
}

/// Applies mutation scripts, the way a fuzzer's mutator would: bit flips, inserted and deleted
/// bytes, tokens of the format spliced in, chunks repeated, truncation.
enum Mutator {
    static let linkTokens = ["<", ">", ";", ",", "\"", "=", "rel=\"next\"", "results=\"true\"", "results=\"false\"", "cursor=\"", "\r\n ", "%3A", "?cursor=", "\u{0}", "é"]
    static let jsonTokens = ["{", "}", "[", "]", ",", ":", "\"", "\"detail\"", "\"message\"", "null", "1e999", "-0", "\"\\u0000\"", "\\", "true", "[[[[[["]
    static let configTokens = ["=", "\n", "[", "]", "[auth]", "token", "export ", "\"", "'", "#", ";", " ", "\t", "\r", "SENTRY_AUTH_TOKEN", "\\n"]
    static let openAPITokens = ["$ref", "'#/components/schemas/Key'", "allOf", "oneOf", "nullable: true", "type: [string, \"null\"]", "{", "}", "[", "]", ":", "\n  ", "- ", "\"", "&a", "*a", "!!binary"]

    static func apply(_ script: [UInt8], to input: [UInt8], tokens: [String]) -> [UInt8] {
        var bytes = input
        var index = 0
        while index + 2 < script.count {
            let (operation, a, b) = (script[index], Int(script[index + 1]), script[index + 2])
            index += 3
            let position = bytes.isEmpty ? 0 : a * bytes.count / 256
            switch operation % 6 {
            case 0 where !bytes.isEmpty: bytes[position] ^= 1 << (b % 8)
            case 1: bytes.insert(b, at: position)
            case 2 where !bytes.isEmpty: bytes.removeSubrange(position..<min(bytes.count, position + Int(b % 16) + 1))
            case 3: bytes.insert(contentsOf: Array(tokens[Int(b) % tokens.count].utf8), at: position)
            case 4 where !bytes.isEmpty:
                let chunk = Array(bytes[position..<min(bytes.count, position + Int(b % 32) + 1)])
                bytes.insert(contentsOf: chunk, at: position)
            case 5: bytes.removeSubrange(position...)
            default: break
            }
        }
        return bytes
    }

    /// Structural mutations of a parsed document.
    static func apply(_ script: [UInt8], to document: Node) -> Node {
        var document = document
        var index = 0
        while index + 2 < script.count {
            let (operation, a, b) = (script[index], Int(script[index + 1]), Int(script[index + 2]))
            index += 3
            var paths: [[PathStep]] = []
            collectPaths(document, at: [], into: &paths)
            guard !paths.isEmpty else { break }
            let path = paths[a * paths.count / 256]
            let replacement: Node
            switch operation % 8 {
            case 0: replacement = .object(ObjectNode(keys: ["$ref"], values: [.string("#/components/schemas/Key")]))
            case 1: replacement = .object(ObjectNode(keys: ["$ref"], values: [.string(b % 2 == 0 ? "#/components/schemas/Missing" : "#/paths")]))
            case 2: replacement = .string(["string", "integer", "object", "array", "null", "date-time", "7 odd name", "class", "ünïcode"][b % 9])
            case 3: replacement = .array([.string("string"), .string("null"), .int(b)])
            case 4: replacement = node(at: paths[b * paths.count / 256], in: document) ?? .null
            case 5: replacement = .object(ObjectNode(keys: ["allOf"], values: [.array([.object(ObjectNode(keys: ["$ref"], values: [.string("#/components/schemas/RateLimit")])), .bool(b % 2 == 0)])]))
            case 6: replacement = [.null, .bool(true), .int(-b), .double(1e300), .object(ObjectNode())][b % 5]
            default: replacement = .object(ObjectNode(keys: ["type", "properties"], values: [.string("object"), .object(ObjectNode(keys: ["self", "Type", ""], values: [.object(ObjectNode(keys: ["type"], values: [.string("string")])), .null, .int(1)]))]))
            }
            document = replacing(path[...], in: document, with: replacement)
        }
        return document
    }

    enum PathStep { case key(Int), element(Int) }

    private static func collectPaths(_ node: Node, at path: [PathStep], into paths: inout [[PathStep]]) {
        guard paths.count < 2_000 else { return }
        paths.append(path)
        switch node {
        case .object(let object):
            for position in object.values.indices { collectPaths(object.values[position], at: path + [.key(position)], into: &paths) }
        case .array(let elements):
            for position in elements.indices { collectPaths(elements[position], at: path + [.element(position)], into: &paths) }
        default: break
        }
    }

    private static func node(at path: [PathStep], in node: Node) -> Node? {
        var current = node
        for step in path {
            switch (step, current) {
            case (.key(let position), .object(let object)): current = object.values[position]
            case (.element(let position), .array(let elements)): current = elements[position]
            default: return nil
            }
        }
        return current
    }

    private static func replacing(_ path: ArraySlice<PathStep>, in node: Node, with replacement: Node) -> Node {
        guard let step = path.first else { return replacement }
        switch (step, node) {
        case (.key(let position), .object(var object)):
            object.values[position] = replacing(path.dropFirst(), in: object.values[position], with: replacement)
            return .object(object)
        case (.element(let position), .array(var elements)):
            elements[position] = replacing(path.dropFirst(), in: elements[position], with: replacement)
            return .array(elements)
        default:
            return node
        }
    }
}
