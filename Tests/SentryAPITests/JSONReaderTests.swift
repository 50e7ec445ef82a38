import Foundation
@testable import SentryAPI
@testable import SentryModels
import Testing

/// The client's JSON decoder on documents whose result is known. FuzzTests compares it with
/// JSONDecoder on mutated documents.
@Suite struct JSONReaderTests {
    static let key = #"""
    {"id":"a1","name":"Caf\u00e9 \ud83d\ude80 \"q\" \\ \/","label":"tab\there","public":"a1","secret":null,
     "projectId":4505281256090153,"isActive":true,"rateLimit":{"window":60,"count":0},
     "dsn":{"public":"https://a1@o1.ingest.sentry.io/2","secret":"https://a1:s@o1.ingest.sentry.io/2"},
     "browserSdkVersion":"7.x","browserSdk":{"choices":[["latest","latest"],["7.x","7.x"]]},
     "dateCreated":"2023-06-21T19:50:26.036254Z","extra":{"nested":[1,2.5,-3e2,true,null,"x",{}]},
     "useCase":"user"}
    """#

    @Test func decodesAKeyWithEscapesUnknownFieldsAndNulls() throws {
        let key = try JSONReader.decode(ProjectKey.self, from: Data(Self.key.utf8))
        #expect(key.name == "Café 🚀 \"q\" \\ /")
        #expect(key.label == "tab\there")
        #expect(key.secret == nil)
        #expect(key.projectId == 4_505_281_256_090_153)
        #expect(key.rateLimit == RateLimit(window: 60, count: 0))
        #expect(key.dsn.secret == "https://a1:s@o1.ingest.sentry.io/2")
        #expect(key.browserSdk?.choices == [["latest", "latest"], ["7.x", "7.x"]])
        #expect(key.dateCreated?.rawValue == "2023-06-21T19:50:26.036254Z")
        #expect(key.useCase == .user)
        #expect(key == (try JSONDecoder().decode(ProjectKey.self, from: Data(Self.key.utf8))))
    }

    /// The generated models read themselves from the document, to the same result as
    /// JSONDecoder's; a value they do not expect sends the document through `Decodable`.
    @Test func modelsReadThemselvesAndLeaveTheUnexpectedToDecodable() throws {
        #expect(ProjectKey.self is any JSONReadable.Type)
        #expect([ProjectKey].self is any JSONReadable.Type)
        #expect(!(JSONValue.self is any JSONReadable.Type))
        let data = Data(Self.key.utf8)
        let document = try Document(data)
        let direct = try withExtendedLifetime(document) { try JSONReading.read(ProjectKey.self, from: JSONNode(document, index: 0)) }
        #expect(direct == (try JSONDecoder().decode(ProjectKey.self, from: data)))
        #expect(try withExtendedLifetime(document) { try JSONReading.read(JSONValue.self, from: JSONNode(document, index: 0)) } == nil)

        // An integer written with an exponent: JSONDecoder reads it, the direct path does not.
        let exponent = Data(Self.key.replacingOccurrences(of: "4505281256090153", with: "4.505281256090153e15").utf8)
        let exponentDocument = try Document(exponent)
        withExtendedLifetime(exponentDocument) {
            #expect(throws: (any Error).self) { try JSONReading.read(ProjectKey.self, from: JSONNode(exponentDocument, index: 0)) }
        }
        let key = try JSONReader.decode(ProjectKey.self, from: exponent)
        #expect(key.projectId == 4_505_281_256_090_153)
        #expect(key == (try JSONDecoder().decode(ProjectKey.self, from: exponent)))
    }

    /// Documents of many short values outgrow the room the parser reserves first (a node per
    /// 16 bytes): every node survives the moves to larger room.
    @Test func denseDocumentsGrowTheirNodes() throws {
        let numbers = (0..<5_000).map { $0 % 10 }
        let dense = Data("[\(numbers.map(String.init).joined(separator: ","))]".utf8)
        #expect(try JSONReader.decode([Int].self, from: dense) == numbers)
        let nested = Data("[\(String(repeating: "[[],{},0,true,null,\"\"],", count: 2_000))[]]".utf8)
        let read = try JSONReader.decode([JSONValue].self, from: nested)
        #expect(read == (try JSONDecoder().decode([JSONValue].self, from: nested)))
        #expect(read.count == 2_001)
    }

    @Test func failuresNameThePlace() throws {
        func failure(_ json: String) -> DecodingError? {
            do {
                _ = try JSONReader.decode([ProjectKey].self, from: Data(json.utf8))
                return nil
            } catch {
                return error as? DecodingError
            }
        }
        let document = "[\(Self.key)]"
        let missing = failure(document.replacingOccurrences(of: #""public":"https"#, with: #""other":"https"#))
        #expect(missing.map(SentryError.jsonPath) == "[0].dsn.public")
        let mismatch = failure(document.replacingOccurrences(of: #""window":60"#, with: #""window":"60""#))
        #expect(mismatch.map(SentryError.jsonPath) == "[0].rateLimit.window")
        #expect(mismatch.map(SentryError.summary) == "expected Int")
        let null = failure(document.replacingOccurrences(of: #""label":"tab\there""#, with: #""label":null"#))
        #expect(null.map(SentryError.summary) == "missing String value")
        let tooBig = failure(document.replacingOccurrences(of: "4505281256090153", with: "9223372036854775808"))
        #expect(tooBig.map(SentryError.jsonPath) == "[0].projectId")
        for invalid in ["", "[", "[1,]x", "{\"a\" 1}", "nul", "\"\\u12\"", String(repeating: "[", count: 600)] {
            let error = failure(invalid)
            #expect(error.map(SentryError.summary) == "not valid JSON", "\(invalid.prefix(20))")
            #expect(error.map(SentryError.jsonPath) == "(root)", "\(invalid.prefix(20))")
        }
    }

    @Test func numbersAndStringsAsJSONDecoderReadsThem() throws {
        let json = #"[0, -0, 9223372036854775807, -9223372036854775808, 1e2, 100.0, "\u00e9", "\ud834\udd1e", "a\u0000b"]"#
        let values = try JSONReader.decode([JSONValue].self, from: Data(json.utf8))
        #expect(values == (try JSONDecoder().decode([JSONValue].self, from: Data(json.utf8))))
        #expect(values[2] == .integer(Int.max) && values[3] == .integer(Int.min) && values[4] == .integer(100))
        #expect(values[7] == .string("𝄞") && values[8] == .string("a\u{0}b"))
        #expect(throws: DecodingError.self) { try JSONReader.decode(Int8.self, from: Data("128".utf8)) }
        #expect(try JSONReader.decode(UInt64.self, from: Data("18446744073709551615".utf8)) == .max)
        // A malformed number is reported when it is read.
        for malformed in ["01", "1.", "-", "1e"] {
            #expect(throws: DecodingError.self, "\(malformed)") { try JSONReader.decode(Int.self, from: Data(malformed.utf8)) }
        }
        // A bad escape in a field nobody reads is no error (JSONDecoder reads it the same way).
        struct Named: Decodable, Equatable { var name: String }
        let lenient = #"{"name":"n","ignored":"\x","dup":1,"dup":2}"#
        #expect(try JSONReader.decode(Named.self, from: Data(lenient.utf8)) == Named(name: "n"))
    }
}
