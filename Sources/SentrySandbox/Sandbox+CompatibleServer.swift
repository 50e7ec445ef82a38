#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SentryModels

/// The key routes as a Sentry-compatible open-source server answers them (`SandboxProfile
/// .compatibleServer`), each behaviour observed on one: keys in another shape, dashed UUID ids,
/// `limit` pages with opaque cursors, updates accepted and ignored, some bad input answered 500.
extension Sandbox {
    /// Answers a key operation, or `nil` for the operations this profile answers as Sentry does.
    func compatibleServerResponse(_ request: SandboxRequest, route: Route) -> SandboxResponse? {
        let operationID = route.endpoint.operationID
        let keyPaths = [Operations.GetProjectKey.endpoint.operationID, Operations.UpdateProjectKey.endpoint.operationID,
                        Operations.DeleteProjectKey.endpoint.operationID]
        if keyPaths.contains(operationID) {
            // Its URL patterns take a lowercase dashed UUID and a trailing slash; anything else fails inside.
            guard request.path.hasSuffix("/"), Self.isDashedUUID(route["key_id"]) else { return Self.serverError }
        }
        let project = store.organization(route["organization_id_or_slug"]).flatMap { store.project(route["project_id_or_slug"], in: $0) }
        switch operationID {
        case Operations.ListProjectKeys.endpoint.operationID:
            // An unknown project has no keys rather than not existing.
            guard let project else { return .json(200, [JSONValue]()) }
            return compatibleKeyPage(request, keys: store.keys.filter { $0.projectID == project.id })
        case Operations.CreateProjectKey.endpoint.operationID:
            guard let project else { return .detail(404, "Not Found") }
            return compatibleCreate(request, project: project)
        case Operations.GetProjectKey.endpoint.operationID, Operations.UpdateProjectKey.endpoint.operationID:
            // An update answers 200 with the key as it was: what it was sent is ignored.
            guard let project, let key = compatibleKey(route["key_id"], in: project) else { return .detail(404, "Not Found") }
            return .json(200, compatibleRepresentation(of: key))
        case Operations.DeleteProjectKey.endpoint.operationID:
            guard let project, let key = compatibleKey(route["key_id"], in: project) else { return .detail(404, "Not Found") }
            store.keys.removeAll { $0.id == key.id }
            do { try save() } catch { return error.response }
            // No body, but a JSON content type.
            return SandboxResponse(status: 204, headers: [("Content-Type", "application/json")])
        case Operations.ListOrganizationProjectKeys.endpoint.operationID:
            return .detail(404, "Not Found")
        default:
            return nil
        }
    }

    /// An unhandled failure inside such a server: 500 with an HTML page.
    static let serverError = SandboxResponse(status: 500, headers: [("Content-Type", "text/html; charset=utf-8")],
                                             body: Data("<!doctype html><title>Server Error (500)</title><h1>Server Error (500)</h1>".utf8))

    /// The field limits of its database columns: a longer name or a larger number fails as a 500.
    static let compatibleNameLimit = 64
    static let compatibleNumberLimit = 32_767

    private func compatibleCreate(_ request: SandboxRequest, project: SandboxStore.Project) -> SandboxResponse {
        guard let body = try? Fields.body(request.body) else { return Self.validationError(["body"], "Invalid JSON") }
        guard case .string(let name)? = body["name"] else {
            return body["name"] == nil ? Self.serverError : Self.validationError(["body", "name"], "Input should be a valid string")
        }
        guard name.count <= Self.compatibleNameLimit else { return Self.serverError }
        var window: Int?
        var count: Int?
        if case .object(let limit)? = body["rateLimit"] {
            for (field, value) in limit {
                guard case .integer(let number) = value else { return Self.validationError(["body", "rateLimit", field], "Input should be a valid integer") }
                guard number <= Self.compatibleNumberLimit else { return Self.serverError }
                guard number >= 0 else { return Self.validationError(["body", "rateLimit", field], "Input should be greater than or equal to 0") }
                if field == "window" { window = number } else if field == "count" { count = number }
            }
        }
        let hasLimit = (window ?? 0) > 0 && (count ?? 0) > 0
        // That server keeps dates to the millisecond and has no loader settings.
        let now = Date(timeIntervalSince1970: (configuration.now().timeIntervalSince1970 * 1_000).rounded() / 1_000)
        var key = store.addKey(projectID: project.id, label: name, now: now)
        key.rateLimitWindow = hasLimit ? window : nil
        key.rateLimitCount = hasLimit ? count : nil
        key.loaderOptions = [:]
        store.keys[store.keys.count - 1] = key
        do { try save() } catch { return error.response }
        return .json(201, compatibleRepresentation(of: key))
    }

