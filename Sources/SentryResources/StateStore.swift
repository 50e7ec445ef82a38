#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
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
