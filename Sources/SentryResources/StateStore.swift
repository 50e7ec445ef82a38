#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import SentryAPI

/// What a stack records about one of its resources between runs. The server stays the truth;
/// this is the cache of what the stack created.
public struct ResourceRecord: Codable, Sendable, Equatable {
    /// The resource's id in the stack (`"rate-limited-key"`).
    public var id: String
    /// The resource type (`"ClientKey"`).
    public var type: String
    /// Creation order within the stack: deletions run in reverse.
    public var order: Int
    /// Props and outputs that are not secret.
    public var attributes: [String: JSONValue]
    /// Secret outputs, sealed; absent when no password is configured.
    public var secrets: [String: SealedSecret]

    /// A record with its fields.
    public init(id: String, type: String, order: Int, attributes: [String: JSONValue] = [:], secrets: [String: SealedSecret] = [:]) {
        self.id = id
        self.type = type
        self.order = order
        self.attributes = attributes
        self.secrets = secrets
    }
}

/// Where a stack's records live. File state is the default; other stores (a database for
/// teams) implement the same protocol.
public protocol StateStore: Sendable {
    /// Every stack that has records, by app and stage.
    func stacks() async throws -> [StackName]
    /// Every record of a stack, in creation order.
    func records(app: String, stage: String) async throws -> [ResourceRecord]
    /// Every record of every stack that has records, each stack's in creation order. The
    /// default reads `stacks()`, then each stack's records; a database answers in one query.
    func allRecords() async throws -> [StackName: [ResourceRecord]]
    /// Writes one record, replacing the one with its id; atomically.
    func write(_ record: ResourceRecord, app: String, stage: String) async throws
    /// Removes a record; removing one that is not there is not an error.
    func delete(id: String, app: String, stage: String) async throws
    /// Takes the stack's lock, so that two runs of one stack cannot interleave. Waits up to
    /// `timeout`, then fails naming who holds it.
    func lock(app: String, stage: String, timeout: Duration) async throws -> any StateLock
}

extension StateStore {
    /// Stores written before `stacks()` existed cannot list their stacks: this one says so.
    public func stacks() async throws -> [StackName] {
        throw StateError(.invalidConfiguration, "This state store (\(Self.self)) cannot list its stacks; implement StateStore.stacks().")
    }

    public func allRecords() async throws -> [StackName: [ResourceRecord]] {
        var records: [StackName: [ResourceRecord]] = [:]
        for stack in try await stacks() {
            records[stack] = try await self.records(app: stack.app, stage: stack.stage)
        }
        return records
    }
}

/// A stack's name in a state store: its app and stage.
public struct StackName: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The application.
    public var app: String
    /// The stage.
    public var stage: String

    /// The stack of `app` at `stage`.
    public init(app: String, stage: String) {
        self.app = app
        self.stage = stage
    }

    /// `app/stage`.
    public var description: String { "\(app)/\(stage)" }

    /// By app, then stage.
    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.app, lhs.stage) < (rhs.app, rhs.stage) }
}

/// A held stack lock.
public protocol StateLock: Sendable {
    /// Releases the lock; safe to call more than once.
    func release() async
}

/// A problem with stored state, or with what state says about the server, in one sentence.
public struct StateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for callers that branch on it.
    public enum Kind: Sendable, Hashable {
        /// Another run holds the stack's lock past the timeout.
        case locked
        /// The store's URL or settings are not usable (nothing was read or written).
        case invalidConfiguration
        /// The store cannot be reached, or failed or lost its connection during the run.
        case unavailable
        /// A stored record cannot be read.
        case unreadable
        /// The stored state was written by a newer sentry-sdk.
        case newerSchema
        /// Several server objects could be the one meant (an adoption by name, a lost create);
        /// nothing was done with any of them.
        case ambiguous
        /// The server accepted a write but did not apply all of it.
        case notApplied
        /// Some resources could not be deleted and stay in state.
        case incomplete
        /// The destination of a copy already has, or does not match, the state copied.
        case conflict
    }

    /// What went wrong.
    public var kind: Kind
    public var description: String

    /// An error of `kind` with its sentence.
    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}

extension StateError {
    /// The sentence every store gives when another run holds a stack's lock past the timeout.
    ///
    /// - Parameters:
    ///   - app: the stack's application.
    ///   - stage: the stack's stage.
    ///   - holder: who holds it, as ``StateLockHolder/current`` described it, if known.
    public static func locked(app: String, stage: String, holder: String?) -> StateError {
        let holder = holder.flatMap { $0.isEmpty ? nil : " (\($0))" } ?? ""
        return StateError(.locked, "The stack \(app)/\(stage) is locked by another run\(holder); wait for it to finish, or try again later.")
    }
}

/// How a store records who holds a stack's lock, for the message a waiting run gets.
public enum StateLockHolder {
    /// This process, now: `process 4242 on ci-runner-3 since 2026-11-27T08:00:00Z`.
    public static var current: String {
        "process \(getpid()) on \(ProcessInfo.processInfo.hostName) since \(Date.ISO8601FormatStyle().format(Date()))"
    }
}
