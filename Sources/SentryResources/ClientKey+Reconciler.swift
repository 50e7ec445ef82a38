#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SentryAPI

/// Brings one declared key and the server together: the decisions of `ClientKey.init`.
struct Reconciler {
    let stack: Stack
    let client: SentryClient
    /// The declared props; `name` is the current key's: a rotation's successor carries the day
    /// it was made in its name.
    private(set) var props: ClientKey.Props
    /// The name the stack declares, before any rotation's suffix.
    private let declaredName: String
    /// When the current key was made by a rotation (seconds since 1970), if it was.
    private var rotatedAt: Int?
    /// Set when the key's service starts over now (re-created after a deletion outside the SDK).
    private var startsOver = false

    typealias Change = Stack.Change

    init(stack: Stack, client: SentryClient, props: ClientKey.Props) {
        self.stack = stack
        self.client = client
        self.props = props
        declaredName = props.name
    }

    func run() async throws -> ProjectKey? {
        let record = await stack.record(props.id)
        var current = self
        current.rotatedAt = record?.int("rotatedAt")
        if let rotatedAt = current.rotatedAt {
            current.props.name = Rotation.successorName(props.name, rotatedAt: Date(timeIntervalSince1970: TimeInterval(rotatedAt)))
        }
        let key = try await current.reconcile(record)
        guard let key else { return nil }
        return try await current.rotateIfDue(key)
    }

    // MARK: Rotation

    /// Rotates the key when it is due: asked for in this run (`Stack.rotate`), older than
    /// `rotateBefore` once that date has come, older than `rotation.every`, or left half-rotated
    /// by an interrupted run. Else says in the key's change when the next rotation is due. A key
    /// made in this run is not rotated in it.
    private func rotateIfDue(_ key: ProjectKey) async throws -> ProjectKey? {
        let made = await stack.madeInThisPass(props.id)
        let requested = made ? false : await stack.takeRotationRequest(props.id)
        let begun = made ? nil : await stack.record(Retirement.id(of: props.id, key: key.id))
        let interrupted = begun != nil
        guard requested || interrupted || props.rotation != nil || props.rotateBefore != nil else { return key }
        let now = stack.now()
        let since = try await servingSince(key)
        let every = props.rotation?.every.map { since + TimeInterval($0.wholeSeconds) }
        var why: String?
        if made {
            why = nil
        } else if interrupted {
            why = "finishing a rotation an interrupted run began"
        } else if requested {
            why = "rotation asked for"
        } else if let before = props.rotateBefore, before <= now, since < before {
            why = "made before \(before.formatted(.iso8601)), the rotateBefore date"
        } else if let every, now >= every {
            why = "\(props.rotation!.every!.wholeSeconds / 86_400) days old, its rotation period"
        }
        guard let why else {
            let leaked = props.rotateBefore.flatMap { since < $0 ? $0 : nil }
            if let next = [every, leaked].compactMap({ $0 }).min() {
                await stack.note("next rotation \(next.formatted(.iso8601))", on: props.id)
            }
            return key
        }
        // An interrupted rotation keeps the periods it began with, counted from now.
        let rotation = begun.flatMap(Retirement.periods) ?? props.rotation ?? Rotation(grace: .zero)
        var successor = self
        successor.props.name = Rotation.successorName(declaredName, rotatedAt: now)
        successor.rotatedAt = Int(now.timeIntervalSince1970)
        await stack.supersede(with: Change(resource: props.id, action: .rotate, fields: ["name: \"\(key.name)\" -> \"\(successor.props.name)\""],
                                  reason: "\(why); the old key stays active until \((now + TimeInterval(rotation.grace.wholeSeconds)).formatted(.iso8601))"))
        guard await stack.writes else { return key }
        // The predecessor's record first: from here on it is tracked, and retired by later runs
        // (never while the declared key still points at it).
        let retiring = Retirement.record(for: key.id, of: props.id, organization: props.organization, project: props.project,
                                         rotatedAt: now, rotation: rotation)
        try await stack.save(retiring)
        do {
            return try await successor.create(action: .rotate, reason: nil, reported: true)
        } catch let error as SentryError where (400..<500).contains(error.status ?? 0) {
            // The create refused (the state is back on the old key): no successor, so the key
            // keeps serving and is not retired. A refusal after the successor was made leaves
            // the predecessor's record, for the next run to finish.
            if await stack.record(props.id)?.string("keyId") == key.id { try await stack.forget(retiring.id) }
            throw error
        }
    }

