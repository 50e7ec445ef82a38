import Foundation

/// Lowers a parsed OpenAPI 3.0/3.1 document into the IR: one pass over the named schemas, one
/// over the operations. Never throws for what it cannot map: it records a diagnostic and uses a
/// safe fallback (`JSONValue`, or no body) instead.
struct IRBuilder {
    let root: Node
    var ir = IR()
    var diagnostics: [Diagnostic] = []

    var typeNames = NameScope(reserved: Naming.reservedTypeNames)
    /// Component schema key -> Swift type name.
    private var componentNames: [String: String] = [:]
    /// Structure number (negative for a request schema with tri-state fields) -> Swift type name.
    private var typesBySignature: [Int: String] = [:]
    private var signatures = SignatureTable()
    /// Named schemas reachable from a request body: their optional nullable fields are tri-state.
    private var requestComponents: Set<String> = []
    /// Named object and enum schemas whose signature is known but whose declaration is not yet
    /// built. An identical inline schema met first builds it under the schema's own name.
    private var pendingComponents: [String: (node: Node, pointer: String)] = [:]

    static let httpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    init(root: Node) { self.root = root }

    mutating func build() -> IR {
        if let version = root["openapi"]?.stringValue {
            if !(version.hasPrefix("3.0") || version.hasPrefix("3.1")) {
                warn("OpenAPI \(version) is not 3.0 or 3.1; generating as if it were", at: "#/openapi")
            }
        } else {
            warn("no `openapi` version field; reading the document as OpenAPI 3.0", at: "#")
        }
        let schemas = root["components"]?["schemas"]?.objectValue ?? ObjectNode()
        for key in schemas.keys {
            componentNames[key] = typeNames.claim(Naming.typeName(key))
        }
        requestComponents = findRequestComponents()
        for (key, schema) in schemas.members {
            guard let object = schema.objectValue, object["$ref"] == nil, object["allOf"] == nil,
                  object["oneOf"] == nil, object["anyOf"] == nil,
                  object["properties"] != nil || object["enum"] != nil
            else { continue }
            let signature = signature(of: object, inRequest: requestComponents.contains(key))
            guard typesBySignature[signature] == nil else { continue }
            let name = componentNames[key]!
            typesBySignature[signature] = name
            pendingComponents[name] = (schema, Self.schemaRefPrefix + Naming.pointerEscaped(key))
        }
        for (key, schema) in schemas.members {
            declareComponent(key: key, schema: schema)
        }
        buildOperations()
        breakContainmentCycles()
        return ir
    }

    // MARK: Diagnostics

    mutating func warn(_ message: String, at pointer: String) {
        diagnostics.append(Diagnostic(severity: .warning, message: message, pointer: pointer))
    }

    // MARK: References

    private static let schemaRefPrefix = "#/components/schemas/"

    /// The component name a `$ref` names, when it points at a whole named schema.
    private func componentKey(of ref: String) -> String? {
        guard ref.hasPrefix(Self.schemaRefPrefix) else { return nil }
        let key = unescapePointer(String(ref.dropFirst(Self.schemaRefPrefix.count)))
        return key.contains("/") ? nil : key
    }

    private func unescapePointer(_ token: String) -> String {
        token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
    }

    /// Follows a local JSON pointer (`#/a/b/0`).
    func lookup(_ ref: String) -> Node? {
        guard ref.hasPrefix("#") else { return nil }
        var node = root
        for token in ref.dropFirst().split(separator: "/", omittingEmptySubsequences: true) {
            let key = unescapePointer(String(token))
            switch node {
            case .object(let object):
                guard let next = object[key] else { return nil }
                node = next
            case .array(let elements):
                guard let index = Int(key), elements.indices.contains(index) else { return nil }
                node = elements[index]
            default:
                return nil
            }
        }
        return node
    }

    /// Resolves a `$ref` to a parameter, request body or response (up to a few hops).
    mutating func dereference(_ node: Node, pointer: String) -> (Node, String) {
        var node = node
        var pointer = pointer
        var hops = 0
        while let ref = node["$ref"]?.stringValue {
            hops += 1
            guard hops < 16, let target = lookup(ref) else {
                warn("cannot resolve reference \(ref)", at: pointer)
                return (.object(ObjectNode()), pointer)
            }
            node = target
            pointer = ref
        }
        return (node, pointer)
    }

