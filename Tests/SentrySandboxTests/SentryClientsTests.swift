import Foundation
import SentryModels
@testable import SentrySandbox
import Testing

/// What Sentry's own clients (sentry-cli, go-sentry) ask of the API and the sandbox answers as
/// Sentry does: the API root, every project of the token, empty and repeated query parameters,
/// the token messages, HEAD and OPTIONS, and the "Default" key of a new project.
@Suite struct SentryClientsTests {
    @Test func theAPIRootDescribesTheTokenAndNeedsNone() async throws {
        let sandbox = try makeSandbox()
        let anonymous = await sandbox.send("GET", "/api/0/", token: nil)
        #expect(anonymous.status == 200)
        #expect(try anonymous.decode(APIRoot.self) == APIRoot(version: "0"))
        let root = try await sandbox.send("GET", "/api/0/", token: "reader").decode(APIRoot.self)
        #expect(root.auth?.scopes == ["org:read", "project:read"])
        #expect(root.user?.email == "sandbox@sandbox.invalid")
        #expect(root.user?.id == "1")
        #expect(root.user?.isSuperuser == false)
        #expect(try await sandbox.send("GET", "/api/0/", token: "root").decode(APIRoot.self).user?.isSuperuser == true)
        #expect(await sandbox.send("GET", "/api/0/", token: "stolen").status == 401, "a token sent must be valid")
    }

    @Test func yourProjectsAreListedWithTheirOrganizations() async throws {
        let sandbox = try makeSandbox()
        try await sandbox.seed(organization: "other-org", project: "mobile")
        let all = try await sandbox.send("GET", "/api/0/projects/").decode([Project].self)
        #expect(all.map(\.slug) == ["mobile", "api", "web"], "newest first")
        #expect(all.map { $0.organization?.slug } == ["other-org", "my-org", "my-org"])
        let page = await sandbox.send("GET", "/api/0/projects/", query: ["per_page": "2"])
        #expect(try page.decode([Project].self).count == 2)
        #expect(page.header("Link")?.contains(#"rel="next"; results="true""#) == true)
        for (query, expected) in [("web", ["web"]), ("slug:api", ["api"]), ("name:we", []), ("id:2", ["web"]),
                                  ("owner:me", []), ("my-org slug:web", [])] {
            let found = try await sandbox.send("GET", "/api/0/projects/", query: ["query": query]).decode([Project].self)
            #expect(found.map(\.slug) == expected, "query \(query)")
        }
        #expect(try await sandbox.send("GET", "/api/0/projects/", query: ["status": "deleted"]).decode([Project].self).isEmpty)
        #expect(await sandbox.send("GET", "/api/0/projects/", token: "writer").status == 200)
    }

    @Test func organizationsAndProjectsCarrySentrysFields() async throws {
        let sandbox = try makeSandbox()
        guard case .object(let organization)? = await sandbox.send("GET", "/api/0/organizations/my-org/").json,
              case .object(let project)? = await sandbox.send("GET", "/api/0/projects/my-org/web/").json
        else { Issue.record("not JSON objects"); return }
        for field in ["avatar", "hasAuthProvider", "allowMemberInvite", "allowMemberProjectCreation", "allowSuperuserAccess",
                      "isEarlyAdopter", "require2FA", "links", "status", "dateCreated"] {
            #expect(organization[field] != nil, "organization field \(field)")
        }
        for field in ["isPublic", "avatar", "access", "color", "teams", "isMember", "hasAccess", "status", "features", "hasSessions"] {
            #expect(project[field] != nil, "project field \(field)")
        }
        #expect(project["isPublic"] == .bool(false))
        guard case .array(let access)? = project["access"] else { Issue.record("no access list"); return }
        #expect(access.contains(.string("project:write")))
    }

    @Test func anEmptyCursorIsTheFirstPageAndARepeatedParameterItsLastValue() async throws {
        let sandbox = try makeSandbox()
        for _ in 0..<3 { _ = try await sandbox.createKey() }
        let empty = await sandbox.send("GET", keysPath, query: ["cursor": ""])
        #expect(empty.status == 200)
        #expect(try empty.decode([ProjectKey].self).count == 3)
        let repeated = await sandbox.request("GET", keysPath, query: [QueryItem(name: "per_page", value: "1"), QueryItem(name: "per_page", value: "2")], token: "admin")
        #expect(try repeated.decode([ProjectKey].self).count == 2, "Django's QueryDict.get takes the last value")
        let blank = await sandbox.send("GET", keysPath, query: ["per_page": ""])
        #expect(blank.status == 400)
        #expect(blank.json == json(#"{"detail": "Invalid per_page parameter."}"#))
        #expect(await sandbox.send("GET", "/api/0/organizations/", query: ["cursor": ""]).status == 200)
    }