    /// Since when the key serves: as recorded, else (a record from before rotations) its
    /// creation date, recorded now so that the schedule holds still.
    private func servingSince(_ key: ProjectKey) async throws -> Date {
        if let since = await stack.record(props.id)?.int("since") { return Date(timeIntervalSince1970: TimeInterval(since)) }
        let since = key.dateCreated?.date ?? stack.now()
        if var record = await stack.record(props.id) {
            record.attributes["since"] = .integer(Int(since.timeIntervalSince1970))
            try await stack.save(record)
        }
        return since
    }

    // MARK: Reconciling

    private func reconcile(_ record: ResourceRecord?) async throws -> ProjectKey? {
        if let record, record.string("organization") != props.organization || record.string("project") != props.project {
            // Moved: a new key now; the old one is deleted when the stack finishes.
            var old = record
            old.id = "\(props.id)~replaced~\(record.string("keyId") ?? UUID().uuidString)"
            old.order = -1
            try await stack.save(old)
            try await stack.forget(props.id)
            return try await create(action: .replace, reason: "organization or project changed")
        }
        let keys = try await stack.keys(organization: props.organization, project: props.project, client: client)
        if let record {
            guard let keyID = record.string("keyId") else {
                // A run was stopped between creating the key and recording it: find that key.
                // By the name the intent recorded: the declared name may have changed since.
                let found = try await untracked(named: record.string("name") ?? props.name, in: keys)
                if found.count == 1 { return try await bringUpToDate(found[0], action: .noChange, reason: "recorded the key an interrupted run created") }
                return try await create(action: .create, reason: nil)
            }
            guard let current = keys.first(where: { $0.id == keyID }) else {
                var restarted = self
                restarted.rotatedAt = nil
                restarted.startsOver = true
                restarted.props.name = declaredName
                let again = props.rotation == nil && props.rotateBefore == nil ? "" : "; its rotation starts over"
                return try await restarted.create(action: .create, reason: "the key was deleted outside the SDK; created again\(again)")
            }
            return try await bringUpToDate(current, action: .noChange, reason: nil, record: record)
        }
        // Keys this stack already tracks (declared under another id) are not up for adoption.
        if props.adopt {
            let candidates = try await untracked(in: keys)
            // After a rotation whose state was lost, the declared name is the rotated-out
            // predecessor's: the key is the newest successor, and it keeps its name.
            if let (successor, day) = candidates.compactMap({ key in Rotation.rotationDay(of: key.name, declared: declaredName).map { (key, $0) } })
                .max(by: { ($0.1, $0.0.dateCreated?.rawValue ?? "") < ($1.1, $1.0.dateCreated?.rawValue ?? "") }) {
                var adopted = self
                adopted.rotatedAt = Int(day.timeIntervalSince1970)
                adopted.props.name = successor.name
                return try await adopted.bringUpToDate(successor, action: .adopt,
                                                       reason: "the newest successor of a rotation; the key named \"\(declaredName)\" is left alone")
            }
            if let existing = try KeyAdoption.match(named: props.name, in: candidates.filter { $0.name == props.name },
                                                    organization: props.organization, project: props.project) {
                return try await bringUpToDate(existing, action: .adopt, reason: nil)
            }
        }
        return try await create(action: .create, reason: nil)
    }

    /// The keys of `keys` this stack does not track.
    private func untracked(in keys: [ProjectKey]) async throws -> [ProjectKey] {
        let tracked = await stack.trackedKeyIDs()
        return keys.filter { !tracked.contains($0.id) }
    }

    private func untracked(named name: String, in keys: [ProjectKey]) async throws -> [ProjectKey] {
        try await untracked(in: keys).filter { $0.name == name }
    }

    // MARK: Create

