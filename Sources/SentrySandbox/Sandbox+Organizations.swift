#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SentryModels

/// The API root, organizations and projects: read-only, as the SDK and Sentry's own clients
/// need them.
extension Sandbox {
    /// `GET /api/0/`: the version, and with a token its scopes and its user (every sandbox
    /// token belongs to one sandbox user).
    func apiRoot(token: SandboxToken?) -> SandboxResponse {
        guard let token else { return .json(200, APIRoot(version: "0")) }
        let joined = DateTime(rawValue: sentryTimestamp(store.organizations.map(\.dateCreated).min() ?? configuration.now()))
        let user = User(
            id: "1", name: "Sandbox User", username: "sandbox@sandbox.invalid", email: "sandbox@sandbox.invalid",
            avatarUrl: "https://gravatar.com/avatar/0?s=32&d=mm", isActive: true, hasPasswordAuth: true, isManaged: false,
            dateJoined: joined, lastLogin: nil, has2fa: false, lastActive: nil, isSuperuser: token.isSuperuser, isStaff: false,
            avatar: Avatar(avatarType: "letter_avatar", avatarUuid: nil)
        )
        return .json(200, APIRoot(version: "0", auth: TokenDescription(scopes: token.scopes.sorted()), user: user))
    }

    /// `GET /api/0/projects/`: every project of every organization, each with its organization,
    /// newest first. `query` takes free text (name or slug) and `slug:`, `name:`, `platform:`,
    /// `id:` terms; another term, or a `status` other than `active`, matches nothing (the
    /// sandbox keeps no deleted projects).
    func listYourProjects(_ request: SandboxRequest) throws(SandboxError) -> SandboxResponse {
        let status = request.queryValue("status") ?? ""
        let terms = (request.queryValue("query") ?? "").split(whereSeparator: \.isWhitespace)
        let projects = store.projects.filter { project in
            guard status.isEmpty || status == "active" else { return false }
            return terms.allSatisfy { term in
                guard let colon = term.firstIndex(of: ":") else {
                    return project.name.lowercased().contains(term.lowercased()) || project.slug.lowercased().contains(term.lowercased())
                }
                let value = String(term[term.index(after: colon)...])
                switch term[..<colon] {
                case "slug": return project.slug == value
                case "name": return project.name == value
                case "platform": return project.platform == value
                case "id": return String(project.id) == value
                default: return false
                }
            }
        }
        let organizations = Dictionary(uniqueKeysWithValues: store.organizations.map { ($0.id, $0) })
        return try page(of: projects, id: \.id, request: request, defaultPerPage: 100) { project in
            var shown = representation(of: project)
            shown.organization = organizations[project.organizationID].map(representation(of:))
            return shown
        }
    }

    func listOrganizations(_ request: SandboxRequest) throws(SandboxError) -> SandboxResponse {
        let search = request.queryValue("query")?.lowercased()
        let organizations = store.organizations.filter { organization in
            guard let search, !search.isEmpty else { return true }
            return organization.slug.lowercased().contains(search) || organization.name.lowercased().contains(search) || String(organization.id) == search
        }
        return try page(of: organizations, id: \.id, request: request, defaultPerPage: 100) { representation(of: $0) }
    }

    func getOrganization(_ route: Route) throws(SandboxError) -> SandboxResponse {
        guard let organization = store.organization(route["organization_id_or_slug"]) else { throw .notFound() }
        return .json(200, representation(of: organization))
    }

    func listOrganizationProjects(_ request: SandboxRequest, _ route: Route) throws(SandboxError) -> SandboxResponse {
        guard let organization = store.organization(route["organization_id_or_slug"]) else { throw .notFound() }
        let search = request.queryValue("query")?.lowercased()
        let projects = store.projects.filter { project in
            guard project.organizationID == organization.id else { return false }
            guard let search, !search.isEmpty else { return true }
            return project.slug.lowercased().contains(search) || project.name.lowercased().contains(search)
        }
        return try page(of: projects, id: \.id, request: request, defaultPerPage: 100) { representation(of: $0) }
    }

    func getProject(_ route: Route) throws(SandboxError) -> SandboxResponse {
        .json(200, representation(of: try project(route)))
    }

    private func page<Item, Shown: Encodable>(
        of items: [Item], id: (Item) -> Int, request: SandboxRequest, defaultPerPage: Int, show: (Item) -> Shown
    ) throws(SandboxError) -> SandboxResponse {
        let perPage = try PerPage.parse(request.queryValue("per_page"), default: defaultPerPage).get()
        let page = Page(items.sorted { id($0) > id($1) }, id: id, cursor: try parseCursor(request), perPage: perPage,
                        url: baseURL + request.path, otherQuery: request.query.filter { $0.name != "cursor" })
        var response = SandboxResponse.json(200, page.items.map(show))
        response.headers.append(("Link", page.link))
        return response
    }
}
