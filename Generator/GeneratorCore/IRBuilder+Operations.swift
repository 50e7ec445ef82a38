import Foundation

/// Lowering of the paths: one `Operation` per method of each path, with its parameters, body,
/// responses and scopes.
extension IRBuilder {
    mutating func buildOperations() {
        guard let paths = root["paths"]?.objectValue else {
            warn("the document has no paths", at: "#/paths")
            return
        }
        for (path, itemNode) in paths.members {
            let itemPointer = "#/paths/" + Naming.pointerEscaped(path)
            let (item, _) = dereference(itemNode, pointer: itemPointer)
            for method in Self.httpMethods {
                guard let operation = item[method] else { continue }
                buildOperation(operation, method: method, path: path, pathItem: item, pointer: itemPointer + "/" + method)
            }
        }
    }

    private mutating func buildOperation(_ node: Node, method: String, path: String, pathItem: Node, pointer: String) {
        let operationID = node["operationId"]?.stringValue ?? (method + " " + path)
        let name = typeNames.claim(Naming.typeName(operationID))
        let group = "Operations+" + name

        // Path-level parameters, overridden by operation-level ones of the same name and place.
        var parameterNodes: [(Node, String)] = []
        for (index, parameter) in (pathItem["parameters"]?.arrayValue ?? []).enumerated() {
            parameterNodes.append(dereference(parameter, pointer: pointer.components(separatedBy: "/").dropLast().joined(separator: "/") + "/parameters/\(index)"))
        }
        for (index, parameter) in (node["parameters"]?.arrayValue ?? []).enumerated() {
            let resolved = dereference(parameter, pointer: pointer + "/parameters/\(index)")
            parameterNodes.removeAll { $0.0["name"] == resolved.0["name"] && $0.0["in"] == resolved.0["in"] }
            parameterNodes.append(resolved)
        }
        var memberNames = NameScope(reserved: [
            "body", "path", "query", "headers", "endpoint",
            "responseBodyType", "init", "Body", "Response", "self", "Type",
        ])
        var parameters: [Operation.Parameter] = []
        for (parameter, parameterPointer) in parameterNodes {
            guard let parameterName = parameter["name"]?.stringValue,
                  let location = parameter["in"]?.stringValue.flatMap(Operation.Parameter.Location.init(rawValue:))
            else {
                warn("parameter without a name, or in a place other than path, query or header; skipped", at: parameterPointer)
                continue
            }
            var type = TypeReference.string
            if let schema = parameter["schema"] {
                type = typeReference(for: schema, pointer: parameterPointer + "/schema", naming: .inline(name + Naming.typeName(parameterName)), group: group, inRequest: false).0
            } else {
                warn("parameter '\(parameterName)' has no schema; treating it as a string", at: parameterPointer)
            }
            if location == .path, case .array = type {
                warn("path parameter '\(parameterName)' is an array; sending it as a string", at: parameterPointer)
                type = .string
            }
            if !Self.isQueryEncodable(type, in: ir) {
                warn("parameter '\(parameterName)' has a type that cannot be written in a URL; sending it as a string", at: parameterPointer)
                type = .string
            }
            parameters.append(Operation.Parameter(
                name: parameterName, swiftName: memberNames.claim(Naming.memberName(parameterName)),
                location: location, type: type,
                isRequired: location == .path || parameter["required"]?.boolValue == true,
                documentation: documentation(of: parameter, pointer: parameterPointer)
            ))
        }

        // A `{name}` in the path that no parameter declares still has to be filled in.
        for placeholder in Self.placeholders(in: path) where !parameters.contains(where: { $0.location == .path && $0.name == placeholder }) {
            warn("path parameter '\(placeholder)' is not declared; adding it as a string", at: pointer)
            parameters.insert(Operation.Parameter(
                name: placeholder, swiftName: memberNames.claim(Naming.memberName(placeholder)), location: .path,
                type: .string, isRequired: true, documentation: Documentation(pointer: pointer)
            ), at: 0)
        }

        var body = TypeReference.noBody
        var isBodyRequired = false
        if let bodyNode = node["requestBody"] {
            let (requestBody, bodyPointer) = dereference(bodyNode, pointer: pointer + "/requestBody")
            isBodyRequired = requestBody["required"]?.boolValue ?? false
            if let (mediaType, schema) = jsonSchema(in: requestBody) {
                body = typeReference(for: schema, pointer: bodyPointer + "/content/" + Naming.pointerEscaped(mediaType) + "/schema", naming: .inline(name + "Body"), group: group, inRequest: true).0
            } else {
                let types = requestBody["content"]?.objectValue?.keys.joined(separator: ", ") ?? "none"
                warn("request body has no JSON content (\(types)); the operation is generated without a body", at: bodyPointer)
            }
        }

        var successes: [(status: Int, type: TypeReference)] = []
        var errors: [Int] = []
        for (statusKey, responseNode) in (node["responses"]?.objectValue ?? ObjectNode()).members {
            guard let status = Int(statusKey) else { continue }
            if (200..<300).contains(status) {
                let (response, responsePointer) = dereference(responseNode, pointer: pointer + "/responses/" + statusKey)
                var type = TypeReference.noBody
                if let (mediaType, schema) = jsonSchema(in: response) {
                    let hint = successes.isEmpty ? name + "Response" : name + "Response\(status)"
                    type = typeReference(for: schema, pointer: responsePointer + "/content/" + Naming.pointerEscaped(mediaType) + "/schema", naming: .inline(hint), group: group, inRequest: false).0
                }
                successes.append((status, type))
            } else if status >= 300 {
                errors.append(status)
            }
        }
        successes.sort { $0.status < $1.status }
        if successes.isEmpty {
            warn("no success response is documented; expecting 200 with no body", at: pointer + "/responses")
        }

        var scopes: [String] = []
        for requirement in (node["security"] ?? root["security"])?.arrayValue ?? [] {
            for scopeList in requirement.objectValue?.values ?? [] {
                for scope in scopeList.arrayValue?.compactMap(\.stringValue) ?? [] where !scopes.contains(scope) {
                    scopes.append(scope)
                }
            }
        }

        ir.operations.append(Operation(
            operationID: operationID, name: name, method: method.uppercased(), path: path,
            summary: node["summary"]?.stringValue,
            documentation: Documentation(summary: node["summary"]?.stringValue, text: node["description"]?.stringValue, pointer: pointer),
            parameters: parameters, body: body, isBodyRequired: isBodyRequired,
            successStatus: successes.first?.status ?? 200, response: successes.first?.type ?? .noBody,
            responseBodies: successes.filter { $0.type != .noBody }, errorStatuses: errors.sorted(),
            requiredScopes: scopes
        ))
    }

