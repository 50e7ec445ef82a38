import AsyncHTTPClient
import Foundation
import HTTPTypes
import NIOSSL
import OfficialClient
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime
import Synchronization

/// The client swift-openapi-generator makes from Sentry's official schema, set up as a user
/// would: async-http-client with the run's certificate authority trusted, dates read as Sentry
/// writes them, and a middleware for what the schema leaves out (the bearer token, `per_page`, and the `Link` header's cursor).
final class OfficialKeys: Sendable {
    let client: Client
    let http: HTTPClient
    let organization: String
    let project: String
    private let links: LinkMiddleware

    init(serverURL: String, token: String, caFile: String?, organization: String, project: String) throws {
        var configuration = HTTPClient.Configuration()
        if let caFile {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(caFile)
            configuration.tlsConfiguration = tls
        }
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        links = LinkMiddleware(token: token)
        // Sentry writes dates with fractional seconds, which the runtime's default transcoder refuses.
        client = Client(serverURL: URL(string: serverURL)!, configuration: .init(dateTranscoder: .iso8601WithFractionalSeconds),
                        transport: AsyncHTTPClientTransport(configuration: .init(client: http)),
                        middlewares: [links])
        self.organization = organization
        self.project = project
    }

    /// One key, decoded.
    func retrieve(_ id: String) async throws -> String {
        let output = try await client.getProjectKey(path: .init(organizationIdOrSlug: organization, projectIdOrSlug: project, keyId: id))
        return try output.ok.body.json.id
    }

    /// Every key of the project, page by page; returns how many there were.
    func listAll() async throws -> Int {
        var cursor: String? = nil
        var count = 0
        repeat {
            let output = try await client.listProjectKeys(path: .init(organizationIdOrSlug: organization, projectIdOrSlug: project),
                                                          query: .init(cursor: cursor))
            count += try output.ok.body.json.count
            cursor = links.takeNextCursor()
        } while cursor != nil
        return count
    }

    func shutdown() async throws { try await http.shutdown() }
}

/// Adds the bearer token and `per_page=100`, and keeps the `next` cursor of the last list answer.
final class LinkMiddleware: ClientMiddleware, Sendable {
    let token: String
    private let nextCursor = Mutex<String?>(nil)

    init(token: String) { self.token = token }

    func takeNextCursor() -> String? { nextCursor.withLock { cursor in defer { cursor = nil }; return cursor } }

    func intercept(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.authorization] = "Bearer \(token)"
        if operationID == "listProjectKeys", let path = request.path {
            request.path = path + (path.contains("?") ? "&" : "?") + "per_page=100"
        }
        let (response, responseBody) = try await next(request, body, baseURL)
        if operationID == "listProjectKeys" {
            let cursor = response.headerFields[.init("Link")!].flatMap(Self.nextCursor(inLink:))
            nextCursor.withLock { $0 = cursor }
        }
        return (response, responseBody)
    }

    /// The cursor of the `rel="next"` part when it says `results="true"`.
    static func nextCursor(inLink link: String) -> String? {
        for part in link.split(separator: ",") where part.contains(#"rel="next""#) && part.contains(#"results="true""#) {
            guard let start = part.range(of: #"cursor=""#) else { return nil }
            return String(part[start.upperBound...].prefix { $0 != "\"" })
        }
        return nil
    }
}
