#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SentryModels

/// A request matched to one of the spec's operations, with its path parameters.
struct Route {
    /// The operations the sandbox serves: every operation of our spec.
    static let endpoints: [Endpoint] = [
        Operations.ListProjectKeys.endpoint, Operations.CreateProjectKey.endpoint,
        Operations.GetProjectKey.endpoint, Operations.UpdateProjectKey.endpoint, Operations.DeleteProjectKey.endpoint,
        Operations.ListOrganizations.endpoint, Operations.GetOrganization.endpoint,
        Operations.ListOrganizationProjects.endpoint, Operations.GetProject.endpoint,
        Operations.ListOrganizationProjectKeys.endpoint, Operations.GetAPIRoot.endpoint, Operations.ListYourProjects.endpoint,
    ]

    var endpoint: Endpoint
    /// Path parameters by the names the spec gives them, percent-decoded.
    var parameters: [String: String]

    subscript(_ name: String) -> String { parameters[name] ?? "" }

    /// The operation for a method and path; HEAD is answered as GET, as Django does.
    static func match(method: String, path: String) -> Route? {
        let segments = split(path)
        let method = method == "HEAD" ? "GET" : method
        for endpoint in endpoints where endpoint.method.rawValue == method {
            if let parameters = bind(template: endpoint.pathTemplate, to: segments) {
                return Route(endpoint: endpoint, parameters: parameters)
            }
        }
        return nil
    }

    /// The methods a path answers, in the order Sentry's `Allow` header lists them (HEAD with
    /// GET, OPTIONS always); `nil` when no operation has the path.
    static func methods(_ path: String) -> [String]? {
        let segments = split(path)
        let served = Set(endpoints.filter { bind(template: $0.pathTemplate, to: segments) != nil }.map(\.method.rawValue))
        guard !served.isEmpty else { return nil }
        let head = served.contains("GET") ? ["HEAD"] : []
        return ["GET", "POST", "PUT", "PATCH", "DELETE"].filter(served.contains) + head + ["OPTIONS"]
    }

    /// Sentry's URLs end with a slash; a missing one is forgiven.
    private static func split(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    private static func bind(template: String, to segments: [Substring]) -> [String: String]? {
        let parts = split(template)
        guard parts.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (part, segment) in zip(parts, segments) {
            if part.hasPrefix("{"), part.hasSuffix("}") {
                parameters[String(part.dropFirst().dropLast())] = segment.percentDecoded() ?? String(segment)
            } else if part != segment {
                return nil
            }
        }
        return parameters
    }
}