    private func create(action: Change.Action, reason: String?, reported: Bool = false) async throws -> ProjectKey? {
        if !reported { await stack.report(Change(resource: props.id, action: action, fields: [], reason: reason)) }
        guard await stack.writes else { return nil }
        // Record the intent first: a run stopped before the answer can find the key next time.
        let previous = await stack.record(props.id)
        var intent: [String: JSONValue] = [
            "organization": .string(props.organization), "project": .string(props.project),
            "name": .string(props.name), "pending": .bool(true),
        ]
        if let rotatedAt { intent["rotatedAt"] = .integer(rotatedAt) }
        try await stack.save(ResourceRecord(id: props.id, type: ClientKey.recordType, order: -1, attributes: intent))
        let operation = Operations.CreateProjectKey(
            organizationIdOrSlug: props.organization, projectIdOrSlug: props.project,
            body: CreateProjectKeyRequest(name: props.name, rateLimit: props.rateLimit, useCase: props.useCase)
        )
        // A create whose answer was lost may have happened: the key is looked for among the
        // project's keys this stack does not track before the create is sent again.
        let tracked = await stack.trackedKeyIDs()
        var key: ProjectKey
        do {
            key = try await client.createKey(operation, candidates: "named \"\(props.name)\" that this stack does not track", listing: {
                await stack.forgetListing(organization: props.organization, project: props.project)
                return try await stack.keys(organization: props.organization, project: props.project, client: client)
            }) { $0.name == props.name && !tracked.contains($0.id) }  // as `untracked(named:in:)`, with the ids read before the create
        } catch let error as SentryError where (400..<500).contains(error.status ?? 0) {
            // Refused, so nothing was made: the state goes back to what it held before the intent.
            if let previous { try await stack.save(previous) } else { try await stack.forget(props.id) }
            throw error
        }
        await stack.remember(key, organization: props.organization, project: props.project)
        try verifyCreate(key)
        // What a create cannot set (active, loader), set with one update.
        let (update, fields) = diff(key)
        if !fields.isEmpty { key = try await send(update, to: key) }
        try await save(key)
        return key
    }

    // MARK: Update

    private func bringUpToDate(_ current: ProjectKey, action: Change.Action, reason: String?, record: ResourceRecord? = nil) async throws -> ProjectKey? {
        let (update, fields) = diff(current)
        if fields.isEmpty {
            await stack.report(Change(resource: props.id, action: action, fields: [], reason: reason))
            // Saved again when the record is stale, or lacks sealed secrets a password can now
            // seal (a password set later, or stored secrets forgotten after one was lost).
            let unsealed = stack.sealer != nil && (current.secret != nil || current.dsn.secret != nil) && record?.secrets.isEmpty == true
            if record == nil || record?.string("name") != props.name || unsealed { try await save(current) }
            return current
        }
        // Props as last applied equal to the props now, yet the server differs: drift.
        var why = reason
        if let record, record.string("name") == props.name, record.bool("isActive") == props.isActive,
           record.int("rateLimitWindow") == props.rateLimit?.window, record.int("rateLimitCount") == props.rateLimit?.count {
            why = "changed outside the SDK; brought back to its props"
        }
        await stack.report(Change(resource: props.id, action: action == .noChange ? .update : action, fields: fields, reason: why))
        guard await stack.writes else { return current }
        let updated = try await send(update, to: current)
        try await save(updated)
        return updated
    }

