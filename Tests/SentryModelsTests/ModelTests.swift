import Foundation
import SentryModels
import Testing
import TestSupport

/// The generated models against real payloads: Sentry's official examples, payloads of
/// compatible servers, and the three states of a nullable request field.
@Suite struct ModelTests {
    /// The named examples of one response of the official schema, as JSON data.
    static func officialExamples(path: String, method: String, status: String) throws -> [String: Data] {
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: officialSchemaURL)) as! [String: Any]
        let paths = root["paths"] as! [String: Any]
        let operation = (paths[path] as! [String: Any])[method] as! [String: Any]
        let response = (operation["responses"] as! [String: Any])[status] as! [String: Any]
        let media = (response["content"] as! [String: Any])["application/json"] as! [String: Any]
        var result: [String: Data] = [:]
        for (name, example) in media["examples"] as! [String: Any] {
            let value = (example as! [String: Any])["value"]!
            result[name] = try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed])
        }
        return result
    }

    static let keysPath = "/api/0/projects/{organization_id_or_slug}/{project_id_or_slug}/keys/"
    static let keyPath = keysPath + "{key_id}/"

    @Test func officialKeyExamplesDecode() throws {
        let list = try #require(Self.officialExamples(path: Self.keysPath, method: "get", status: "200").first?.value)
        let keys = try JSONDecoder().decode(Operations.ListProjectKeys.Response.self, from: list)
        #expect(keys.count == 2)
        #expect(keys[0].id == "60120449b6b1d5e45f75561e6dabd80b")
        #expect(keys[0].name == "Liked Pegasus")
        #expect(keys[0].rateLimit == RateLimit(window: 7200, count: 1000))
        #expect(keys[0].browserSdkVersion == ._7X)
        #expect(keys[0].dsn.otlpTraces?.hasSuffix("/integration/otlp/v1/traces") == true)
        #expect(keys[0].dynamicSdkLoaderOptions?.hasReplay == true)
        let created = try #require(keys[0].dateCreated?.date)
        #expect(abs(created.timeIntervalSince1970 - 1_687_377_026.036) < 0.001)
        #expect(keys[1].rateLimit == nil)

        for (status, method, path) in [("201", "post", Self.keysPath), ("200", "get", Self.keyPath), ("200", "put", Self.keyPath)] {
            for (_, data) in try Self.officialExamples(path: path, method: method, status: status) {
                let key = try JSONDecoder().decode(ProjectKey.self, from: data)
                #expect(key == keys[0])
            }
        }
    }

    @Test func modelsRoundTripThroughJSON() throws {
        let list = try #require(Self.officialExamples(path: Self.keysPath, method: "get", status: "200").first?.value)
        let keys = try JSONDecoder().decode([ProjectKey].self, from: list)
        let again = try JSONDecoder().decode([ProjectKey].self, from: JSONEncoder().encode(keys))
        #expect(again == keys)
        #expect(again[0].dateCreated?.rawValue == "2023-06-21T19:50:26.036254Z")
    }

    @Test func aSparseKeyFromACompatibleServerDecodes() throws {
        let json = #"""
        {"id": "k-17", "name": "Web", "label": "Web", "public": "abc", "projectId": 3,
         "dsn": {"public": "https://abc@glitchtip.example/3"}, "someNewField": {"x": 1}}
        """#
        let key = try JSONDecoder().decode(ProjectKey.self, from: Data(json.utf8))
        #expect(key.id == "k-17")
        #expect(key.secret == nil)
        #expect(key.isActive == nil)
        #expect(key.browserSdk == nil)
        #expect(key.dsn.secret == nil)
        #expect(key.dsn.public == "https://abc@glitchtip.example/3")
    }

    @Test func unknownEnumValuesSurviveARoundTrip() throws {
        let json = #"{"useCase": "ai_agents", "browserSdkVersion": "11.x"}"#
        let request = try JSONDecoder().decode(UpdateProjectKeyRequest.self, from: Data(json.utf8))
        #expect(request.browserSdkVersion?.rawValue == "11.x")
        let known: UseCase = "profiling"
        #expect(known == .profiling)
        let unknown = try JSONDecoder().decode(UseCase.self, from: Data(#""ai_agents""#.utf8))
        #expect(unknown.rawValue == "ai_agents")
        #expect(String(decoding: try JSONEncoder().encode(unknown), as: UTF8.self) == #""ai_agents""#)
    }

    @Test func absentNullAndValueEncodeDifferently() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        func body(_ request: UpdateProjectKeyRequest) throws -> String {
            String(decoding: try encoder.encode(request), as: UTF8.self)
        }
        #expect(try body(UpdateProjectKeyRequest(name: "Web")) == #"{"name":"Web"}"#)
        #expect(try body(UpdateProjectKeyRequest(rateLimit: .null)) == #"{"rateLimit":null}"#)
        #expect(try body(UpdateProjectKeyRequest(rateLimit: .value(RateLimit(window: 60, count: 5)))) == #"{"rateLimit":{"count":5,"window":60}}"#)
    }

    @Test func aRequiredNullableFieldIsWrittenAsNull() throws {
        // `rateLimit`, `secret` and `dateCreated` are required but may be null: a key without
        // them encodes `null`, and decodes back to nil, whether the field was null or absent.
        let key = ProjectKey(id: "1", name: "Web", label: "Web", public: "abc", projectId: 2, dsn: ProjectKeyDSN(public: "https://abc@o1.ingest.sentry.io/2"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(key), as: UTF8.self)
        #expect(json.contains(#""rateLimit":null"#) && json.contains(#""secret":null"#) && json.contains(#""dateCreated":null"#))
        #expect(!json.contains("isActive"))
        #expect(try JSONDecoder().decode(ProjectKey.self, from: Data(json.utf8)) == key)
    }

    @Test func absentNullAndValueDecodeDifferently() throws {
        let decoder = JSONDecoder()
        #expect(try decoder.decode(UpdateProjectKeyRequest.self, from: Data("{}".utf8)).rateLimit == nil)
        #expect(try decoder.decode(UpdateProjectKeyRequest.self, from: Data(#"{"rateLimit": null}"#.utf8)).rateLimit == .null)
        #expect(try decoder.decode(UpdateProjectKeyRequest.self, from: Data(#"{"rateLimit": {"window": 1, "count": 2}}"#.utf8)).rateLimit == .value(RateLimit(window: 1, count: 2)))
    }

    /// `browserSdk.choices` is read by the runtime's `[[String]]` overload: the same values and
    /// the same refusals as the standard library's generic path, which `Generic` takes.
    @Test func listsOfStringListsDecodeAsTheGenericPathDoes() throws {
        struct Generic: Decodable, Equatable { var choices: [[String]]? }
        let decoder = JSONDecoder()
        for json in [#"{"choices": [["latest", "latest"], ["8.x", "8.x"], []]}"#, #"{"choices": []}"#, #"{"choices": null}"#, "{}"] {
            let ours = try decoder.decode(BrowserSDK.self, from: Data(json.utf8))
            #expect(ours.choices == (try decoder.decode(Generic.self, from: Data(json.utf8))).choices, "\(json)")
        }
        #expect(try decoder.decode(BrowserSDK.self, from: Data(#"{"choices": [["7.x", "7.x"]]}"#.utf8)).choices == [["7.x", "7.x"]])
        for json in [#"{"choices": [["7.x", 7]]}"#, #"{"choices": ["7.x"]}"#, #"{"choices": {"7.x": "7.x"}}"#, #"{"choices": [null]}"#] {
            #expect(throws: DecodingError.self, "\(json)") { try decoder.decode(BrowserSDK.self, from: Data(json.utf8)) }
            #expect(throws: DecodingError.self, "\(json)") { try decoder.decode(Generic.self, from: Data(json.utf8)) }
        }
    }

    @Test func sentryErrorBodiesDecode() throws {
        let field = try JSONDecoder().decode(ErrorResponse.self, from: Data(#"{"rateLimit": {"window": ["Ensure this value is less than or equal to 86400."]}}"#.utf8))
        #expect(field["rateLimit"] == .errorValueMap(["window": .errorValueArray([.string("Ensure this value is less than or equal to 86400.")])]))
        let detail = try JSONDecoder().decode(ErrorResponse.self, from: Data(#"{"detail": "Invalid token"}"#.utf8))
        #expect(detail["detail"] == .string("Invalid token"))
        let moved = try JSONDecoder().decode(ErrorResponse.self, from: Data(#"{"slug": "new", "detail": {"code": "resource-moved", "message": "Resource has been moved", "extra": {"url": "/x", "slug": "new"}}}"#.utf8))
        #expect(moved["slug"] == .string("new"))
    }

    @Test func operationsFillInPathsAndQueries() {
        let list = Operations.ListProjectKeys(organizationIdOrSlug: "my org", projectIdOrSlug: "web/app", cursor: "10:0:0", status: .inactive, perPage: 100)
        #expect(list.path == "/api/0/projects/my%20org/web%2Fapp/keys/")
        #expect(list.query == [
            QueryItem(name: "cursor", value: "10:0:0"), QueryItem(name: "status", value: "inactive"), QueryItem(name: "per_page", value: "100"),
        ])
        #expect(Operations.ListProjectKeys.endpoint.method == .get)
        #expect(Operations.DeleteProjectKey.endpoint.requiredScopes == ["project:admin"])
        #expect(Operations.DeleteProjectKey.endpoint.successStatus == 204)
        #expect(Operations.DeleteProjectKey.Response.self == NoBody.self)
        #expect(Operations.CreateProjectKey.endpoint.successStatus == 201)
        #expect(Operations.CreateProjectKey.endpoint.errorStatuses == [400, 401, 403, 404, 429])
        #expect(Operations.CreateProjectKey.responseBodyType(status: 201) == ProjectKey.self)
        #expect(Operations.CreateProjectKey.responseBodyType(status: 400) == nil)
        let update = Operations.UpdateProjectKey(organizationIdOrSlug: "o", projectIdOrSlug: "p", keyId: "k", body: UpdateProjectKeyRequest(isActive: false))
        #expect(update.path == "/api/0/projects/o/p/keys/k/")
        #expect(update.body?.isActive == false)
    }

    @Test func dateTimesConvert() throws {
        let date = Date(timeIntervalSince1970: 1_700_000_000.5)
        let stamp = DateTime(date)
        #expect(stamp.rawValue == "2023-11-14T22:13:20.500Z")
        #expect(stamp.date == date)
        #expect(DateTime(rawValue: "2023-06-21T19:50:26Z").date == Date(timeIntervalSince1970: 1_687_377_026))
        #expect(DateTime(rawValue: "yesterday").date == nil)
    }
}
