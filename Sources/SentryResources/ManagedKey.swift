/// A server key that a stack's state tracks: its own key, a rotated-out predecessor or one
/// waiting to be deleted.
public struct ManagedKey: Sendable, Hashable {
    /// The stack whose state tracks it.
    public var stack: StackName
    /// The record's id in the stack (`web`, `web~rotated~…`).
    public var resource: String
    /// The organization the record names (id or slug, as declared).
    public var organization: String
    /// The project the record names (id or slug, as declared).
    public var project: String
    /// The server key's id.
    public var keyId: String
    /// Whether it is a rotated-out predecessor, which the stack deactivates and deletes.
    public var isRotatedOut: Bool

    /// A tracked key with these parts.
    public init(stack: StackName, resource: String, organization: String, project: String, keyId: String, isRotatedOut: Bool = false) {
        self.stack = stack
        self.resource = resource
        self.organization = organization
        self.project = project
        self.keyId = keyId
        self.isRotatedOut = isRotatedOut
    }

    /// Every key the stacks of `store` track. Records without a key id (a create that has not
    /// answered yet) track none.
    public static func all(in store: any StateStore) async throws -> [ManagedKey] {
        var keys: [ManagedKey] = []
        for (stack, records) in try await store.allRecords().sorted(by: { $0.key < $1.key }) {
            for record in records where record.type == ClientKey.recordType {
                guard let keyId = record.string("keyId"), let organization = record.string("organization"),
                      let project = record.string("project") else { continue }
                keys.append(ManagedKey(stack: stack, resource: record.id, organization: organization, project: project, keyId: keyId,
                                       isRotatedOut: record.string("retiredBy") != nil))
            }
        }
        return keys
    }
}