    /// The update that brings `key` to the props (only the fields that differ), described.
    private func diff(_ key: ProjectKey) -> (UpdateProjectKeyRequest, [String]) {
        var update = UpdateProjectKeyRequest()
        var fields: [String] = []
        if key.name != props.name {
            update.name = props.name
            fields.append("name: \"\(key.name)\" -> \"\(props.name)\"")
        }
        if (key.isActive ?? true) != props.isActive {
            update.isActive = props.isActive
            fields.append("isActive: \(key.isActive ?? true) -> \(props.isActive)")
        }
        let wanted = props.rateLimit?.asStored
        if key.rateLimit != wanted {
            update.rateLimit = wanted.map { .value($0) } ?? .null
            fields.append("rateLimit: \(Self.describe(key.rateLimit)) -> \(Self.describe(wanted))")
        }
        if let version = props.browserSdkVersion, key.browserSdkVersion != version {
            update.browserSdkVersion = version
            fields.append("browserSdkVersion: \(key.browserSdkVersion?.rawValue ?? "none") -> \(version.rawValue)")
        }
        if let wantedOptions = props.loaderOptions {
            let current = key.dynamicSdkLoaderOptions ?? DynamicSDKLoaderOptions()
            var changed = DynamicSDKLoaderOptions()
            var any = false
            for (name, path) in DynamicSDKLoaderOptions.options {
                guard let value = wantedOptions[keyPath: path], current[keyPath: path] != value else { continue }
                changed[keyPath: path] = value
                fields.append("dynamicSdkLoaderOptions.\(name): \(current[keyPath: path].map(String.init) ?? "unset") -> \(value)")
                any = true
            }
            if any { update.dynamicSdkLoaderOptions = changed }
        }
        return (update, fields)
    }

    static func describe(_ limit: RateLimit?) -> String {
        limit.map { "\($0.count)/\($0.window)s" } ?? "none"
    }

    /// Sends an update and checks that the server applied every field it was sent: some
    /// Sentry-compatible servers accept updates and ignore them.
    private func send(_ update: UpdateProjectKeyRequest, to key: ProjectKey) async throws -> ProjectKey {
        let updated = try await client.updateKey(key.id, update, organization: props.organization, project: props.project, describedAs: props.id)
        await stack.remember(updated, organization: props.organization, project: props.project)
        return updated
    }

    /// A create is checked like an update that set its name and rate limit.
    private func verifyCreate(_ key: ProjectKey) throws {
        let asked = UpdateProjectKeyRequest(name: props.name, rateLimit: props.rateLimit.map { .value($0) } ?? .null)
        let ignored = asked.fieldsNotApplied(in: key)
        guard ignored.isEmpty else {
            throw StateError(.notApplied, "The server created \(props.id) but did not apply \(ignored.joined(separator: ", ")); it may not support \(ignored.count == 1 ? "it" : "them").")
        }
    }

    // MARK: State

    private func save(_ key: ProjectKey) async throws {
        var secrets: [String: SealedSecret] = [:]
        if let sealer = stack.sealer {
            if let secret = key.secret { secrets["secret"] = try sealer.seal(Secret(secret)) }
            if let dsn = key.dsn.secret { secrets["dsn.secret"] = try sealer.seal(Secret(dsn)) }
        }
        var attributes: [String: JSONValue] = [
            "keyId": .string(key.id), "organization": .string(props.organization), "project": .string(props.project),
            "name": .string(props.name), "isActive": .bool(props.isActive), "projectId": .integer(key.projectId),
            "public": .string(key.public), "dsn": .string(key.dsn.public),
        ]
        if let limit = props.rateLimit {
            attributes["rateLimitWindow"] = .integer(limit.window)
            attributes["rateLimitCount"] = .integer(limit.count)
        }
        // Since when the key serves, for its rotation: a successor from its rotation, else as recorded.
        let previous = await stack.record(props.id)
        let now = Int(stack.now().timeIntervalSince1970)
        let made = await stack.madeInThisPass(props.id)
        let existing = previous?.int("since") ?? (made ? nil : key.dateCreated?.date.map { Int($0.timeIntervalSince1970) })
        attributes["since"] = .integer(rotatedAt ?? (startsOver ? now : existing ?? now))
        if let rotatedAt { attributes["rotatedAt"] = .integer(rotatedAt) }
        let order = previous?.order ?? -1
        try await stack.save(ResourceRecord(id: props.id, type: ClientKey.recordType, order: order, attributes: attributes, secrets: secrets))
    }
}

extension ResourceRecord {
    func string(_ name: String) -> String? {
        if case .string(let value)? = attributes[name] { return value }
        return nil
    }

    func bool(_ name: String) -> Bool? {
        if case .bool(let value)? = attributes[name] { return value }
        return nil
    }

    func int(_ name: String) -> Int? {
        if case .integer(let value)? = attributes[name] { return value }
        return nil
    }
}
