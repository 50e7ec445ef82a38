import Foundation
import SentryModels
@testable import SentrySandbox
import Testing

/// Lists (order, filters, pages and `Link` headers), authentication, scopes and rate limits.
@Suite struct ListingAndAccessTests {
    @Test func keysAreListedNewestFirstTenAPage() async throws {
        let sandbox = try makeSandbox()
        var created: [ProjectKey] = []
        for index in 0..<12 { created.append(try await sandbox.createKey(#"{"name": "Key \#(index)"}"#)) }
        let page = try await sandbox.send("GET", keysPath).decode([ProjectKey].self)
        #expect(page.map(\.name) == (2..<12).reversed().map { "Key \($0)" })
    }

    @Test func statusFilters() async throws {
        let sandbox = try makeSandbox()
        let active = try await sandbox.createKey()
        let inactive = try await sandbox.createKey()
        await sandbox.send("PUT", keysPath + inactive.id + "/", body: #"{"isActive": false}"#)
        #expect(try await sandbox.send("GET", keysPath, query: ["status": "active"]).decode([ProjectKey].self).map(\.id) == [active.id])
        #expect(try await sandbox.send("GET", keysPath, query: ["status": "inactive"]).decode([ProjectKey].self).map(\.id) == [inactive.id])
        let unknown = await sandbox.send("GET", keysPath, query: ["status": "retired"])
        #expect(unknown.status == 200)
        #expect(try unknown.decode([ProjectKey].self).isEmpty)
    }

    @Test func linkHeadersWalkEveryPage() async throws {
        let sandbox = try makeSandbox()
        for _ in 0..<25 { _ = try await sandbox.createKey() }
        var seen: [String] = []
        var cursor: String?
        var requests = 0
        repeat {
            var query = ["per_page": "10"]
            if let cursor { query["cursor"] = cursor }
            let response = await sandbox.send("GET", keysPath, query: query)
            requests += 1
            seen += try response.decode([ProjectKey].self).map(\.id)
            let link = try #require(response.header("Link"))
            let next = try #require(link.split(separator: ", ").last)
            cursor = next.contains(#"results="true""#) ? String(next.split(separator: "cursor=\"").last!.dropLast()) : nil
        } while cursor != nil && requests < 10
        #expect(requests == 3)
        #expect(seen.count == 25)
        #expect(Set(seen).count == 25)
    }

    @Test func linkHeaderHasSentrysExactShape() async throws {
        let sandbox = try makeSandbox()
        for _ in 0..<3 { _ = try await sandbox.createKey() }
        // Rows: organization 1, projects 2 and 3, keys 4, 5, 6 (newest first: 6, 5, 4).
        let first = await sandbox.send("GET", keysPath, query: ["per_page": "2"])
        #expect(first.header("Link") == #"<http://127.0.0.1/api/0/projects/my-org/web/keys/?per_page=2&cursor=6:0:1>; rel="previous"; results="false"; cursor="6:0:1", <http://127.0.0.1/api/0/projects/my-org/web/keys/?per_page=2&cursor=4:0:0>; rel="next"; results="true"; cursor="4:0:0""#)
        let last = await sandbox.send("GET", keysPath, query: ["per_page": "2", "cursor": "4:0:0"])
        #expect(try last.decode([ProjectKey].self).count == 1)
        #expect(last.header("Link") == #"<http://127.0.0.1/api/0/projects/my-org/web/keys/?per_page=2&cursor=4:0:1>; rel="previous"; results="true"; cursor="4:0:1", <http://127.0.0.1/api/0/projects/my-org/web/keys/?per_page=2&cursor=4:1:0>; rel="next"; results="false"; cursor="4:1:0""#)
        let back = try await sandbox.send("GET", keysPath, query: ["per_page": "2", "cursor": "4:0:1"]).decode([ProjectKey].self)
        #expect(back.count == 2)
        let empty = await sandbox.send("GET", "/api/0/projects/my-org/api/keys/")
        #expect(empty.header("Link") == #"<http://127.0.0.1/api/0/projects/my-org/api/keys/?&cursor=0:0:1>; rel="previous"; results="false"; cursor="0:0:1", <http://127.0.0.1/api/0/projects/my-org/api/keys/?&cursor=0:0:0>; rel="next"; results="false"; cursor="0:0:0""#)
    }

    @Test(arguments: [
        (["per_page": "101"], #"{"detail": "Invalid per_page value. Must be between 1 and 100."}"#),
        (["per_page": "0"], #"{"detail": "Invalid per_page value. Must be between 1 and 100."}"#),
        (["per_page": "ten"], #"{"detail": "Invalid per_page parameter."}"#),
        (["cursor": "next"], #"{"detail": "Invalid cursor parameter."}"#),
    ])
    func badPageParametersAre400(query: [String: String], expected: String) async throws {
        let response = try await makeSandbox().send("GET", keysPath, query: query)
        #expect(response.status == 400)
        #expect(response.json == json(expected))
    }

    @Test func authenticationAndScopes() async throws {
        let sandbox = try makeSandbox()
        let missing = await sandbox.send("GET", keysPath, token: nil)
        #expect(missing.status == 401)
        #expect(missing.json == json(#"{"detail": "Authentication credentials were not provided."}"#))
        let unknown = await sandbox.send("GET", keysPath, token: "stolen")
        #expect(unknown.status == 401)
        #expect(unknown.json == json(#"{"detail": "Invalid token"}"#))
        #expect(await sandbox.send("GET", keysPath, token: "reader").status == 200)
        let forbidden = await sandbox.send("POST", keysPath, body: "{}", token: "reader")
        #expect(forbidden.status == 403)
        #expect(forbidden.json == json(#"{"detail": "You do not have permission to perform this action."}"#))
        let key = try await sandbox.createKey(token: "writer")
        #expect(await sandbox.send("PUT", keysPath + key.id + "/", body: "{}", token: "writer").status == 200)
        #expect(await sandbox.send("DELETE", keysPath + key.id + "/", token: "writer").status == 403, "delete needs project:admin")
        #expect(await sandbox.send("GET", "/api/0/organizations/", token: "writer").status == 403, "organizations need org scopes")
    }

    @Test func organizationsAndProjectsAreListed() async throws {
        let sandbox = try makeSandbox()
        let organizations = try await sandbox.send("GET", "/api/0/organizations/").decode([Organization].self)
        #expect(organizations.map(\.slug) == ["my-org"])
        #expect(try await sandbox.send("GET", "/api/0/organizations/my-org/").decode(Organization.self).id == "1")
        let projects = try await sandbox.send("GET", "/api/0/organizations/my-org/projects/").decode([Project].self)
        #expect(projects.map(\.slug) == ["api", "web"])
        #expect(try await sandbox.send("GET", "/api/0/projects/my-org/web/").decode(Project.self).slug == "web")
        _ = try await sandbox.createKey()
        _ = try await sandbox.createKey(path: "/api/0/projects/my-org/api/keys/")
        #expect(try await sandbox.send("GET", "/api/0/organizations/my-org/project-keys/").decode([ProjectKey].self).count == 2)
        #expect(await sandbox.send("GET", "/api/0/organizations/my-org/project-keys/", query: ["team": "x"]).json == json(#"{"detail": "Team not found"}"#))
    }

    @Test func rateLimitHeadersAndTooManyRequests() async throws {
        let clock = TestClock()
        let sandbox = try makeSandbox(rateLimit: SandboxRateLimit(requests: 3, window: 1), now: { clock.now })
        for remaining in [2, 1, 0] {
            let response = await sandbox.send("GET", keysPath)
            #expect(response.status == 200)
            #expect(response.header("X-Sentry-Rate-Limit-Limit") == "3")
            #expect(response.header("X-Sentry-Rate-Limit-Remaining") == "\(remaining)")
            #expect(response.header("X-Sentry-Rate-Limit-Reset") == "1800000001")
        }
        let limited = await sandbox.send("GET", keysPath)
        #expect(limited.status == 429)
        #expect(limited.json == json(#"{"detail": "You are attempting to use this endpoint too frequently. Limit is 3 requests in 1 seconds"}"#))
        #expect(await sandbox.send("POST", keysPath, body: "{}").status == 201, "each endpoint has its own window")
        clock.advance(1)
        #expect(await sandbox.send("GET", keysPath).status == 200, "a new window")
    }

    @Test func everyKeyResponseDecodesIntoTheGeneratedModels() async throws {
        let sandbox = try makeSandbox()
        let created = try await sandbox.send("POST", keysPath, body: #"{"name": "A", "rateLimit": {"window": 1, "count": 1}}"#).decode(ProjectKey.self)
        _ = try await sandbox.send("GET", keysPath).decode(Operations.ListProjectKeys.Response.self)
        _ = try await sandbox.send("GET", keysPath + created.id + "/").decode(Operations.GetProjectKey.Response.self)
        _ = try await sandbox.send("PUT", keysPath + created.id + "/", body: #"{"name": "B"}"#).decode(Operations.UpdateProjectKey.Response.self)
        _ = try await sandbox.send("GET", "/api/0/organizations/my-org/project-keys/").decode(Operations.ListOrganizationProjectKeys.Response.self)
        for error in [await sandbox.send("POST", keysPath, body: #"{"name": 1.5e400}"#), await sandbox.send("GET", keysPath, token: nil)] {
            _ = try error.decode(ErrorResponse.self)
        }
    }
}
