import Foundation
import SentryAPI

/// SentryClient on the same server, configured as the CLI configures it for a private authority.
final class OurKeys: Sendable {
    let client: SentryClient
    let organization: String
    let project: String

    init(serverURL: String, token: String, caFile: String?, organization: String, project: String) {
        client = SentryClient(configuration: SentryConfiguration(authToken: Secret(token), baseURL: URL(string: serverURL)!,
                                                                 trustedCertificatesFile: caFile))
        self.organization = organization
        self.project = project
    }

    /// Creates `count` keys, eight at a time (the client's default limit); returns the first one's id.
    func seed(_ count: Int) async throws -> String {
        let (organization, project, client) = (organization, project, client)
        let first = try await client.send(Operations.CreateProjectKey(organizationIdOrSlug: organization, projectIdOrSlug: project,
                                                                     body: CreateProjectKeyRequest(name: "Bench")))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 1..<count {
                group.addTask {
                    _ = try await client.send(Operations.CreateProjectKey(organizationIdOrSlug: organization, projectIdOrSlug: project,
                                                                         body: CreateProjectKeyRequest(name: "Key \(index)")))
                }
            }
            try await group.waitForAll()
        }
        return first.id
    }

    func retrieve(_ id: String) async throws -> String {
        try await client.send(Operations.GetProjectKey(organizationIdOrSlug: organization, projectIdOrSlug: project, keyId: id)).id
    }

    func listAll() async throws -> Int {
        var count = 0
        for try await _ in client.items(Operations.ListProjectKeys(organizationIdOrSlug: organization, projectIdOrSlug: project)) { count += 1 }
        return count
    }

    func shutdown() async throws { try await client.shutdown() }
}
