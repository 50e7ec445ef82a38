import Foundation

/// Turns the IR into Swift source files: one per named schema (with the inline types it
/// owns), one per operation (with its inline types), and `Runtime.swift`.
struct SwiftRenderer {
    let ir: IR
    let header: String
    let declarations: [String: TypeDeclaration]
    /// The types request bodies hold: their objects are `Validatable` (in `Runtime.swift`).
    let requestTypes: Set<String>

    init(ir: IR, header: String) {
        self.ir = ir
        self.header = header
        declarations = Dictionary(ir.types.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        requestTypes = Self.requestTypes(ir, declarations)
    }

    /// The support code every generated module needs, written next to the models so that the
    /// output compiles on its own: `Runtime/Runtime.swift`, embedded in the generator at build time.
    static let runtime = String(decoding: PackageResources.Runtime_swift, as: UTF8.self)

    /// File name -> contents, in a stable order.
    func render() -> [(name: String, contents: String)] {
        var groups: [String] = []
        var typesByGroup: [String: [TypeDeclaration]] = [:]
        for declaration in ir.types {
            if typesByGroup[declaration.group] == nil { groups.append(declaration.group) }
            typesByGroup[declaration.group, default: []].append(declaration)
        }
        var operationsByGroup: [String: Operation] = [:]
        for operation in ir.operations {
            let group = "Operations+" + operation.name
            if typesByGroup[group] == nil { groups.append(group); typesByGroup[group] = [] }
            operationsByGroup[group] = operation
        }
        var files = [(name: "Runtime.swift", contents: header + "\n" + Self.runtime)]
        for group in groups {
            var text = header + "\n"
            var blocks: [String] = []
            if let operation = operationsByGroup[group] { blocks.append(render(operation)) }
            blocks += typesByGroup[group]!.map(render)
            text += blocks.joined(separator: "\n")
            files.append((group + ".swift", text))
        }
        return files
    }

    // MARK: Documentation

    /// The enum values a type lists as members, if it is (an array of) a string enum.
    private func enumValues(of type: TypeReference) -> Set<String> {
        switch type {
        case .array(let element): return enumValues(of: element)
        case .named(let name):
            guard let declaration = declarations[name] else { return [] }
            switch declaration.kind {
            case .stringEnum(let values, _): return Set(values)
            case .alias(let target): return enumValues(of: target)
            default: return []
            }
        default: return []
        }
    }

    /// Drops a description's bullet list of enum values (`* \`value\``), which the enum type
    /// already declares as members: a time zone field would otherwise list 600 zones twice.
    private func withoutEnumListing(_ documentation: Documentation, values: Set<String>) -> Documentation {
        guard !values.isEmpty, let text = documentation.text else { return documentation }
        var result = documentation
        let kept = text.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("* `"), let close = trimmed.dropFirst(3).firstIndex(of: "`") else { return true }
            return !values.contains(String(trimmed.dropFirst(3)[..<close]))
        }
        result.text = kept.joined(separator: "\n")
        return result
    }

