extension IRBuilder {
    /// A struct that holds itself, directly or through other structs and enums (not through an
    /// array or a map), has no finite size and does not compile. Such a property falls back to
    /// `JSONValue`, with a diagnostic.
    mutating func breakContainmentCycles() {
        var index: [String: Int] = [:]
        for (position, declaration) in ir.types.enumerated() { index[declaration.name] = position }

        /// The value types a declaration stores inline, with where each comes from.
        func containedTypes(_ position: Int) -> [(name: String, property: Int?)] {
            switch ir.types[position].kind {
            case .object(let properties):
                return properties.enumerated().compactMap { offset, property in
                    if case .named(let name) = property.type { return (name, offset) }
                    return nil
                }
            case .oneOf(let variants):
                return variants.compactMap { if case .named(let name) = $0.type { return (name, nil) } else { return nil } }
            case .alias(.named(let name)):
                return [(name, nil)]
            default:
                return []
            }
        }

        var state = [UInt8](repeating: 0, count: ir.types.count) // 0 new, 1 on the path, 2 done
        func visit(_ position: Int) {
            state[position] = 1
            for (name, property) in containedTypes(position) {
                guard let target = index[name] else { continue }
                if state[target] == 1, property == nil, case .oneOf = ir.types[position].kind {
                    // An enum can hold its cases' values indirectly, which ends the cycle.
                    ir.indirectTypes.insert(ir.types[position].name)
                } else if state[target] == 1, let property, case .object(var properties) = ir.types[position].kind {
                    warn("property '\(properties[property].jsonName)' of \(ir.types[position].name) leads back to \(name), which would give it infinite size; using JSONValue", at: ir.types[position].documentation.pointer)
                    properties[property].type = .json
                    ir.types[position].kind = .object(properties)
                } else if state[target] == 0 {
                    visit(target)
                }
            }
            state[position] = 2
        }
        for position in ir.types.indices where state[position] == 0 { visit(position) }
    }
}
