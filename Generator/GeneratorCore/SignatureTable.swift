/// Gives every schema structure a small number, equal for structurally identical schemas, so
/// that identical inline schemas share one Swift type (Sentry's official schema repeats the
/// same key object in every response).
///
/// Documentation and the validation keywords the models do not check are left out; property
/// order is kept (it is the order of the generated initializer), the order of other keywords is
/// not. A `$ref` stays a reference, so recursive schemas terminate. Subtrees are numbered bottom-up (hash-consing),
/// so the table holds one short key per distinct subtree instead of whole schema texts.
struct SignatureTable {
    /// Keywords that change nothing in the generated Swift: documentation, and the validation
    /// rules only the server enforces. `minimum`, `maximum`, `minLength`, `maxLength` and
    /// `pattern` count: the generated `validate(prefix:)` checks them.
    static let ignoredKeywords: Set<String> = [
        "description", "title", "example", "examples", "externalDocs", "deprecated",
        "readOnly", "writeOnly", "default", "xml", "discriminator",
        "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
        "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties",
    ]

    private var numbers: [String: Int] = [:]

    /// The number of a schema's structure.
    mutating func number(of node: Node) -> Int {
        number(of: node, isPropertyMap: false)
    }

    private mutating func number(of node: Node, isPropertyMap: Bool) -> Int {
        var key = ""
        switch node {
        case .array(let elements):
            key = "["
            for element in elements { key += "\(number(of: element, isPropertyMap: false))," }
        case .object(let object):
            key = isPropertyMap ? "P{" : "{"
            let indices = isPropertyMap ? Array(object.keys.indices) : object.keys.indices.sorted { object.keys[$0] < object.keys[$1] }
            for index in indices {
                let name = object.keys[index]
                let value = object.values[index]
                if !isPropertyMap, Self.ignoredKeywords.contains(name) || name.hasPrefix("x-") { continue }
                key += "\(name.utf8.count):\(name)="
                if !isPropertyMap, name == "required", let names = value.arrayValue {
                    // A set of names: its order changes nothing.
                    key += "\(number(of: .array(names.sorted { ($0.stringValue ?? "") < ($1.stringValue ?? "") }), isPropertyMap: false))"
                } else if !isPropertyMap, name == "format", object["type"]?.stringValue == "string", value.stringValue != "date-time" {
                    // Only date-time changes a string's Swift type.
                    key += "s"
                } else {
                    key += scalarKey(value) ?? "#\(number(of: value, isPropertyMap: name == "properties" && !isPropertyMap))"
                }
                key += ";"
            }
        default:
            key = scalarKey(node)!
        }
        if let existing = numbers[key] { return existing }
        let new = numbers.count
        numbers[key] = new
        return new
    }

    private func scalarKey(_ node: Node) -> String? {
        switch node {
        case .null: "n"
        case .bool(let value): value ? "T" : "F"
        case .int(let value): "i\(value)"
        case .double(let value): "d\(value)"
        case .string(let value): "s\(value.utf8.count):\(value)"
        case .array, .object: nil
        }
    }
}
