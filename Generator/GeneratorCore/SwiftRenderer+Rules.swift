/// What request models carry for the code that builds requests: every object a request body
/// holds is `Validatable`, with its `fields` and `rules`. Only those: the spec's rules bind what
/// a client sends, not what the server answers.
extension SwiftRenderer {
    /// The types a request body holds, at any depth (through fields, arrays, dictionaries,
    /// aliases and choices).
    static func requestTypes(_ ir: IR, _ declarations: [String: TypeDeclaration]) -> Set<String> {
        var found: Set<String> = []
        var pending = ir.operations.map(\.body)
        while let type = pending.popLast() {
            switch type {
            case .array(let element), .dictionary(let element): pending.append(element)
            case .named(let name):
                guard found.insert(name).inserted, let declaration = declarations[name] else { continue }
                switch declaration.kind {
                case .object(let properties): pending += properties.map(\.type)
                case .alias(let target): pending.append(target)
                case .oneOf(let variants): pending += variants.map(\.type)
                case .stringEnum: break
                }
            default: break
            }
        }
        return found
    }

    /// `fields` (each field's JSON name and key path) and, when the spec sets any, `rules` (by
    /// JSON name): what the runtime's `Validatable.validate(prefix:)` checks. Their documentation
    /// is the protocol's.
    func requestMembers(_ properties: [Property]) -> String {
        let fields = properties.map { "(\(Naming.literal($0.jsonName)), \\.\(Naming.escaped($0.swiftName)))" }
        var text = "    public static var fields: [(name: String, keyPath: PartialKeyPath<Self>)] { [\(fields.joined(separator: ", "))] }\n"
        let ruled = properties.filter { !$0.rules.isEmpty }
        if !ruled.isEmpty {
            let entries = ruled.map { "\(Naming.literal($0.jsonName)): [\($0.rules.map(\.swift).joined(separator: ", "))]" }
            text += "    public static let rules: [String: [Rule]] = [\(entries.joined(separator: ", "))]\n"
        }
        return text
    }
}
