#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SentryAPI
import Synchronization

/// Reads every client key of an organization and reports what is risky or untracked
/// (``AuditFinding``). It only reads: one request per page of 100 projects (none when the
/// projects are given) and one per page of 100 keys of each project. Projects are read
/// concurrently, up to the client's `maximumConcurrentRequests` (lowered further by Sentry's
/// `X-Sentry-Rate-Limit-ConcurrentLimit`), and the client waits out the rate limit, so the
/// audit runs at the speed Sentry allows. Memory holds, for each project being read, one page of
/// keys and the ids and names of the keys read so far; and the findings.
public struct OrganizationAudit: Sendable {
    /// The organization's id or slug.
    public let organization: String
    /// The client requests go through.
    public let client: SentryClient
    /// The projects to audit (ids or slugs); every project of the organization when empty.
    public var projects: [String]
    /// Keys created longer ago than this are reported (``AuditFinding/Code/olderThanMaxAge``).
    public var maxAge: Duration
    /// The keys stacks track, for ``AuditFinding/Code/unmanaged`` and
    /// ``AuditFinding/Code/managedKeyMissing``; `nil` checks neither. A record belongs to the
    /// audit when it names this organization as the audit does, or names an audited project
    /// by its id (ids are unique across organizations); within it, by the project's slug or id.
    /// Rotated-out predecessors are never missing: a stack forgets them once they are gone.
    public var managedKeys: [ManagedKey]?
    /// The audit's clock, for the age of keys.
    public var now: Date

    /// An audit of `organization` through `client`.
    public init(organization: String, client: SentryClient, projects: [String] = [], maxAge: Duration = .seconds(365 * 86_400),
                managedKeys: [ManagedKey]? = nil, now: Date = Date()) {
        self.organization = organization
        self.client = client
        self.projects = projects
        self.maxAge = maxAge
        self.managedKeys = managedKeys
        self.now = now
    }

    /// How far an audit has come.
    public struct Progress: Sendable, Equatable {
        /// Projects whose keys have all been read.
        public var done: Int
        /// Projects known so far.
        public var total: Int
        /// Whether every project is known (the organization's last page of projects was read).
        public var totalIsFinal: Bool
    }

    /// Reads the organization and returns what it found.
    ///
    /// - Parameter progress: called as each project is found and as each is done, one call at a
    ///   time.
    public func run(progress: @escaping @Sendable (Progress) -> Void = { _ in }) async throws -> AuditReport {
        let everyManagedID = Set((managedKeys ?? []).map(\.keyId))
        let width = max(1, client.configuration.maximumConcurrentRequests)
        var audited: [ProjectAudit] = []
        // Each project's task counts itself done as it ends, rather than when the listing next
        // waits for a free slot, so that `done` is never behind by the projects in flight.
        let state = Mutex(Progress(done: 0, total: 0, totalIsFinal: false))
        let report: @Sendable (_ change: (inout Progress) -> Void) -> Void = { change in
            state.withLock { change(&$0); progress($0) }
        }

        try await withThrowingTaskGroup(of: ProjectAudit.self) { group in
            var running = 0
            for try await project in projectList() {
                if running == width, let result = try await group.next() {
                    audited.append(result)
                    running -= 1
                }
                report { $0.total += 1 }
                group.addTask {
                    let result = try await self.audit(project, managedIDs: everyManagedID)
                    report { $0.done += 1 }
                    return result
                }
                running += 1
            }
            // A cancelled listing ends the stream without an error: not a complete organization.
            try Task.checkCancellation()
            report { $0.totalIsFinal = true }
            for try await result in group { audited.append(result) }
        }

        var findings = audited.flatMap(\.findings)
        if let managedKeys {
            findings += missing(managedKeys, audited: audited)
        }
        let order = Dictionary(uniqueKeysWithValues: AuditFinding.Code.allCases.enumerated().map { ($1, $0) })
        findings.sort { ($0.project, $0.keyName ?? "", $0.keyId ?? "", order[$0.code]!) < ($1.project, $1.keyName ?? "", $1.keyId ?? "", order[$1.code]!) }
        let summaries = audited.map { AuditReport.Project(id: $0.project.id, slug: $0.project.slug, keys: $0.keys) }
            .sorted { $0.slug < $1.slug }
        return AuditReport(organization: organization, projects: summaries, findings: findings)
    }

    /// A project as far as the audit knows it: the slug it is listed under, and its id when listed.
    struct ProjectRef: Sendable {
        var id: String?
        var slug: String

        func matches(_ name: String) -> Bool { name == slug || name == id }
    }

    /// What one project's keys showed.
    struct ProjectAudit: Sendable {
        var project: ProjectRef
        var keys: Int
        var findings: [AuditFinding]
        /// The ids of managed keys the project has.
        var managedFound: Set<String>
    }