    /// The names between braces in a path template, in order.
    static func placeholders(in path: String) -> [String] {
        var names: [String] = []
        var rest = Substring(path)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    /// The JSON media type and its schema (`application/json`, or any `+json` type).
    private func jsonSchema(in node: Node) -> (String, Node)? {
        guard let content = node["content"]?.objectValue else { return nil }
        for (mediaType, media) in content.members {
            let base = mediaType.split(separator: ";").first.map(String.init) ?? mediaType
            if base == "application/json" || base.hasSuffix("+json") || base == "*/*", let schema = media["schema"] {
                return (mediaType, schema)
            }
        }
        return nil
    }

    /// Whether `type` is one value that can be written as text (no array, object or any-JSON).
    static func isScalar(_ type: TypeReference, in ir: IR) -> Bool {
        if case .array = type { return false }
        return isQueryEncodable(type, in: ir)
    }

    /// Whether values of `type` can go into a path, query or header.
    static func isQueryEncodable(_ type: TypeReference, in ir: IR) -> Bool {
        switch type {
        case .string, .int, .int32, .int64, .double, .float, .bool, .dateTime: return true
        case .array(let element): return element != .json && isQueryEncodable(element, in: ir) && { if case .array = element { false } else { true } }()
        case .named(let name):
            guard let declaration = ir.types.last(where: { $0.name == name }) else { return false }
            switch declaration.kind {
            case .stringEnum: return true
            case .oneOf(let variants): return variants.allSatisfy { isScalar($0.type, in: ir) }
            case .alias(let target): return isQueryEncodable(target, in: ir)
            default: return false
            }
        case .json, .dictionary, .noBody: return false
        }
    }
}
