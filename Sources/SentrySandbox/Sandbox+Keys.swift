#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SentryModels

/// The client-key operations, with Sentry's rules for each field (the spec's, through the
/// generated models' `rules` and `knownValues`) and its messages.
extension Sandbox {
    static let useCases = UseCase.knownValues.map(\.rawValue)

    func project(_ route: Route) throws(SandboxError) -> SandboxStore.Project {
        guard let organization = store.organization(route["organization_id_or_slug"]),
              let project = store.project(route["project_id_or_slug"], in: organization)
        else { throw .notFound() }
        return project
    }

    /// The index of a key the caller may see (internal use cases are hidden from non-superusers).
    func keyIndex(_ route: Route, token: SandboxToken) throws(SandboxError) -> Int {
        let project = try project(route)
        guard let index = store.keys.firstIndex(where: {
            $0.projectID == project.id && $0.publicKey == route["key_id"] && (token.isSuperuser || $0.useCase == "user")
        }) else { throw .notFound() }
        return index
    }

    func listProjectKeys(_ request: SandboxRequest, _ route: Route, _ token: SandboxToken) throws(SandboxError) -> SandboxResponse {
        let project = try project(route)
        return try keyPage(request, token: token) { $0.projectID == project.id }
    }

    func listOrganizationProjectKeys(_ request: SandboxRequest, _ route: Route, _ token: SandboxToken) throws(SandboxError) -> SandboxResponse {
        guard let organization = store.organization(route["organization_id_or_slug"]) else { throw .notFound() }
        // The sandbox has no teams, so a team filter names a team that does not exist.
        if request.queryValue("team") != nil { throw .notFound("Team not found") }
        let projectIDs = Set(store.projects.filter { $0.organizationID == organization.id }.map(\.id))
        return try keyPage(request, token: token) { projectIDs.contains($0.projectID) }
    }