    /// The projects to audit: the given ones, or every page of the organization's.
    private func projectList() -> AsyncThrowingStream<ProjectRef, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    if projects.isEmpty {
                        for try await project in client.items(Operations.ListOrganizationProjects(organizationIdOrSlug: organization)) {
                            continuation.yield(ProjectRef(id: project.id, slug: project.slug))
                        }
                    } else {
                        for project in projects { continuation.yield(ProjectRef(id: nil, slug: project)) }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Reads every key of one project, keeping only what the findings need.
    private func audit(_ project: ProjectRef, managedIDs: Set<String>) async throws -> ProjectAudit {
        var result = ProjectAudit(project: project, keys: 0, findings: [], managedFound: [])
        var byName: [String: [String]] = [:]
        var names: [String: String] = [:]
        var active: [String] = []
        let listing = Operations.ListProjectKeys(organizationIdOrSlug: organization, projectIdOrSlug: project.slug)
        for try await key in client.items(listing) {
            // A project asked for by slug is known by its id too from its first key.
            result.project.id = result.project.id ?? String(key.projectId)
            result.keys += 1
            result.findings += findings(for: key, in: project.slug, managedIDs: managedKeys == nil ? nil : managedIDs)
            byName[key.name, default: []].append(key.id)
            names[key.id] = key.name
            if key.isActive ?? true { active.append(key.id) }
            if managedIDs.contains(key.id) { result.managedFound.insert(key.id) }
        }
        for (name, ids) in byName where ids.count > 1 {
            for id in ids {
                result.findings.append(AuditFinding(.duplicateName, project: project.slug, keyId: id, keyName: name,
                                                    reason: "\(ids.count) keys of \(project.slug) are named \"\(name)\"; an adoption by name cannot tell them apart"))
            }
        }
        if active.count > 1 {
            let shown = active.prefix(5).map { "\(names[$0] ?? $0) (\($0))" }.joined(separator: ", ")
            result.findings.append(AuditFinding(.severalActiveKeys, project: project.slug,
                                                reason: "\(active.count) active keys: \(shown)\(active.count > 5 ? ", …" : "")"))
        }
        return result
    }

    /// The findings about one key on its own.
    func findings(for key: ProjectKey, in project: String, managedIDs: Set<String>?) -> [AuditFinding] {
        var found: [AuditFinding] = []
        func add(_ code: AuditFinding.Code, _ reason: String) {
            found.append(AuditFinding(code, project: project, keyId: key.id, keyName: key.name, reason: reason))
        }
        let isActive = key.isActive ?? true
        if !isActive { add(.inactive, "inactive: it takes no events; delete it if nothing sends with it") }
        if isActive && key.rateLimit == nil { add(.noRateLimit, "active with no rate limit: anyone with its DSN can spend the project's quota") }
        if let created = key.dateCreated?.date, now.timeIntervalSince(created) > Double(maxAge.components.seconds) {
            let days = Int(now.timeIntervalSince(created) / 86_400)
            add(.olderThanMaxAge, "created \(key.dateCreated!.rawValue.prefix(10)), \(days) days ago (max age \(Self.describe(maxAge))); rotate it")
        }
        if let version = key.browserSdkVersion, let newest = Self.newerLoaderVersion(than: version, offered: key.browserSdk) {
            add(.oldLoaderSDK, "its loader serves the JavaScript SDK \(version.rawValue); the project offers \(newest)")
        }
        if let managedIDs, !managedIDs.contains(key.id) { add(.unmanaged, "no stack of the state tracks it") }
        return found
    }

    /// The newest major version the loader offers (`10.x`), when it is newer than `version`;
    /// `latest` is never old. The key's own `browserSdk.choices` say what Sentry offers the
    /// project; without them, the versions the spec lists.
    static func newerLoaderVersion(than version: BrowserSDKVersion, offered: BrowserSDK?) -> String? {
        func major(_ text: String) -> Int? { text.split(separator: ".").first.flatMap { Int($0) } }
        guard let current = major(version.rawValue) else { return nil }
        let values = offered?.choices?.compactMap(\.first) ?? BrowserSDKVersion.knownValues.map(\.rawValue)
        guard let newest = values.filter({ major($0) != nil }).max(by: { major($0)! < major($1)! }), major(newest)! > current else { return nil }
        return newest
    }

    /// `365 days`, `12 hours`: a period as its largest whole unit.
    static func describe(_ period: Duration) -> String {
        let seconds = period.components.seconds
        for (unit, size) in [("day", 86_400), ("hour", 3_600), ("minute", 60)] where seconds >= size && seconds % Int64(size) == 0 {
            return counted(seconds / Int64(size), unit)
        }
        return counted(seconds, "second")
    }

    /// Keys stacks track in the audited projects that the server no longer has.
    private func missing(_ managed: [ManagedKey], audited: [ProjectAudit]) -> [AuditFinding] {
        let found = audited.reduce(into: Set<String>()) { $0.formUnion($1.managedFound) }
        let auditedIDs = Set(audited.compactMap(\.project.id))
        return managed.compactMap { key -> AuditFinding? in
            guard key.organization == organization || auditedIDs.contains(key.project),
                  !key.isRotatedOut, !found.contains(key.keyId) else { return nil }
            if let project = audited.first(where: { $0.project.matches(key.project) }) {
                return AuditFinding(.managedKeyMissing, project: project.project.slug, keyId: key.keyId,
                                    reason: "stack \(key.stack) tracks it as \(key.resource), but the project has no such key (deleted outside the SDK); the next apply repairs it")
            }
            // A whole organization was listed and the record's project is not in it.
            guard projects.isEmpty else { return nil }
            return AuditFinding(.managedKeyMissing, project: key.project, keyId: key.keyId,
                                reason: "stack \(key.stack) tracks it as \(key.resource), but the organization has no project \(key.project)")
        }
    }
}

/// What an ``OrganizationAudit`` read and found.
public struct AuditReport: Codable, Sendable, Equatable {
    /// A project that was read.
    public struct Project: Codable, Sendable, Equatable {
        /// Its id, when the organization's list gave it.
        public var id: String?
        /// Its slug (or the id or slug it was asked for by).
        public var slug: String
        /// How many keys it has.
        public var keys: Int
    }

    /// The organization's id or slug.
    public var organization: String
    /// The projects read, by slug.
    public var projects: [Project]
    /// The findings, by project, key name and code.
    public var findings: [AuditFinding]

    /// The findings at or above `severity`.
    public func findings(atLeast severity: AuditFinding.Severity) -> [AuditFinding] {
        findings.filter { $0.severity >= severity }
    }
}
