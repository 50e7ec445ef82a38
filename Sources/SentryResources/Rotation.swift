#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SentryAPI

/// When a declared key is replaced by a new one (its successor), and how the old one (its
/// predecessor) is retired: kept active for `grace`, then deactivated, and deleted `retire`
/// later when that is set.
///
/// ```swift
/// let web = try await ClientKey("web", name: "Web", project: "web", organization: "my-org",
///                               rotation: Rotation(every: .days(90), grace: .days(7), retire: .days(30)))
/// print(web.dsn.public)   // the newest key's DSN, from the moment it is made
/// ```
///
/// The phases live in the stack's state, so whichever run comes after a phase's time advances
/// it; a run before then changes nothing.
public struct Rotation: Sendable, Hashable {
    /// How long a key serves before a run rotates it; `nil`: only when asked
    /// (``Stack/rotate(_:)`` or `rotateBefore`).
    public var every: Duration?
    /// How long the predecessor stays active after its successor is made.
    public var grace: Duration
    /// How long after its deactivation the predecessor is deleted; `nil`: it stays, inactive.
    public var retire: Duration?

    /// A rotation; each parameter is the property of the same name.
    public init(every: Duration? = nil, grace: Duration, retire: Duration? = nil) {
        self.every = every
        self.grace = grace
        self.retire = retire
    }

    /// A period as people write it: `90d`, `12h`, `30m`, `45s`, or `0`; `nil` for anything else.
    public static func period(_ text: String) -> Duration? {
        guard let unit = text.last, let number = Int(unit.isNumber ? text : String(text.dropLast())), number >= 0 else { return nil }
        let scale: Int
        switch unit {
        case "d": scale = 86_400
        case "h": scale = 3_600
        case "m": scale = 60
        case "s": scale = 1
        default: return unit.isNumber && number == 0 ? .zero : nil
        }
        let (seconds, overflow) = number.multipliedReportingOverflow(by: scale)
        return overflow ? nil : .seconds(seconds)
    }

    /// What is wrong with the rotation, if anything: a period of none rotates on every run.
    var problem: InvalidProp? {
        if let every, every <= .zero { return InvalidProp(field: "rotation.every", rule: "must be longer than 0") }
        if grace < .zero { return InvalidProp(field: "rotation.grace", rule: "must not be negative") }
        if let retire, retire < .zero { return InvalidProp(field: "rotation.retire", rule: "must not be negative") }
        return nil
    }

    /// The successor's name: the declared name and the day it was made, in UTC
    /// (`Web (rotated 2026-12-02)`), shortened to Sentry's 64 characters when needed.
    public static func successorName(_ name: String, rotatedAt date: Date) -> String {
        // A name that already carries a rotation's day (a key rotated before) gets the new day.
        var name = name
        if name.hasSuffix(")"), let open = name.range(of: " (rotated ", options: .backwards),
           Self.isDay(name[open.upperBound..<name.index(before: name.endIndex)]) {
            name = String(name[..<open.lowerBound])
        }
        let suffix = " (rotated \(date.formatted(.iso8601.year().month().day())))"
        guard let limit = ClientKeyRules.maximumNameLength, name.count + suffix.count > limit else { return name + suffix }
        return String(name.prefix(max(0, limit - suffix.count))) + suffix
    }
}

extension Rotation {
    /// The day of the rotation that named a successor of `declared` `name`
    /// (`Web (rotated 2026-12-02)`: 2026-12-02, midnight UTC); `nil` for any other name.
    static func rotationDay(of name: String, declared: String) -> Date? {
        guard name.hasSuffix(")"), let open = name.range(of: " (rotated ", options: .backwards) else { return nil }
        let day = name[open.upperBound..<name.index(before: name.endIndex)]
        guard isDay(day), let date = try? Date(String(day) + "T00:00:00Z", strategy: .iso8601),
              successorName(declared, rotatedAt: date) == name else { return nil }
        return date
    }

    /// `2026-12-02`: four digits, a dash, two, a dash, two.
    static func isDay(_ text: Substring) -> Bool {
        let digits = text.split(separator: "-", omittingEmptySubsequences: false).map(\.count)
        return digits == [4, 2, 2] && text.allSatisfy { $0.isNumber || $0 == "-" }
    }
}

extension Duration {
    /// `n` days of 86,400 seconds.
    public static func days(_ n: Int) -> Duration { .seconds(n * 86_400) }

