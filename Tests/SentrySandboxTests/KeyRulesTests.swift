import Foundation
import SentryModels
@testable import SentrySandbox
import Testing

/// The key operations follow Sentry's rules, field by field.
@Suite struct KeyRulesTests {
    let sandbox: Sandbox
    init() throws { sandbox = try makeSandbox() }

    @Test func createWithAnEmptyBodyMakesANamedActiveKey() async throws {
        let key = try await sandbox.createKey("")
        #expect(key.id == key.public)
        #expect(key.public.count == 32 && key.public.allSatisfy(\.isHexDigit))
        #expect(key.secret?.count == 32)
        #expect(key.name == key.label)
        #expect(key.name.split(separator: " ").count == 2)
        #expect(key.isActive == true)
        #expect(key.rateLimit == nil)
        #expect(key.useCase == nil, "useCase is shown to superusers only")
        #expect(key.dynamicSdkLoaderOptions == DynamicSDKLoaderOptions(hasReplay: true, hasPerformance: true, hasDebug: false, hasFeedback: false, hasLogsAndMetrics: false))
        let options = try #require(key.dynamicSdkLoaderOptions)
        for field in DynamicSDKLoaderOptions.fields {
            #expect(options[keyPath: field.keyPath] as? Bool != nil, "every loader option the spec names is answered: \(field.name)")
        }
        #expect(key.browserSdkVersion == "10.x")
        #expect(key.browserSdk?.choices == [["10.x", "10.x"], ["9.x", "9.x"], ["8.x", "8.x"], ["7.x", "7.x"]])
        let projectID = key.projectId
        #expect(key.dsn.public == "https://\(key.public)@o1.ingest.sandbox.invalid/\(projectID)")
        #expect(key.dsn.secret == "https://\(key.public):\(key.secret!)@o1.ingest.sandbox.invalid/\(projectID)")
        #expect(key.dsn.crons == "https://o1.ingest.sandbox.invalid/api/\(projectID)/cron/___MONITOR_SLUG___/\(key.public)/")
        #expect(key.dsn.cdn == "https://js.sentry-cdn.com/\(key.public).min.js")
        let created = try #require(key.dateCreated?.rawValue)
        #expect(created.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z/) != nil)
    }

