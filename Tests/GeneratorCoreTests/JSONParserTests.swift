@testable import GeneratorCore
import Testing

@Suite struct JSONParserTests {
    @Test func keepsMemberOrder() throws {
        let node = try JSONParser.parse(#"{"zeta": 1, "alpha": 2, "mid": 3}"#)
        #expect(node.objectValue?.keys == ["zeta", "alpha", "mid"])
    }

    @Test func readsEveryKindOfValue() throws {
        let node = try JSONParser.parse(#"[null, true, false, 0, -12, 4505281256090153, 1.5, 2e3, "x", [], {}]"#)
        #expect(node == .array([
            .null, .bool(true), .bool(false), .int(0), .int(-12), .int(4_505_281_256_090_153),
            .double(1.5), .double(2000), .string("x"), .array([]), .object(ObjectNode()),
        ]))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let node = try JSONParser.parse(#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00""#)
        #expect(node == .string("a\"b\\c/d\n\té😀"))
    }

    @Test func keepsUTF8Text() throws {
        #expect(try JSONParser.parse(#""Grüße, 世界""#) == .string("Grüße, 世界"))
    }

    @Test(arguments: [
        ("{\"a\" 1}", 1, 6), ("[1, 2", 1, 6), ("{\n  \"a\": tru\n}", 2, 8), ("\"\\ud800\"", 1, 8),
        ("01", 1, 2), ("[1,]", 1, 4), ("{} x", 1, 4), ("\"a\u{01}\"", 1, 3),
    ])
    func reportsWhereTheSyntaxBreaks(input: String, line: Int, column: Int) {
        #expect {
            try JSONParser.parse(input)
        } throws: { error in
            guard let error = error as? JSONParser.SyntaxError else { return false }
            return error.line == line && error.column == column
        }
    }

    @Test func refusesPathologicalNesting() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(deep) }
    }
}

@Suite struct DocumentLoaderTests {
    @Test func yamlAndJSONGiveTheSameTree() throws {
        let yaml = """
        openapi: 3.0.3
        count: 3
        ratio: 0.5
        enabled: true
        nothing: null
        version: "1.0"
        list: [a, 2]
        """
        let json = #"{"openapi": "3.0.3", "count": 3, "ratio": 0.5, "enabled": true, "nothing": null, "version": "1.0", "list": ["a", 2]}"#
        #expect(try DocumentLoader.load(Array(yaml.utf8)) == DocumentLoader.load(Array(json.utf8)))
    }

    @Test func yamlKeepsMemberOrder() throws {
        let node = try DocumentLoader.load(Array("b: 1\na: 2\nc: 3\n".utf8))
        #expect(node.objectValue?.keys == ["b", "a", "c"])
    }

    @Test func reportsBrokenDocuments() {
        #expect(throws: DocumentLoader.LoadError.self) { try DocumentLoader.load(Array("{\"a\": }".utf8)) }
        #expect(throws: DocumentLoader.LoadError.self) { try DocumentLoader.load(Array("a: [1, 2\n".utf8)) }
        #expect(throws: DocumentLoader.LoadError.self) { try DocumentLoader.load(Array("".utf8)) }
    }
}
