#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SentryModels

/// Organizations and projects: read-only, as the SDK needs them.
extension Sandbox {
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
