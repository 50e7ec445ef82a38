#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SentryAPI

/// One project's client keys, worked on directly (no stack, no state) under the rules a stack
/// keeps: adoption by name from every page, a create whose answer was lost looked up before it
/// is sent again, and updates checked for fields the server ignored. `sentry-sdk keys` runs on it.
///
/// ```swift
/// let keys = ProjectKeys(organization: "my-org", project: "web", client: client)
/// var web = try await keys.adopt(named: "Web")
/// if web == nil { web = try await keys.create(CreateProjectKeyRequest(name: "Web")) }
/// ```
public struct ProjectKeys: Sendable {
    /// The organization's id or slug.
    public let organization: String
    /// The project's id or slug.
    public let project: String
    /// The client requests go through.
    public let client: SentryClient

    /// How far back a create whose answer was lost looks for the key it may have made, to
    /// allow for the client's and the server's clocks to differ.
    public static let lostCreateWindow: Duration = .seconds(300)

    /// The keys of `organization`/`project`, through `client`.
    public init(organization: String, project: String, client: SentryClient) {
        self.organization = organization
        self.project = project
        self.client = client
    }

    /// Every key of the project (all pages), optionally only the active or inactive ones.
    public func list(status: KeyStatus? = nil) async throws -> [ProjectKey] {
        var keys: [ProjectKey] = []
        for try await key in client.items(Operations.ListProjectKeys(organizationIdOrSlug: organization, projectIdOrSlug: project, status: status)) {
            keys.append(key)
        }
        return keys
    }

    /// One key.
    public func get(_ id: String) async throws -> ProjectKey {
        try await client.send(Operations.GetProjectKey(organizationIdOrSlug: organization, projectIdOrSlug: project, keyId: id))
    }

    /// Creates a key. When the answer is lost (the request may have been carried out), the
    /// project's keys are read first: a key with the name asked for, created since shortly
    /// before the request (``lostCreateWindow``), is the one made; the request is sent again
    /// only when there is none. A key without a name cannot be told from others, so its lost
    /// answer is a `SentryError` of kind `.outcomeUnknown`, and nothing is sent again.
    public func create(_ request: CreateProjectKeyRequest) async throws -> ProjectKey {
        let operation = Operations.CreateProjectKey(organizationIdOrSlug: organization, projectIdOrSlug: project, body: request)
        guard let name = request.name else { return try await client.send(operation) }
        let since = Date().addingTimeInterval(-Double(Self.lostCreateWindow.components.seconds))
        let what = "named \"\(name)\" created in the last \(Self.lostCreateWindow.components.seconds / 60) minutes"
        return try await client.createKey(operation, candidates: what, listing: { try await list() }) { key in
            // A key whose creation time is not known counts: sending again could make a second one.
            key.name == name && (key.dateCreated?.date.map { $0 >= since } ?? true)
        }
    }

    /// The one key named `name`, with `update` applied when it changes anything; `nil` when no
    /// key has that name.
    ///
    /// - Throws: ``StateError`` naming their ids when several keys have that name.
    public func adopt(named name: String, applying update: UpdateProjectKeyRequest = UpdateProjectKeyRequest()) async throws -> ProjectKey? {
        guard let existing = try KeyAdoption.match(named: name, in: try await list(), organization: organization, project: project) else { return nil }
        guard update != UpdateProjectKeyRequest() else { return existing }
        return try await self.update(existing.id, update)
    }

    /// Changes a key: only the fields `update` sets.
    ///
    /// - Throws: ``StateError`` when the server accepted the update but did not apply a field.
    public func update(_ id: String, _ update: UpdateProjectKeyRequest) async throws -> ProjectKey {
        try await client.updateKey(id, update, organization: organization, project: project, describedAs: id)
    }