    /// The spec's summary and description, then `extra` lines; with `pointer`, a last line
    /// that points back into the spec. Members leave the pointer out: it is their type's
    /// pointer plus `/properties/<name>`.
    private func docComment(_ documentation: Documentation, indent: String, extra: [String] = [], pointer: Bool = true) -> String {
        var paragraphs: [[String]] = []
        if let summary = documentation.summary?.trimmed, !summary.isEmpty, summary != documentation.text?.trimmed {
            paragraphs.append(summary.docLines)
        }
        if let text = documentation.text?.trimmed, !text.isEmpty { paragraphs.append(text.docLines) }
        var last = extra
        if pointer { last.append("Spec: `\(documentation.pointer.replacingOccurrences(of: "`", with: "'"))`") }
        if !last.isEmpty { paragraphs.append(last) }
        return paragraphs.map { $0.map { $0.isEmpty ? "\(indent)///\n" : "\(indent)/// \($0)\n" }.joined() }
            .joined(separator: "\(indent)///\n")
    }

    // MARK: Types

    private func render(_ declaration: TypeDeclaration) -> String {
        let name = declaration.name
        var documentation = declaration.documentation
        if case .stringEnum(let values, _) = declaration.kind {
            documentation = withoutEnumListing(documentation, values: Set(values))
        }
        var text = docComment(documentation, indent: "")
        switch declaration.kind {
        case .alias(let target):
            text += "public typealias \(name) = \(target.swift)\n"
        case .stringEnum(let values, let descriptions):
            text += "public struct \(name): OpenEnum {\n"
            text += "    public let rawValue: String\n"
            text += "    public init(rawValue: String) { self.rawValue = rawValue }\n"
            var members = NameScope(reserved: ["rawValue", "init", "description", "queryValue", "Type", "self", "Self"])
            var seen: Set<String> = []
            var knownMembers: [String] = []
            for value in values where seen.insert(value).inserted {
                let member = members.claim(Naming.memberName(value))
                if let description = descriptions[value] {
                    text += docComment(Documentation(text: description, pointer: ""), indent: "    ", pointer: false)
                }
                text += "    public static let \(Naming.escaped(member)): Self = \(Naming.literal(value))\n"
                knownMembers.append(Naming.escaped(member))
            }
            text += "    public static let knownValues: [Self] = [\(knownMembers.map { "." + $0 }.joined(separator: ", "))]\n"
            text += "}\n"
        case .oneOf(let variants):
            // A choice of plain values (`integer | string`) can also go into a URL.
            let isScalar = variants.allSatisfy { IRBuilder.isScalar($0.type, in: ir) }
            let indirect = ir.indirectTypes.contains(name) ? "indirect " : ""
            text += "public \(indirect)enum \(name): Codable, Hashable, Sendable\(isScalar ? ", QueryValue" : "") {\n"
            for variant in variants {
                if let description = variant.description {
                    text += docComment(Documentation(text: description, pointer: ""), indent: "    ", pointer: false)
                }
                text += "    case \(Naming.escaped(variant.caseName))(\(variant.type.swift))\n"
            }
            text += "\n    public init(from decoder: any Decoder) throws {\n"
            text += "        let container = try decoder.singleValueContainer()\n"
            for variant in variants.dropLast() {
                text += "        if let value = try? container.decode(\(variant.type.swift).self) {\n"
                text += "            self = .\(Naming.escaped(variant.caseName))(value)\n            return\n        }\n"
            }
            if let last = variants.last {
                text += "        self = .\(Naming.escaped(last.caseName))(try container.decode(\(last.type.swift).self))\n"
            }
            text += "    }\n\n    public func encode(to encoder: any Encoder) throws {\n"
            text += "        var container = encoder.singleValueContainer()\n        switch self {\n"
            for variant in variants {
                text += "        case .\(Naming.escaped(variant.caseName))(let value): try container.encode(value)\n"
            }
            text += "        }\n    }\n"
            if isScalar {
                text += "\n    public var queryValue: String {\n        switch self {\n"
                for variant in variants {
                    text += "        case .\(Naming.escaped(variant.caseName))(let value): value.queryValue\n"
                }
                text += "        }\n    }\n"
            }
            text += "}\n"
        case .object(let properties):
            let isRequest = requestTypes.contains(name)
            text += "public struct \(name): Codable, Hashable, Sendable\(isRequest ? ", Validatable" : "") {\n"
            for property in properties {
                text += docComment(withoutEnumListing(property.documentation, values: enumValues(of: property.type)), indent: "    ", pointer: false)
                // A required field that may be null is sent as `null`, not left out.
                let wrapper = property.isRequired && property.isNullable ? "@AlwaysEncoded " : ""
                text += "    \(wrapper)public var \(Naming.escaped(property.swiftName)): \(propertyType(property))\n"
            }
            // The initializer's comment, not a blank line, sets it apart from the properties.
            text += "    /// Creates a value with the given fields.\n"
            let parameters = properties.map { property in
                "\(property.swiftName): \(propertyType(property))\(property.isRequired && !property.isNullable ? "" : " = nil")"
            }
            if properties.isEmpty {
                text += "    public init() {}\n"
            } else {
                text += "    public init(\(parameters.joined(separator: ", "))) {\n"
                for property in properties {
                    let name = Naming.escaped(property.swiftName)
                    text += "        self.\(name) = \(name)\n"
                }
                text += "    }\n"
            }
            if isRequest { text += requestMembers(properties) }
            if !properties.isEmpty {
                // Keys share `case` lines of up to 100 characters; a short list fits on the
                // declaration's own line.
                let cases = properties.map { property in
                    let name = Naming.escaped(property.swiftName)
                    return property.jsonName == property.swiftName ? name : "\(name) = \(Naming.literal(property.jsonName))"
                }
                var lines: [String] = []
                for item in cases {
                    if let last = lines.last, last.count + item.count + 2 <= 100 {
                        lines[lines.count - 1] = last + ", " + item
                    } else {
                        lines.append(item)
                    }
                }
                if lines.count == 1, lines[0].count <= 60 {
                    text += "\n    private enum CodingKeys: String, CodingKey { case \(lines[0]) }\n"
                } else {
                    text += "\n    private enum CodingKeys: String, CodingKey {\n"
                    text += lines.map { "        case \($0)\n" }.joined()
                    text += "    }\n"
                }
            }
            text += "}\n"
        }
        return text
    }

    private func propertyType(_ property: Property) -> String {
        if property.isTriState { return "Nullable<\(property.type.swift)>?" }
        if property.isRequired && !property.isNullable { return property.type.swift }
        return property.type.swift + "?"
    }

    // MARK: Operations

    private func render(_ operation: Operation) -> String {
        var text = "extension Operations {\n"
        text += docComment(operation.documentation, indent: "    ")
        text += "    public struct \(operation.name): APIOperation {\n"
        // `NoBody` is the protocol's default for both.
        if operation.body != .noBody { text += "        public typealias Body = \(operation.body.swift)\n" }
        if operation.response != .noBody { text += "        public typealias Response = \(operation.response.swift)\n" }
        text += "        public static let endpoint = Endpoint(\(Naming.literal(operation.operationID)), .\(operation.method.lowercased()), \(Naming.literal(operation.path)),\n"
        text += "            success: \(operation.successStatus), errors: [\(operation.errorStatuses.map(String.init).joined(separator: ", "))], scopes: [\(operation.requiredScopes.map(Naming.literal).joined(separator: ", "))])\n"

        let hasBody = operation.body != .noBody
        var initParameters: [String] = []
        var assignments: [String] = []
        if !operation.parameters.isEmpty || hasBody { text += "\n" }
        for parameter in operation.parameters {
            let type = parameter.type.swift + (parameter.isRequired ? "" : "?")
            text += docComment(withoutEnumListing(parameter.documentation, values: enumValues(of: parameter.type)), indent: "        ", pointer: false)
            text += "        public var \(Naming.escaped(parameter.swiftName)): \(type)\n"
            initParameters.append("\(parameter.swiftName): \(type)\(parameter.isRequired ? "" : " = nil")")
            assignments.append("self.\(Naming.escaped(parameter.swiftName)) = \(Naming.escaped(parameter.swiftName))")
        }
        if hasBody {
            text += "        /// The JSON request body.\n        public var body: Body?\n"
            initParameters.append(operation.isBodyRequired ? "body: Body" : "body: Body? = nil")
            assignments.append("self.body = body")
        }
        text += "        /// Creates the request with its parameters.\n"
        text += "        public init(\(initParameters.joined(separator: ", "))) {\n"
        text += assignments.map { "            \($0)\n" }.joined()
        text += "        }\n"

        text += "\n        public var path: String { \(pathExpression(operation)) }\n"
        for location in [Operation.Parameter.Location.query, .header] {
            let parameters = operation.parameters.filter { $0.location == location }
            guard !parameters.isEmpty else { continue }
            text += "\n        public var \(location == .query ? "query" : "headers"): [QueryItem] {\n"
            text += "            var items: [QueryItem] = []\n"
            for parameter in parameters {
                text += "            items.append(\(Naming.literal(parameter.name)), \(Naming.escaped(parameter.swiftName)))\n"
            }
            text += "            return items\n        }\n"
        }
        let extraBodies = operation.responseBodies.filter { $0.status != operation.successStatus }
        if !extraBodies.isEmpty {
            text += "\n        public static func responseBodyType(status: Int) -> (any Decodable.Type)? {\n"
            text += "            switch status {\n"
            for (status, type) in operation.responseBodies {
                text += "            case \(status): \(type.swift).self\n"
            }
            text += "            default: nil\n            }\n        }\n"
        }
        text += "    }\n}\n"
        return text
    }

    /// `"/api/0/projects/\(a.percentEncodedPathSegment)/keys/"`
    private func pathExpression(_ operation: Operation) -> String {
        var expression = ""
        var rest = Substring(operation.path)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            expression += String(Naming.literal(String(rest[..<open])).dropFirst().dropLast())
            let name = String(rest[rest.index(after: open)..<close])
            let parameter = operation.parameters.first { $0.location == .path && $0.name == name }!
            expression += "\\(\(Naming.escaped(parameter.swiftName)).percentEncodedPathSegment)"
            rest = rest[rest.index(after: close)...]
        }
        expression += String(Naming.literal(String(rest)).dropFirst().dropLast())
        return "\"" + expression + "\""
    }
}