    /// Named schemas used, directly or through other named schemas, by any request body, and
    /// those identical to an inline object of a request body: one type then serves both (the
    /// official schema inlines every request body, and keeps the named schema beside it).
    private mutating func findRequestComponents() -> Set<String> {
        var found: Set<String> = []
        var inlineStructures: Set<Int> = []
        var pending: [Node] = []
        for (_, item) in (root["paths"]?.objectValue ?? ObjectNode()).members {
            for method in Self.httpMethods {
                guard var body = item[method]?["requestBody"] else { continue }
                if let ref = body["$ref"]?.stringValue, let target = lookup(ref) { body = target }
                if let content = body["content"]?.objectValue { pending.append(contentsOf: content.values.compactMap { $0["schema"] }) }
            }
        }
        let schemas = root["components"]?["schemas"]?.objectValue ?? ObjectNode()
        repeat {
            while let node = pending.popLast() {
                switch node {
                case .object(let object):
                    if let ref = object["$ref"]?.stringValue, let key = componentKey(of: ref) {
                        if found.insert(key).inserted, let target = schemas[key] { pending.append(target) }
                    } else if object["properties"] != nil {
                        inlineStructures.insert(signatures.number(of: node))
                    }
                    pending.append(contentsOf: object.values)
                case .array(let elements):
                    pending.append(contentsOf: elements)
                default:
                    break
                }
            }
            for (key, schema) in schemas.members where !found.contains(key) && schema["properties"] != nil
                && inlineStructures.contains(signatures.number(of: schema)) {
                found.insert(key)
                pending.append(schema)
            }
        } while !pending.isEmpty
        return found
    }

    // MARK: Schemas

    /// How a schema that needs a declaration gets its name.
    enum TypeNaming {
        /// A named schema: exactly this name.
        case named(String)
        /// An inline schema: this name unless an identical type exists already.
        case inline(String)

        var base: String {
            switch self {
            case .named(let name), .inline(let name): name
            }
        }
    }

    private mutating func declareComponent(key: String, schema: Node) {
        let name = componentNames[key]!
        let pointer = Self.schemaRefPrefix + Naming.pointerEscaped(key)
        let (reference, _) = typeReference(
            for: schema, pointer: pointer, naming: .named(name), group: name,
            inRequest: requestComponents.contains(key)
        )
        if reference != .named(name) {
            ir.types.append(TypeDeclaration(
                name: name, kind: .alias(reference),
                documentation: documentation(of: schema, pointer: pointer), group: name
            ))
        }
    }