    /// Rotates a key outside any stack: makes its successor with the same props (the name with
    /// the day, ``Rotation/successorName(_:rotatedAt:)``; the rate limit, use case, loader and
    /// activity copied) and deactivates the old key at once when `deactivatingNow`; else leaves
    /// it active, for the caller to deactivate when its grace period is over.
    ///
    /// - Returns: the successor and the old key as they now are.
    public func rotate(_ id: String, deactivatingNow: Bool, now: Date = Date()) async throws -> (successor: ProjectKey, predecessor: ProjectKey) {
        var predecessor = try await get(id)
        var successor = try await create(CreateProjectKeyRequest(
            name: Rotation.successorName(predecessor.name, rotatedAt: now), rateLimit: predecessor.rateLimit, useCase: predecessor.useCase))
        // What a create cannot set, set with one update.
        var settings = UpdateProjectKeyRequest()
        if let active = predecessor.isActive, active != successor.isActive { settings.isActive = active }
        if let version = predecessor.browserSdkVersion, version != successor.browserSdkVersion { settings.browserSdkVersion = version }
        if let options = predecessor.dynamicSdkLoaderOptions, options != successor.dynamicSdkLoaderOptions { settings.dynamicSdkLoaderOptions = options }
        if settings != UpdateProjectKeyRequest() { successor = try await update(successor.id, settings) }
        if deactivatingNow, predecessor.isActive ?? true { predecessor = try await update(id, UpdateProjectKeyRequest(isActive: false)) }
        return (successor, predecessor)
    }

    /// Deletes a key for good.
    public func delete(_ id: String) async throws {
        _ = try await client.send(Operations.DeleteProjectKey(organizationIdOrSlug: organization, projectIdOrSlug: project, keyId: id))
    }
}

/// Taking over an existing key by name: the rule stacks and `ProjectKeys` share.
enum KeyAdoption {
    /// The key named `name` among `keys`; `nil` when none; an error when several.
    static func match(named name: String, in keys: [ProjectKey], organization: String, project: String) throws -> ProjectKey? {
        let named = keys.filter { $0.name == name }
        if named.count > 1 {
            throw StateError(.ambiguous, "Cannot adopt \"\(name)\": \(named.count) keys in \(organization)/\(project) have that name (\(named.map(\.id).joined(separator: ", "))); give the key a unique name or delete the extra ones.")
        }
        return named.first
    }
}

extension SentryClient {
    /// Sends a create; when its answer is lost, reads `listing` and takes the one key
    /// `isCandidate` picks out instead of sending it again (sent again only when none is).
    /// When the server answered but its answer could not be read, the key exists: it is looked
    /// up the same way and never sent again (the `.appliedButUnreadable` error stands when the
    /// lookup does not find exactly one).
    ///
    /// - Parameter candidates: what the candidates are, for the error when there are several.
    func createKey(_ operation: Operations.CreateProjectKey, candidates: String, listing: () async throws -> [ProjectKey],
                   isCandidate: (ProjectKey) -> Bool) async throws -> ProjectKey {
        switch await result(of: operation) {
        case .success(let created):
            return created
        case .failure(let error) where error.kind == .appliedButUnreadable:
            // The server made the key and only its answer could not be read: find it, never send again.
            guard let found = try? await listing().filter(isCandidate), found.count == 1 else { throw error }
            return found[0]
        case .failure(let error) where error.kind != .outcomeUnknown:
            throw error
        case .failure:
            let found = try await listing().filter(isCandidate)
            switch found.count {
            case 0: return try await send(operation)
            case 1: return found[0]
            default:
                throw StateError(.ambiguous, "After a create whose answer was lost, \(found.count) keys \(candidates) exist in \(operation.organizationIdOrSlug)/\(operation.projectIdOrSlug) (\(found.map(\.id).joined(separator: ", "))); one of them may be the one just created: nothing was sent again.")
            }
        }
    }

    /// Sends an update and checks that the server applied every field it was sent: some
    /// Sentry-compatible servers accept updates and ignore them.
    func updateKey(_ id: String, _ update: UpdateProjectKeyRequest, organization: String, project: String,
                   describedAs what: String) async throws -> ProjectKey {
        let updated = try await send(Operations.UpdateProjectKey(organizationIdOrSlug: organization, projectIdOrSlug: project, keyId: id, body: update))
        let ignored = update.fieldsNotApplied(in: updated)
        guard ignored.isEmpty else {
            throw StateError(.notApplied, "The server accepted the update of \(what) but did not apply \(ignored.joined(separator: ", ")); it may not support changing \(ignored.count == 1 ? "it" : "them").")
        }
        return updated
    }

    /// The answer or the error, as a value (to look at an error's kind before deciding).
    func result<Operation: APIOperation>(of operation: Operation) async -> Result<Operation.Response, SentryError> {
        do {
            return .success(try await send(operation))
        } catch {
            return .failure(error)
        }
    }
}