    @Test func createKeepsNameRateLimitAndGivenKeys() async throws {
        let key = try await sandbox.createKey(#"{"name": "  Web  ", "rateLimit": {"window": 3600, "count": 1000}, "public": "\#(String(repeating: "a", count: 32))", "secret": "\#(String(repeating: "b", count: 32))"}"#)
        #expect(key.name == "Web")
        #expect(key.rateLimit == RateLimit(window: 3600, count: 1000))
        #expect(key.public == String(repeating: "a", count: 32))
        #expect(key.secret == String(repeating: "b", count: 32))
    }

    @Test func aRateLimitWithAZeroIsNotStored() async throws {
        #expect(try await sandbox.createKey(#"{"rateLimit": {"window": 60, "count": 0}}"#).rateLimit == nil)
        #expect(try await sandbox.createKey(#"{"rateLimit": {"window": "", "count": 10}}"#).rateLimit == nil)
    }

    @Test(arguments: [
        (#"{"name": "\#(String(repeating: "x", count: 65))"}"#, #"{"name": ["Ensure this field has no more than 64 characters."]}"#),
        (#"{"name": true}"#, #"{"name": ["Not a valid string."]}"#),
        (#"{"rateLimit": {"window": 86401, "count": 1}}"#, #"{"rateLimit": {"window": ["Ensure this value is less than or equal to 86400."]}}"#),
        (#"{"rateLimit": {"window": 60, "count": -1}}"#, #"{"rateLimit": {"count": ["Ensure this value is greater than or equal to 0."]}}"#),
        (#"{"rateLimit": {"window": 60, "count": "many"}}"#, #"{"rateLimit": {"count": ["A valid integer is required."]}}"#),
        (#"{"rateLimit": "fast"}"#, #"{"rateLimit": {"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]}}"#),
        (#"{"rateLimit": null}"#, #"{"rateLimit": ["This field may not be null."]}"#),
        (#"{"public": "ABC"}"#, #"{"public": ["This value does not match the required pattern."]}"#),
        (#"{"useCase": "telemetry"}"#, #"{"useCase": ["\"telemetry\" is not a valid choice."]}"#),
        (#"[1, 2]"#, #"{"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}"#),
    ])
    func createRejectsBadFieldsWithSentrysBodies(body: String, expected: String) async {
        let response = await sandbox.send("POST", keysPath, body: body)
        #expect(response.status == 400)
        #expect(response.json == json(expected), "\(response.text)")
        #expect(await sandbox.send("GET", keysPath).json == .array([]), "nothing is created")
    }

    @Test func malformedJSONIsA400WithDetail() async throws {
        let response = await sandbox.send("POST", keysPath, body: "{\"name\": ")
        #expect(response.status == 400)
        guard case .object(let body)? = response.json, case .string(let detail)? = body["detail"] else {
            Issue.record("no detail: \(response.text)")
            return
        }
        #expect(detail.hasPrefix("JSON parse error - "))
    }

    @Test func updateChangesOnlyWhatIsSent() async throws {
        let key = try await sandbox.createKey(#"{"name": "Web", "rateLimit": {"window": 60, "count": 5}}"#)
        let path = keysPath + key.id + "/"
        func update(_ body: String) async throws -> ProjectKey {
            let response = await sandbox.send("PUT", path, body: body)
            guard response.status == 200 else { throw UnexpectedStatus(status: response.status, body: response.text) }
            return try response.decode(ProjectKey.self)
        }
        #expect(try await update(#"{"name": "Renamed"}"#).name == "Renamed")
        #expect(try await update(#"{"name": ""}"#).name == "Renamed", "an empty name leaves the name")
        #expect(try await update("{}").rateLimit == RateLimit(window: 60, count: 5), "omitted rate limit stays")
        #expect(try await update(#"{"rateLimit": {}}"#).rateLimit == RateLimit(window: 60, count: 5))
        #expect(try await update(#"{"rateLimit": {"window": 120, "count": 7}}"#).rateLimit == RateLimit(window: 120, count: 7))
        #expect(try await update(#"{"rateLimit": {"count": "", "window": 300}}"#).rateLimit == nil)
        #expect(try await update(#"{"rateLimit": {"window": 120, "count": 7}}"#).rateLimit != nil)
        #expect(try await update(#"{"rateLimit": null}"#).rateLimit == nil, "null clears the rate limit")
        #expect(try await update(#"{"isActive": "no"}"#).isActive == false)
        #expect(try await update(#"{"isActive": true}"#).isActive == true)
        #expect(try await update(#"{"useCase": "profiling"}"#).useCase == nil, "useCase is ignored on update")
        #expect(try await update(#"{"browserSdkVersion": "7.x"}"#).browserSdkVersion == "7.x")
        let merged = try await update(#"{"dynamicSdkLoaderOptions": {"hasDebug": true, "hasReplay": false, "unknown": 1}}"#)
        #expect(merged.dynamicSdkLoaderOptions == DynamicSDKLoaderOptions(hasReplay: false, hasPerformance: true, hasDebug: true, hasFeedback: false, hasLogsAndMetrics: false))
        // Lists and retrieves show the key as it is now.
        #expect(try await sandbox.send("GET", keysPath).decode([ProjectKey].self) == [merged])
        #expect(try await sandbox.send("GET", path).decode(ProjectKey.self) == merged)
    }

    @Test func updateRejectsBadFieldsAndSavesNothing() async throws {
        let key = try await sandbox.createKey(#"{"name": "Web"}"#)
        let path = keysPath + key.id + "/"
        let cases = [
            (#"{"name": "Renamed", "dynamicSdkLoaderOptions": {"hasReplay": "invalid"}}"#, #"{"dynamicSdkLoaderOptions": {"hasReplay": ["Must be a valid boolean."]}}"#),
            (#"{"isActive": "maybe"}"#, #"{"isActive": ["Must be a valid boolean."]}"#),
            (#"{"browserSdkVersion": "3.x"}"#, #"{"browserSdkVersion": ["\"3.x\" is not a valid choice."]}"#),
            (#"{"rateLimit": {"window": -5, "count": 1}}"#, #"{"rateLimit": {"window": ["Ensure this value is greater than or equal to 0."]}}"#),
        ]
        for (body, expected) in cases {
            let response = await sandbox.send("PUT", path, body: body)
            #expect(response.status == 400)
            #expect(response.json == json(expected), "\(response.text)")
        }
        #expect(try await sandbox.send("GET", path).decode(ProjectKey.self) == key)
    }

    @Test func deleteIs204ThenTheKeyIsGone() async throws {
        let key = try await sandbox.createKey()
        let path = keysPath + key.id + "/"
        let deleted = await sandbox.send("DELETE", path)
        #expect(deleted.status == 204)
        #expect(deleted.body.isEmpty)
        for method in ["GET", "PUT", "DELETE"] {
            let response = await sandbox.send(method, path, body: "{}")
            #expect(response.status == 404)
            #expect(response.json == json(#"{"detail": "The requested resource does not exist"}"#))
        }
    }

    @Test func unknownOrganizationProjectOrKeyIs404() async {
        for path in ["/api/0/projects/nope/web/keys/", "/api/0/projects/my-org/nope/keys/", keysPath + "0123/", "/api/0/organizations/nope/"] {
            #expect(await sandbox.send("GET", path).status == 404, "\(path)")
        }
    }

    @Test func internalUseCaseKeysAreHiddenFromOrdinaryCallers() async throws {
        let internalKey = try await sandbox.createKey(#"{"useCase": "profiling"}"#, token: "root")
        #expect(internalKey.useCase == .profiling)
        let ordinary = try await sandbox.createKey(#"{"useCase": "profiling"}"#)
        #expect(ordinary.useCase == nil)
        let listed = try await sandbox.send("GET", keysPath).decode([ProjectKey].self)
        #expect(listed.map(\.id) == [ordinary.id])
        #expect(await sandbox.send("GET", keysPath + internalKey.id + "/").status == 404)
        let asRoot = try await sandbox.send("GET", keysPath, token: "root").decode([ProjectKey].self)
        #expect(asRoot.map(\.useCase) == [.user, .profiling])
    }
}