    /// The Swift type for a schema, declaring new types as needed. Returns whether the schema
    /// allows `null`.
    mutating func typeReference(
        for schema: Node, pointer: String, naming: TypeNaming, group: String, inRequest: Bool
    ) -> (TypeReference, nullable: Bool) {
        guard case .object(let object) = schema else {
            if schema != .bool(true) {
                warn("a schema must be an object; using JSONValue", at: pointer)
            }
            return (.json, false)
        }
        var nullable = object["nullable"]?.boolValue ?? false

        if let ref = object["$ref"]?.stringValue {
            if let key = componentKey(of: ref), let name = componentNames[key] {
                let targetNullable = root["components"]?["schemas"]?[key]?["nullable"]?.boolValue ?? false
                return (.named(name), nullable || targetNullable)
            }
            guard let target = lookup(ref) else {
                warn("cannot resolve reference \(ref); using JSONValue", at: pointer)
                return (.json, nullable)
            }
            if pointer.hasPrefix(ref + "/") || pointer == ref {
                warn("reference \(ref) refers to itself; using JSONValue", at: pointer)
                return (.json, nullable)
            }
            let (reference, targetNullable) = typeReference(for: target, pointer: ref, naming: naming, group: group, inRequest: inRequest)
            return (reference, nullable || targetNullable)
        }

        // OpenAPI 3.1 type arrays: ["string", "null"] is a nullable string.
        var types: [String] = []
        switch object["type"] {
        case .string(let type)?: types = [type]
        case .array(let list)?: types = list.compactMap(\.stringValue)
        default: break
        }
        if types.contains("null") {
            nullable = true
            types.removeAll { $0 == "null" }
        }
        if types.count > 1, object["oneOf"] == nil, object["anyOf"] == nil {
            var variants: [Node] = []
            for type in types {
                var single = object
                single.values[single.keys.firstIndex(of: "type")!] = .string(type)
                variants.append(.object(single))
            }
            return (union(of: variants, in: object, pointer: pointer, variantPointers: nil, naming: naming, group: group, inRequest: inRequest), nullable)
        }
        var type = types.first

        if let parts = object["allOf"]?.arrayValue {
            return allOf(parts, in: object, pointer: pointer, naming: naming, group: group, inRequest: inRequest, nullable: nullable)
        }

        for keyword in ["oneOf", "anyOf"] {
            guard let variants = object[keyword]?.arrayValue else { continue }
            var kept: [(Node, String)] = []
            for (index, variant) in variants.enumerated() {
                if isNullSchema(variant) { nullable = true } else { kept.append((variant, "\(pointer)/\(keyword)/\(index)")) }
            }
            if kept.isEmpty { return (.json, true) }
            if kept.count == 1 {
                let (reference, variantNullable) = typeReference(for: kept[0].0, pointer: kept[0].1, naming: naming, group: group, inRequest: inRequest)
                return (reference, nullable || variantNullable)
            }
            var variantNullable = false
            for (variant, _) in kept where variant["nullable"]?.boolValue == true { variantNullable = true }
            return (union(of: kept.map(\.0), in: object, pointer: pointer, variantPointers: kept.map(\.1), naming: naming, group: group, inRequest: inRequest), nullable || variantNullable)
        }

        if let values = object["enum"]?.arrayValue {
            if values.contains(.null) { nullable = true }
            let strings = values.compactMap(\.stringValue)
            if type == "string" || (type == nil && !strings.isEmpty && strings.count == values.filter({ $0 != .null }).count) {
                // `x-enum-descriptions` (a convention of OpenAPI tools): one description per
                // value, in the order of `enum`.
                let texts = object["x-enum-descriptions"]?.arrayValue?.map(\.stringValue) ?? []
                var descriptions: [String: String] = [:]
                for (value, text) in zip(values, texts) {
                    if let value = value.stringValue, let text, !text.isEmpty { descriptions[value] = text }
                }
                return (declare(object, pointer: pointer, naming: naming, group: group, inRequest: false) { _, _, _ in
                    .stringEnum(strings, descriptions: descriptions)
                }, nullable)
            }
        }

        // An enum without a type: the type of its values.
        if type == nil, let values = object["enum"]?.arrayValue?.filter({ $0 != .null }), !values.isEmpty {
            if values.allSatisfy({ if case .int = $0 { true } else { false } }) { type = "integer" }
            else if values.allSatisfy({ $0.boolValue != nil }) { type = "boolean" }
            else if values.allSatisfy({ if case .int = $0 { true } else if case .double = $0 { true } else { false } }) { type = "number" }
        }

        switch type {
        case "string":
            return (object["format"]?.stringValue == "date-time" ? .dateTime : .string, nullable)
        case "integer":
            switch object["format"]?.stringValue {
            case "int32": return (.int32, nullable)
            case "int64": return (.int64, nullable)
            default: return (.int, nullable)
            }
        case "number":
            return (object["format"]?.stringValue == "float" ? .float : .double, nullable)
        case "boolean":
            return (.bool, nullable)
        case "array":
            guard let items = object["items"] else { return (.array(.json), nullable) }
            let itemNaming: TypeNaming = .inline(naming.base + "Item")
            let (element, _) = typeReference(for: items, pointer: pointer + "/items", naming: itemNaming, group: group, inRequest: inRequest)
            return (.array(element), nullable)
        case "object", nil:
            if object["properties"] == nil {
                if let additional = object["additionalProperties"], additional.objectValue != nil {
                    let (value, _) = typeReference(for: additional, pointer: pointer + "/additionalProperties", naming: .inline(naming.base + "Value"), group: group, inRequest: inRequest)
                    return (.dictionary(value), nullable)
                }
                return (type == nil ? .json : .dictionary(.json), nullable)
            }
            return (objectType(object, pointer: pointer, naming: naming, group: group, inRequest: inRequest), nullable)
        default:
            warn("unknown type '\(type!)'; using JSONValue", at: pointer)
            return (.json, nullable)
        }
    }