    /// The duration in whole seconds, for dates in state.
    var wholeSeconds: Int { Int(components.seconds) }
}

/// A rotation's predecessor in state: a record of its own (`<id>~rotated~<key id>`) naming the
/// declared key it served (`retiredBy`), with the times of its next phases.
enum Retirement {
    /// What a predecessor's record id has between the key's id and its own.
    static let marker = "~rotated~"

    /// The id of the record that retires `key`, a predecessor of the key declared as `id`.
    static func id(of id: String, key: String) -> String { "\(id)\(marker)\(key)" }

    /// The record that keeps a predecessor until it is retired.
    static func record(for key: String, of id: String, organization: String, project: String, rotatedAt: Date, rotation: Rotation) -> ResourceRecord {
        let deactivateAt = Int(rotatedAt.timeIntervalSince1970) + rotation.grace.wholeSeconds
        var attributes: [String: JSONValue] = [
            "keyId": .string(key), "organization": .string(organization), "project": .string(project),
            "retiredBy": .string(id), "rotatedAt": .integer(Int(rotatedAt.timeIntervalSince1970)), "deactivateAt": .integer(deactivateAt),
        ]
        if let retire = rotation.retire { attributes["deleteAt"] = .integer(deactivateAt + retire.wholeSeconds) }
        return ResourceRecord(id: self.id(of: id, key: key), type: ClientKey.recordType, order: -1, attributes: attributes)
    }

    /// The grace and retire periods a predecessor's record was made with.
    static func periods(_ record: ResourceRecord) -> Rotation? {
        guard let rotatedAt = record.int("rotatedAt"), let deactivateAt = record.int("deactivateAt") else { return nil }
        return Rotation(grace: .seconds(deactivateAt - rotatedAt), retire: record.int("deleteAt").map { .seconds($0 - deactivateAt) })
    }

    /// Moves a predecessor to the phase its times call for: nothing before `deactivateAt`, then
    /// deactivated, then deleted at `deleteAt`. One deleted outside the SDK ends its phase.
    static func advance(_ record: ResourceRecord, in stack: Stack) async throws {
        guard let organization = record.string("organization"), let project = record.string("project"),
              let keyID = record.string("keyId"), let deactivateAt = record.int("deactivateAt")
        else {
            try await stack.forget(record.id)
            return
        }
        // A key the declared key still points at is in use (its rotation was interrupted
        // before the successor was made): the next run of the declared key finishes it.
        if let owner = record.string("retiredBy"), await stack.record(owner)?.string("keyId") == keyID {
            await stack.report(Stack.Change(resource: record.id, action: .noChange, fields: [], reason: "still in use; its rotation is not finished"))
            return
        }
        let now = Int(stack.now().timeIntervalSince1970)
        // The predecessor is read and changed with the token its declared key was given.
        let token = await stack.authToken(declaring: record.string("retiredBy") ?? "")
        let client = try await stack.client(for: token)
        guard let key = try await stack.keys(organization: organization, project: project, client: client).first(where: { $0.id == keyID }) else {
            await stack.report(Stack.Change(resource: record.id, action: .delete, fields: [], reason: "deleted outside the SDK; its rotation phase ends"))
            try await stack.forget(record.id)
            return
        }
        if let deleteAt = record.int("deleteAt"), now >= deleteAt {
            try await ClientKey.delete(record, in: stack, authToken: token, reason: "rotated out; its retirement period is over")
        } else if now >= deactivateAt, key.isActive ?? true {
            await stack.report(Stack.Change(resource: record.id, action: .update, fields: ["isActive: true -> false"],
                                            reason: "rotated out; its grace period is over"))
            guard await stack.writes else { return }
            let updated = try await client.updateKey(keyID, UpdateProjectKeyRequest(isActive: false), organization: organization,
                                                     project: project, describedAs: record.id)
            await stack.remember(updated, organization: organization, project: project)
        } else {
            let next = now < deactivateAt ? "active until \(date(deactivateAt)), then deactivated"
                : record.int("deleteAt").map { "inactive; deleted at \(date($0))" } ?? "inactive; kept"
            await stack.report(Stack.Change(resource: record.id, action: .noChange, fields: [], reason: "rotated out; \(next)"))
        }
    }

    static func date(_ seconds: Int) -> String {
        Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(.iso8601)
    }
}
