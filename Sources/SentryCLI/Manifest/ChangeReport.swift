import SentryResources

/// Plans and runs as people read them (a line per key and a summary) or as one JSON document.
enum ChangeReport {
    /// `+ create web`, `~ update api (name: "A" -> "B"): changed outside the SDK`, ...
    static func lines(_ changes: [Stack.Change]) -> [String] {
        changes.map { change in
            let mark = switch change.action {
            case .create: "+"
            case .update: "~"
            case .replace: "±"
            case .delete: "-"
            case .adopt: "<"
            case .rotate: "^"
            case .noChange: "="
            }
            return "  \(mark) \(change)"
        }
    }

    /// Prints a plan for people: a heading, a line per key, the summary.
    static func printPlan(_ changes: [Stack.Change], of stack: Stack, file: String) {
        print("Plan for \(stack.app)/\(stack.stage) (\(file)):")
        lines(changes).forEach { print($0) }
        print(summary(changes, applied: false))
    }

    /// `1 to create, 2 to update, 1 unchanged.` (or `created`, ... once applied).
    static func summary(_ changes: [Stack.Change], applied: Bool) -> String {
        let counts = Dictionary(grouping: changes, by: \.action).mapValues(\.count)
        let parts: [(Stack.Change.Action, String, String)] = [
            (.create, "to create", "created"), (.adopt, "to adopt", "adopted"), (.update, "to update", "updated"),
            (.replace, "to replace", "replaced"), (.rotate, "to rotate", "rotated"), (.delete, "to delete", "deleted"),
            (.noChange, "unchanged", "unchanged"),
        ]
        let said = parts.compactMap { action, planned, done in counts[action].map { "\($0) \(applied ? done : planned)" } }
        return said.isEmpty ? "Nothing declared, nothing in state." : said.joined(separator: ", ") + "."
    }

    /// Whether applying the changes would change anything.
    static func pending(_ changes: [Stack.Change]) -> Bool {
        changes.contains { $0.action != .noChange }
    }

    /// The keys a plan deletes or replaces.
    static func destructive(_ changes: [Stack.Change]) -> [String] {
        // A predecessor's deletion was asked for by its rotation's `retire`.
        changes.filter { ($0.action == .delete && !$0.retiresPredecessor) || $0.action == .replace }.map(\.resource)
    }

    struct Document: Encodable {
        var app: String
        var stage: String
        var applied: Bool
        var pending: Bool
        var changes: [Stack.Change]
    }

    static func json(app: String, stage: String, changes: [Stack.Change], applied: Bool) -> String {
        Output.json(Document(app: app, stage: stage, applied: applied, pending: !applied && pending(changes), changes: changes))
    }
}