    /// Whether an inline schema has, at any depth, a property that is optional and nullable
    /// (named schemas referenced from it have their own declarations and are not followed).
    func hasOptionalNullable(_ node: Node) -> Bool {
        guard case .object(let object) = node, object["$ref"] == nil else {
            if case .array(let elements) = node { return elements.contains(where: hasOptionalNullable) }
            return false
        }
        if let properties = object["properties"]?.objectValue {
            let required = Set((object["required"]?.arrayValue ?? []).compactMap(\.stringValue))
            for (key, property) in properties.members where !required.contains(key) && isNullable(property) {
                return true
            }
        }
        return object.values.contains(where: hasOptionalNullable)
    }

    /// Whether a schema allows `null` in any of the ways 3.0 and 3.1 spell it.
    private func isNullable(_ node: Node) -> Bool {
        guard let object = node.objectValue else { return false }
        if let ref = object["$ref"]?.stringValue, let target = lookup(ref), target != node {
            if object["nullable"]?.boolValue == true { return true }
            return target["nullable"]?.boolValue == true
        }
        if object["nullable"]?.boolValue == true { return true }
        if object["type"]?.arrayValue?.contains(.string("null")) == true { return true }
        for keyword in ["oneOf", "anyOf"] {
            if object[keyword]?.arrayValue?.contains(where: { $0["type"]?.stringValue == "null" || $0["nullable"]?.boolValue == true }) == true { return true }
        }
        return false
    }

    private func isNullSchema(_ node: Node) -> Bool {
        guard let object = node.objectValue else { return false }
        if object["type"]?.stringValue == "null" { return true }
        if object["type"]?.arrayValue == [.string("null")] { return true }
        if object["enum"]?.arrayValue == [.null] { return true }
        return false
    }

    /// Where a declaration for a schema goes, or the identical type that already exists.
    private enum Claim {
        case existing(TypeReference)
        case new(name: String, group: String, documentation: Documentation)
    }

    /// The key under which a schema's type is shared. A request schema differs from the same
    /// response schema only where it has a tri-state field somewhere inside.
    private mutating func signature(of object: ObjectNode, inRequest: Bool) -> Int {
        let number = signatures.number(of: .object(object)) + 1
        return inRequest && hasOptionalNullable(.object(object)) ? -number : number
    }

    private mutating func claim(_ object: ObjectNode, signature: Int, pointer: String, naming: TypeNaming, group: String) -> Claim {
        if let existing = typesBySignature[signature] {
            if let component = pendingComponents.removeValue(forKey: existing) {
                return .new(name: existing, group: existing, documentation: documentation(of: component.node, pointer: component.pointer))
            }
            if case .named(let name) = naming, name != existing {
                ir.types.append(TypeDeclaration(
                    name: name, kind: .alias(.named(existing)),
                    documentation: documentation(of: .object(object), pointer: pointer), group: name
                ))
                return .existing(.named(name))
            }
            return .existing(.named(existing))
        }
        let name: String
        switch naming {
        case .named(let given): name = given
        case .inline(let hint): name = typeNames.claim(Naming.typeName(hint))
        }
        typesBySignature[signature] = name
        return .new(name: name, group: group, documentation: documentation(of: .object(object), pointer: pointer))
    }