    @Test func malformedBearerHeadersGetSentrysMessagesAndAChallenge() async throws {
        let sandbox = try makeSandbox()
        for (header, message) in [("Bearer", "Invalid token header. No credentials provided."),
                                  ("Bearer   ", "Invalid token header. No credentials provided."),
                                  ("Bearer admin extra", "Invalid token header. Token string should not contain spaces."),
                                  ("Bearer stolen", "Invalid token"),
                                  ("Basic YWRtaW46", "Authentication credentials were not provided.")] {
            let response = await sandbox.handle(SandboxRequest(method: "GET", path: keysPath, headers: ["Authorization": header]))
            #expect(response.status == 401, "\(header)")
            #expect(response.json == json(#"{"detail": "\#(message)"}"#), "\(header)")
            #expect(response.header("WWW-Authenticate") == #"xBasic realm="api""#, "\(header)")
        }
        #expect(await sandbox.send("GET", keysPath, token: nil).header("WWW-Authenticate") == #"xBasic realm="api""#)
        let spaced = await sandbox.handle(SandboxRequest(method: "GET", path: keysPath, headers: ["Authorization": "bearer  admin"]))
        #expect(spaced.status == 200, "the scheme is case-insensitive and split on any whitespace")
    }

    @Test func headAndOptionsAnswerAsSentrysEndpointsDo() async throws {
        let sandbox = try makeSandbox()
        let options = await sandbox.send("OPTIONS", keysPath, token: nil)
        #expect(options.status == 200, "a preflight needs no token")
        #expect(options.body.isEmpty)
        #expect(options.header("Allow") == "GET, POST, HEAD, OPTIONS")
        #expect(options.header("Access-Control-Allow-Origin") == "*")
        #expect(await sandbox.send("OPTIONS", "/api/0/organizations/my-org/", token: nil).header("Allow") == "GET, HEAD, OPTIONS")
        #expect(await sandbox.send("OPTIONS", "/api/0/nothing/", token: nil).status == 404)
        // Sentry's permission classes name no scope for HEAD, so a token's HEAD is refused; the
        // API root has none and answers.
        #expect(await sandbox.send("HEAD", keysPath).status == 403)
        let root = await sandbox.send("HEAD", "/api/0/")
        #expect(root.status == 200)
        #expect(root.body.isEmpty)
        let notAllowed = await sandbox.send("PATCH", keysPath)
        #expect(notAllowed.status == 405)
        #expect(notAllowed.header("Allow") == "GET, POST, HEAD, OPTIONS")
    }

    @Test func everyNewProjectGetsADefaultKeyOnce() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("default-keys-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: state) }
        let configuration = SandboxConfiguration(seed: [("my-org", ["web", "api"])], tokens: [SandboxToken("admin")], stateFile: state)
        let sandbox = try Sandbox(configuration: configuration)
        for project in ["web", "api"] {
            let keys = try await sandbox.send("GET", "/api/0/projects/my-org/\(project)/keys/").decode([ProjectKey].self)
            #expect(keys.map(\.name) == ["Default"], "\(project)")
            #expect(keys.first?.isActive == true)
            #expect(keys.first?.rateLimit == nil)
        }
        #expect(await sandbox.issuedSecrets.count == 2)
        try await sandbox.seed(organization: "my-org", project: "mobile")
        #expect(try await sandbox.send("GET", "/api/0/projects/my-org/mobile/keys/").decode([ProjectKey].self).map(\.name) == ["Default"])

        // Started again on its state: the projects exist, so no second Default key.
        let restarted = try Sandbox(configuration: configuration)
        #expect(try await restarted.send("GET", "/api/0/projects/my-org/web/keys/").decode([ProjectKey].self).map(\.name) == ["Default"])
        let none = try Sandbox(configuration: SandboxConfiguration(seed: [("my-org", ["web"])], tokens: [SandboxToken("admin")], defaultKeys: false))
        #expect(try await none.send("GET", "/api/0/projects/my-org/web/keys/").decode([ProjectKey].self).isEmpty)
    }
}
