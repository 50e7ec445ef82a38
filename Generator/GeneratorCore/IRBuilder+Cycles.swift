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
        // The edges taken from the first type of the path to the one being visited.
        var path: [(position: Int, property: Int?)] = []

        /// Ends the cycle that leads from `target` along the path back to `target`: an enum on it
        /// made indirect, else its last struct property made JSONValue, else (aliases alone,
        /// which hold their target inline) its last alias made one of JSONValue.
        func breakCycle(to target: Int) {
            let start = path.lastIndex { $0.position == target } ?? 0
            let cycle = path[start...]
            // An edge an earlier break turned into JSONValue has ended this cycle already.
            for edge in cycle {
                if case .object(let properties) = ir.types[edge.position].kind, let property = edge.property, properties[property].type == .json { return }
                if case .alias(.json) = ir.types[edge.position].kind { return }
                if case .oneOf = ir.types[edge.position].kind, ir.indirectTypes.contains(ir.types[edge.position].name) { return }
            }
            // An indirect enum keeps every type as it is: the best end.
            if let edge = cycle.last(where: { if case .oneOf = ir.types[$0.position].kind { true } else { false } }) {
                ir.indirectTypes.insert(ir.types[edge.position].name)
                return
            }
            for edge in cycle.reversed() {
                switch ir.types[edge.position].kind {
                case .object(var properties):
                    guard let property = edge.property else { continue }
                    warn("property '\(properties[property].jsonName)' of \(ir.types[edge.position].name) leads back to \(ir.types[target].name), which would give it infinite size; using JSONValue", at: ir.types[edge.position].documentation.pointer)
                    properties[property].type = .json
                    ir.types[edge.position].kind = .object(properties)
                    return
                default:
                    continue
                }
            }
            // Aliases alone: the last one stands for any JSON instead.
            if let edge = cycle.last {
                warn("\(ir.types[edge.position].name) is an alias that leads back to itself; using JSONValue", at: ir.types[edge.position].documentation.pointer)
                ir.types[edge.position].kind = .alias(.json)
            }
        }

        func visit(_ position: Int) {
            state[position] = 1
            for (name, property) in containedTypes(position) {
                guard let target = index[name] else { continue }
                path.append((position, property))
                if state[target] == 1 {
                    breakCycle(to: target)
                } else if state[target] == 0 {
                    visit(target)
                }
                path.removeLast()
            }
            state[position] = 2
        }
        for position in ir.types.indices where state[position] == 0 { visit(position) }
    }
}