    /// Declares a type for `object` unless an identical one exists, and returns its reference.
    /// The declaration's place is taken before `kind` builds its members, so that the types the
    /// members create follow it in the file, and a recursive reference finds its name.
    private mutating func declare(
        _ object: ObjectNode, pointer: String, naming: TypeNaming, group: String, inRequest: Bool,
        kind: (inout IRBuilder, _ name: String, _ group: String) -> TypeDeclaration.Kind
    ) -> TypeReference {
        let signature = signature(of: object, inRequest: inRequest)
        switch claim(object, signature: signature, pointer: pointer, naming: naming, group: group) {
        case .existing(let reference):
            return reference
        case .new(let name, let group, let documentation):
            let index = ir.types.count
            ir.types.append(TypeDeclaration(name: name, kind: .alias(.json), documentation: documentation, group: group))
            ir.types[index].kind = kind(&self, name, group)
            return .named(name)
        }
    }

    private mutating func objectType(_ object: ObjectNode, pointer: String, naming: TypeNaming, group: String, inRequest: Bool) -> TypeReference {
        declare(object, pointer: pointer, naming: naming, group: group, inRequest: inRequest) { builder, name, group in
            .object(builder.buildProperties(object, pointer: pointer, typeName: name, group: group, inRequest: inRequest))
        }
    }

    private mutating func buildProperties(_ object: ObjectNode, pointer: String, typeName: String, group: String, inRequest: Bool) -> [Property] {
        let required = Set((object["required"]?.arrayValue ?? []).compactMap(\.stringValue))
        // A stored property named `self` would hide `self` inside the type's own methods.
        var memberNames = NameScope(reserved: ["CodingKeys", "self", "Type"])
        var properties: [Property] = []
        for (key, schema) in (object["properties"]?.objectValue ?? ObjectNode()).members {
            let propertyPointer = pointer + "/properties/" + Naming.pointerEscaped(key)
            var (type, nullable) = typeReference(
                for: schema, pointer: propertyPointer, naming: .inline(typeName + Naming.typeName(key)),
                group: group, inRequest: inRequest
            )
            if type == .named(typeName) {
                warn("property '\(key)' contains its own type; using JSONValue", at: propertyPointer)
                type = .json
            }
            let isRequired = required.contains(key)
            properties.append(Property(
                jsonName: key, swiftName: memberNames.claim(Naming.memberName(key)), type: type,
                isRequired: isRequired, isNullable: nullable,
                isTriState: inRequest && nullable && !isRequired,
                rules: rules(of: schema, for: type),
                documentation: documentation(of: schema, pointer: propertyPointer)
            ))
        }
        return properties
    }

    /// The rules a string or integer property's schema sets, its own and those of the schemas it
    /// refers to (a named `Slug` string with a `maxLength`). Bounds that are not whole numbers,
    /// and rules on other types, are not carried: the server still enforces them.
    private func rules(of schema: Node, for type: TypeReference) -> [ValueRule] {
        let keywords: [String] = switch type {
        case .string: ["maxLength", "minLength", "pattern"]
        case .int, .int32, .int64: ["minimum", "maximum"]
        default: []
        }
        var found: [String: Node] = [:]
        var node = schema
        for _ in 0..<16 {
            for keyword in keywords where found[keyword] == nil {
                if let value = node[keyword] { found[keyword] = value }
            }
            guard let ref = node["$ref"]?.stringValue, let target = lookup(ref) else { break }
            node = target
        }
        return keywords.compactMap { keyword -> ValueRule? in
            guard let value = found[keyword] else { return nil }
            let whole: Int? = switch value {
            case .int(let number): number
            case .double(let number): number.rounded() == number && abs(number) < 1e15 ? Int(number) : nil
            default: nil
            }
            switch keyword {
            case "maxLength": return whole.map(ValueRule.maxLength)
            case "minLength": return whole.map(ValueRule.minLength)
            case "minimum": return whole.map(ValueRule.minimum)
            case "maximum": return whole.map(ValueRule.maximum)
            default: return value.stringValue.map(ValueRule.pattern)
            }
        }
    }