    private func compatibleKey(_ id: String, in project: SandboxStore.Project) -> SandboxStore.Key? {
        store.keys.first { $0.projectID == project.id && Self.dashed($0.publicKey) == id }
    }

    /// A page of `limit` keys (50 unless asked, at most 100), oldest first, with an opaque
    /// cursor, `X-Hits`, and the `Link` header written as a printed Python set.
    private func compatibleKeyPage(_ request: SandboxRequest, keys: [SandboxStore.Key]) -> SandboxResponse {
        var limit = 50
        if let text = request.queryValue("limit") {
            guard let number = Int(text), number >= 1 else { return Self.validationError(["query", "limit"], "Input should be greater than or equal to 1") }
            limit = min(number, 100)
        }
        var offset = 0
        if let cursor = request.queryValue("cursor") {
            guard let decoded = Data(base64Encoded: cursor).map({ String(decoding: $0, as: UTF8.self) }),
                  decoded.hasPrefix("o="), let number = Int(decoded.dropFirst(2)), number >= 0
            else { return .detail(400, "Invalid cursor") }
            offset = number
        }
        let ordered = keys.sorted { $0.id < $1.id }
        let items = ordered.dropFirst(offset).prefix(limit)
        var body = Data("[".utf8)
        for (index, key) in items.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(SandboxResponse.json(200, compatibleRepresentation(of: key)).body)
        }
        body.append(UInt8(ascii: "]"))
        let url = baseURL + request.path
        func part(_ rel: String, offset: Int?) -> String {
            // Only a part with results carries a cursor; in the URL, `=` is percent-encoded.
            guard let offset else { return "<\(url)>; rel=\"\(rel)\"; results=\"false\"" }
            let cursor = Data("o=\(offset)".utf8).base64EncodedString()
            return "<\(url)?cursor=\(cursor.replacing("=", with: "%3D"))>; rel=\"\(rel)\"; results=\"true\"; cursor=\"\(cursor)\""
        }
        let previous = part("previous", offset: offset > 0 ? max(0, offset - limit) : nil)
        let next = part("next", offset: offset + limit < ordered.count ? offset + limit : nil)
        return SandboxResponse(status: 200, headers: [
            ("Content-Type", "application/json"), ("X-Hits", "\(ordered.count)"), ("Link", "{'\(previous), \(next)'}"),
        ], body: body)
    }

    /// A key as such a server writes it: no secret, activity, loader or use case; `projectID`;
    /// DSNs pointing at the server itself; dates to the millisecond.
    func compatibleRepresentation(of key: SandboxStore.Key) -> JSONValue {
        let host = URLComponents(string: baseURL).map { "\($0.host ?? "127.0.0.1")\($0.port.map { ":\($0)" } ?? "")" } ?? "127.0.0.1"
        let scheme = baseURL.hasPrefix("https") ? "https" : "http"
        let dsn = "\(scheme)://\(key.publicKey)@\(host)/\(key.projectID)"
        let rateLimit: JSONValue = if let window = key.rateLimitWindow, let count = key.rateLimitCount {
            .object(["window": .integer(window), "count": .integer(count)])
        } else {
            .null
        }
        return .object([
            "name": .string(key.label), "rateLimit": rateLimit,
            "dateCreated": .string(sentryTimestamp(key.dateCreated, fractionDigits: 3)),
            "id": .string(Self.dashed(key.publicKey)),
            "dsn": .object([
                "public": .string(dsn), "secret": .string(dsn),
                "security": .string("\(scheme)://\(host)/api/\(key.projectID)/security/?glitchtip_key=\(key.publicKey)"),
            ]),
            "label": .string(key.label), "public": .string(Self.dashed(key.publicKey)), "projectID": .integer(key.projectID),
        ])
    }

    /// A 422 as such a server writes it: `{"detail": [{"loc": [...], "msg": ...}]}`.
    static func validationError(_ location: [String], _ message: String) -> SandboxResponse {
        .json(422, JSONValue.object(["detail": .array([.object([
            "loc": .array(location.map(JSONValue.string)), "msg": .string(message), "type": .string("value_error"),
        ])])]))
    }

    /// 32 hex characters as a UUID: `8-4-4-4-12`.
    static func dashed(_ hex: String) -> String {
        let characters = Array(hex)
        guard characters.count == 32 else { return hex }
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }

    static func isDashedUUID(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy { "0123456789abcdef".contains($0) } }
    }
}
