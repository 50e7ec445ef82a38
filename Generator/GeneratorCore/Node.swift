/// A parsed JSON or YAML document: the one tree every later stage of the generator reads.
///
/// Objects keep their members in document order. The order of properties in a spec becomes the
/// order of stored properties and initializer parameters in the generated Swift, so it must
/// survive parsing (Foundation's `JSONSerialization` drops it, which is why JSON is read by our
/// own `JSONParser`).
public enum Node: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([Node])
    case object(ObjectNode)

    /// The member named `key`, when this is an object that has it.
    public subscript(key: String) -> Node? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var arrayValue: [Node]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var objectValue: ObjectNode? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// A short name of the node's kind, for diagnostics.
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

/// The members of a JSON/YAML object, in document order.
public struct ObjectNode: Sendable, Equatable {
    public var keys: [String]
    public var values: [Node]

    public init(keys: [String] = [], values: [Node] = []) {
        self.keys = keys
        self.values = values
    }

    /// Spec objects are small (a handful of members, a few hundred for `paths`), so a linear
    /// search beats building a hash table for every one of the tens of thousands of objects.
    public subscript(key: String) -> Node? {
        guard let index = keys.firstIndex(of: key) else { return nil }
        return values[index]
    }

    public var count: Int { keys.count }

    public var members: Zip2Sequence<[String], [Node]> { zip(keys, values) }

    public mutating func append(_ key: String, _ value: Node) {
        keys.append(key)
        values.append(value)
    }
}