    private mutating func allOf(
        _ parts: [Node], in object: ObjectNode, pointer: String, naming: TypeNaming, group: String, inRequest: Bool, nullable: Bool
    ) -> (TypeReference, nullable: Bool) {
        // Resolve each part; a single part is simply that schema.
        var resolved: [ObjectNode] = []
        for (index, part) in parts.enumerated() {
            var node = part
            var hops = 0
            while let ref = node["$ref"]?.stringValue, let target = lookup(ref), hops < 16 {
                node = target
                hops += 1
            }
            guard let partObject = node.objectValue else {
                warn("allOf part \(index) is not a schema object; ignoring it", at: "\(pointer)/allOf/\(index)")
                continue
            }
            resolved.append(partObject)
        }
        if parts.count == 1, object["properties"] == nil {
            let (reference, partNullable) = typeReference(for: parts[0], pointer: pointer + "/allOf/0", naming: naming, group: group, inRequest: inRequest)
            return (reference, nullable || partNullable)
        }
        // Merge the object parts into one object schema: properties in order, required united.
        var merged = ObjectNode()
        var properties = object["properties"]?.objectValue ?? ObjectNode()
        var required = object["required"]?.arrayValue ?? []
        for part in resolved {
            let isObjectLike = part["properties"] != nil || part["type"]?.stringValue == "object"
            if !isObjectLike {
                warn("allOf combines a non-object schema; only object parts are merged", at: pointer)
                continue
            }
            for (key, value) in (part["properties"]?.objectValue ?? ObjectNode()).members where properties[key] == nil {
                properties.append(key, value)
            }
            required += part["required"]?.arrayValue ?? []
        }
        merged.append("type", .string("object"))
        merged.append("properties", .object(properties))
        merged.append("required", .array(required))
        return (objectType(merged, pointer: pointer, naming: naming, group: group, inRequest: inRequest), nullable)
    }

    private mutating func union(
        of variants: [Node], in object: ObjectNode, pointer: String, variantPointers: [String]?,
        naming: TypeNaming, group: String, inRequest: Bool
    ) -> TypeReference {
        var unionObject = ObjectNode()
        unionObject.append("oneOf", .array(variants))
        return declare(unionObject, pointer: pointer, naming: naming, group: group, inRequest: inRequest) { builder, name, group in
            var types: [TypeReference] = []
            var descriptions: [TypeReference: String] = [:]
            for (index, variant) in variants.enumerated() {
                let variantPointer = variantPointers?[index] ?? pointer
                let (type, _) = builder.typeReference(for: variant, pointer: variantPointer, naming: .inline(name + "Option\(index + 1)"), group: group, inRequest: inRequest)
                if !types.contains(type) { types.append(type) }
                if descriptions[type] == nil, let text = variant["description"]?.stringValue { descriptions[type] = text }
            }
            // Try the narrowest shapes first: an integer also decodes as a Double, an object with
            // optional properties matches almost anything.
            let ordered = types.enumerated().sorted { lhs, rhs in
                (Self.decodeRank(lhs.element), lhs.offset) < (Self.decodeRank(rhs.element), rhs.offset)
            }.map(\.element)
            var caseNames = NameScope()
            return .oneOf(ordered.map { Variant(caseName: caseNames.claim(Self.caseName(for: $0)), type: $0, description: descriptions[$0]) })
        }
    }

    private static func decodeRank(_ type: TypeReference) -> Int {
        switch type {
        case .bool: 0
        case .int, .int32, .int64: 1
        case .float, .double: 2
        case .dateTime: 3
        case .string: 4
        case .named: 5
        case .array: 6
        case .dictionary: 7
        case .json, .noBody: 8
        }
    }

    private static func caseName(for type: TypeReference) -> String {
        switch type {
        case .string: "string"
        case .int, .int32, .int64: "integer"
        case .double, .float: "number"
        case .bool: "boolean"
        case .dateTime: "dateTime"
        case .json: "json"
        case .noBody: "empty"
        case .named(let name): Naming.memberName(name)
        case .array(let element): caseName(for: element) + "Array"
        case .dictionary(let value): caseName(for: value) + "Map"
        }
    }

    func documentation(of schema: Node, pointer: String) -> Documentation {
        Documentation(summary: schema["title"]?.stringValue, text: schema["description"]?.stringValue, pointer: pointer)
    }
}
