import Yams

/// Reads a spec's bytes, JSON or YAML, into a `Node` tree.
public enum DocumentLoader {
    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// JSON is recognised by its first non-blank character (`{` or `[`); anything else is read
    /// as YAML, of which JSON is a subset, so a mis-guess still parses.
    public static func load(_ bytes: [UInt8]) throws -> Node {
        try bytes.withUnsafeBufferPointer { try load($0) }
    }

    public static func load(_ bytes: UnsafeBufferPointer<UInt8>) throws -> Node {
        let first = bytes.first { ![0x20, 0x0A, 0x0D, 0x09, 0xEF, 0xBB, 0xBF].contains($0) }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            do { return try JSONParser.parse(bytes) } catch { throw LoadError(description: error.description) }
        }
        return try loadYAML(String(decoding: bytes, as: UTF8.self))
    }

    public static func loadYAML(_ text: String) throws -> Node {
        let root: Yams.Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw LoadError(description: "YAML syntax error: \(error)")
        }
        guard let root else { throw LoadError(description: "the document is empty") }
        return try convert(root)
    }

    private static func convert(_ node: Yams.Node) throws -> Node {
        switch node {
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: return .null
            case .bool: return node.bool.map(Node.bool) ?? .string(scalar.string)
            case .int: return node.int.map(Node.int) ?? .string(scalar.string)
            case .float: return node.float.map(Node.double) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            return .array(try sequence.map(convert))
        case .mapping(let mapping):
            var object = ObjectNode()
            for (key, value) in mapping {
                guard let name = key.string else {
                    throw LoadError(description: "a mapping key is not a string (line \((key.mark?.line).map(String.init) ?? "?"))")
                }
                object.append(name, try convert(value))
            }
            return .object(object)
        case .alias:
            throw LoadError(description: "YAML aliases are not supported in specs; write the value out or use a $ref")
        }
    }
}
