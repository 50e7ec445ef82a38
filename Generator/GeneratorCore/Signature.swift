/// A canonical text of a schema's structure, used to give structurally identical inline schemas
/// one Swift type (Sentry's official schema repeats the same key object in every response).
///
/// Documentation-only keywords are left out; property order is kept (it is the order of the
/// generated initializer), the order of other keywords is not. A `$ref` to a named schema stays
/// a reference, so recursive schemas terminate.
enum Signature {
    /// Keywords that change nothing in the generated Swift: documentation, and validation
    /// rules the server enforces (bounds, lengths, patterns).
    static let ignoredKeywords: Set<String> = [
        "description", "title", "example", "examples", "externalDocs", "deprecated",
        "readOnly", "writeOnly", "default", "xml", "discriminator",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
        "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems",
        "minProperties", "maxProperties",
    ]

    static func of(_ node: Node) -> String {
        var text = ""
        append(node, to: &text, keepOrder: false)
        return text
    }

    private static func append(_ node: Node, to text: inout String, keepOrder: Bool) {
        switch node {
        case .null: text += "n"
        case .bool(let value): text += value ? "T" : "F"
        case .int(let value): text += "i\(value)"
        case .double(let value): text += "d\(value)"
        case .string(let value): text += "s\(value.utf8.count):\(value)"
        case .array(let elements):
            text += "["
            for element in elements { append(element, to: &text, keepOrder: false); text += "," }
            text += "]"
        case .object(let object):
            text += "{"
            let indices = keepOrder ? Array(object.keys.indices) : object.keys.indices.sorted { object.keys[$0] < object.keys[$1] }
            for index in indices {
                let key = object.keys[index]
                if !keepOrder, ignoredKeywords.contains(key) || key.hasPrefix("x-") { continue }
                text += "\(key.utf8.count):\(key)="
                if !keepOrder, key == "required", let names = object.values[index].arrayValue {
                    // A set of names: its order changes nothing.
                    append(.array(names.sorted { ($0.stringValue ?? "") < ($1.stringValue ?? "") }), to: &text, keepOrder: false)
                } else if !keepOrder, key == "format", object["type"]?.stringValue == "string",
                          object.values[index].stringValue != "date-time" {
                    // Only date-time changes a string's Swift type.
                    text += "s"
                } else {
                    append(object.values[index], to: &text, keepOrder: key == "properties" && !keepOrder)
                }
                text += ";"
            }
            text += "}"
        }
    }
}