    private func keyPage(_ request: SandboxRequest, token: SandboxToken, where belongs: (SandboxStore.Key) -> Bool) throws(SandboxError) -> SandboxResponse {
        let perPage = try PerPage.parse(request.queryValue("per_page"), default: 10).get()
        let cursor = try parseCursor(request)
        let status = request.queryValue("status") ?? ""
        let keys = store.keys.filter { key in
            guard belongs(key), token.isSuperuser || key.useCase == "user" else { return false }
            switch status {
            case "": return true
            case "active": return key.isActive
            case "inactive": return !key.isActive
            default: return false // Sentry answers an unknown status with an empty list.
            }
        }.sorted { $0.id > $1.id }
        let page = Page(keys, id: \.id, cursor: cursor, perPage: perPage, url: baseURL + request.path,
                        otherQuery: request.query.filter { $0.name != "cursor" })
        var body = Data("[".utf8)
        for (index, key) in page.items.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(encoded(key, token: token))
        }
        body.append(UInt8(ascii: "]"))
        return SandboxResponse(status: 200, headers: [("Content-Type", "application/json"), ("Link", page.link)], body: body)
    }

    /// A key's JSON, from the cache for ordinary callers (superusers also see `useCase`).
    func encoded(_ key: SandboxStore.Key, token: SandboxToken) -> Data {
        if !token.isSuperuser, let cached = encodedKeys[key.id] { return cached }
        let data = SandboxResponse.json(200, representation(of: key, token: token)).body
        if !token.isSuperuser { encodedKeys[key.id] = data }
        return data
    }

    /// The request's cursor; absent or empty is the first page, as Sentry reads it.
    func parseCursor(_ request: SandboxRequest) throws(SandboxError) -> Cursor? {
        guard let text = request.queryValue("cursor"), !text.isEmpty else { return nil }
        guard let cursor = Cursor(text) else { throw .badRequest("Invalid cursor parameter.") }
        return cursor
    }

    func getProjectKey(_ route: Route, _ token: SandboxToken) throws(SandboxError) -> SandboxResponse {
        let key = store.keys[try keyIndex(route, token: token)]
        return SandboxResponse(status: 200, headers: [("Content-Type", "application/json")], body: encoded(key, token: token))
    }

    func createProjectKey(_ request: SandboxRequest, _ route: Route, _ token: SandboxToken) throws(SandboxError) -> SandboxResponse {
        let project = try project(route)
        let body = try Fields.body(request.body)
        var errors = FieldErrors()

        var name: String?
        if let value = body["name"] {
            switch Fields.string(value, rules: CreateProjectKeyRequest.rules["name"]) {
            case .success(let text): name = text
            case .failure(let message): errors.add("name", message.text)
            }
        }
        var window: Int?
        var count: Int?
        if let value = body["rateLimit"] {
            if value == .null {
                errors.add("rateLimit", "This field may not be null.")
            } else {
                (window, count) = rateLimit(value, errors: &errors)
            }
        }
        var keys: [String: String] = [:]
        for field in ["public", "secret"] {
            guard let value = body[field] else { continue }
            switch Fields.hexKey(value) {
            case .success(let key?):
                if store.keys.contains(where: { $0.publicKey == key || $0.secretKey == key }) {
                    errors.add(field, "A key with this value already exists.")
                }
                keys[field] = key
            case .success(nil): break
            case .failure(let message): errors.add(field, message.text)
            }
        }
        var useCase = "user"
        if let value = body["useCase"] {
            switch Fields.choice(value, in: Self.useCases) {
            case .success(let choice): useCase = choice
            case .failure(let message): errors.add("useCase", message.text)
            }
        }
        try errors.check()

        var generator = SystemRandomNumberGenerator()
        let label = (name?.isEmpty ?? true) ? PetName.random(using: &generator) : name!
        let hasLimit = (window ?? 0) > 0 && (count ?? 0) > 0
        var key = store.addKey(projectID: project.id, label: label, publicKey: keys["public"], secretKey: keys["secret"],
                               now: configuration.now())
        key.rateLimitWindow = hasLimit ? window : nil
        key.rateLimitCount = hasLimit ? count : nil
        // Only superusers may create keys for Sentry's internal use cases.
        key.useCase = token.isSuperuser ? useCase : "user"
        store.keys[store.keys.count - 1] = key
        issuedSecrets.append(key.secretKey)
        try save()
        return .json(201, representation(of: key, token: token))
    }

    func updateProjectKey(_ request: SandboxRequest, _ route: Route, _ token: SandboxToken) throws(SandboxError) -> SandboxResponse {
        let index = try keyIndex(route, token: token)
        let body = try Fields.body(request.body)
        var errors = FieldErrors()
        var key = store.keys[index]

        if let value = body["name"] {
            switch Fields.string(value, rules: UpdateProjectKeyRequest.rules["name"]) {
            case .success(let text?) where !text.isEmpty: key.label = text
            case .success: break // An empty or null name leaves the name as it is.
            case .failure(let message): errors.add("name", message.text)
            }
        }
        if let value = body["isActive"] {
            switch Fields.boolean(value) {
            case .success(let flag): key.isActive = flag
            case .failure(let message): errors.add("isActive", message.text)
            }
        }
        switch body["rateLimit"] {
        case nil: break
        case .null?:
            key.rateLimitWindow = nil
            key.rateLimitCount = nil
        case .object(let limit)? where limit.isEmpty:
            break
        case let value?:
            let (window, count) = rateLimit(value, errors: &errors)
            key.rateLimitWindow = window
            key.rateLimitCount = count
        }
        // Sentry writes the version on every update: the one sent, or the project's default.
        key.browserSdkVersion = Self.defaultBrowserSdkVersion
        if let value = body["browserSdkVersion"] {
            switch Fields.choice(value, in: Self.browserSdkVersions) {
            case .success(let version): key.browserSdkVersion = version
            case .failure(let message): errors.add("browserSdkVersion", message.text)
            }
        }
        switch body["dynamicSdkLoaderOptions"] {
        case nil, .null?: break
        case .object(let options)?:
            // Unknown options are dropped; the known ones are merged into the stored ones.
            for name in Self.loaderOptionNames {
                guard let value = options[name] else { continue }
                switch Fields.boolean(value) {
                case .success(let flag): key.loaderOptions[name] = flag
                case .failure(let message): errors.add("dynamicSdkLoaderOptions", nested: name, message.text)
                }
            }
        case let value?:
            errors.add("dynamicSdkLoaderOptions", nested: "non_field_errors", "Invalid data. Expected a dictionary, but got \(Fields.pythonTypeName(value)).")
        }
        try errors.check()

        store.keys[index] = key
        encodedKeys[key.id] = nil
        try save()
        return .json(200, representation(of: key, token: token))
    }

    func deleteProjectKey(_ route: Route, _ token: SandboxToken) throws(SandboxError) -> SandboxResponse {
        let index = try keyIndex(route, token: token)
        encodedKeys[store.keys[index].id] = nil
        store.keys.remove(at: index)
        try save()
        return SandboxResponse(status: 204)
    }

    /// A `RateLimitSerializer`: an object of `window` and `count`, each within the spec's range.
    private func rateLimit(_ value: JSONValue, errors: inout FieldErrors) -> (window: Int?, count: Int?) {
        guard case .object(let limit) = value else {
            errors.add("rateLimit", nested: "non_field_errors", "Invalid data. Expected a dictionary, but got \(Fields.pythonTypeName(value)).")
            return (nil, nil)
        }
        var result: (window: Int?, count: Int?) = (nil, nil)
        if let count = limit["count"] {
            switch Fields.integer(count, rules: RateLimit.rules["count"]) {
            case .success(let number): result.count = number
            case .failure(let message): errors.add("rateLimit", nested: "count", message.text)
            }
        }
        if let window = limit["window"] {
            switch Fields.integer(window, rules: RateLimit.rules["window"]) {
            case .success(let number): result.window = number
            case .failure(let message): errors.add("rateLimit", nested: "window", message.text)
            }
        }
        return result
    }

    /// Writes the state file, if there is one; a failure is the 500 Sentry would answer.
    func save() throws(SandboxError) {
        do { try persist() } catch { throw .stateNotSaved(String(describing: error)) }
    }
}
