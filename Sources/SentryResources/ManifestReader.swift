#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SentryAPI
import Yams

/// Turns a manifest's YAML into a ``Manifest``, gathering every problem with its place.
struct ManifestReader {
    let file: String
    let environment: [String: String]
    var problems: [ManifestError.Problem] = []

    init(file: String, environment: [String: String]) {
        self.file = file
        self.environment = environment
    }

    mutating func read(_ yaml: String) -> Manifest? {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                problem(at: nil, nil, "is empty: a manifest needs at least app and keys")
                return nil
            }
            root = node
        } catch let error as YamlError {
            syntaxProblem(error)
            return nil
        } catch {
            problem(at: nil, nil, "is not YAML or JSON (\(error))")
            return nil
        }
        guard let top = mapping(root, "") else { return nil }
        checkFields(top, allowed: ManifestFields.top.map(\.name), path: "")

        let app = requiredString(top, "app", path: "")
        let stage = optionalString(top, "stage", path: "")
        if let stage, stage.allSatisfy(\.isWhitespace) { problem(top["stage"], "stage", "must not be empty") }
        let organization = optionalString(top, "organization", path: "")
        if let app, app.allSatisfy(\.isWhitespace) { problem(top["app"], "app", "must not be empty") }

        var keys: [Manifest.Key] = []
        if let keysNode = top["keys"] {
            if keysNode.null != nil {
                problem(keysNode, "keys", "is empty: declare the keys under it, or write `keys: {}` for none (the stack's keys are then deleted)")
            } else if let entries = mapping(keysNode, "keys") {
                var outputNames: [String: String] = [:]
                for (idNode, body) in entries {
                    guard let key = readKey(idNode, body, defaultOrganization: organization) else { continue }
                    for name in key.outputVariables {
                        if let other = outputNames[name] {
                            problem(body["outputName"] ?? idNode, "keys.\(key.id).outputName",
                                    "gives the output variable \(name), which \(other) gives too; set outputName on one of them")
                            break
                        }
                    }
                    for name in key.outputVariables { outputNames[name] = key.id }
                    keys.append(key)
                }
            }
        } else {
            problem(root, "keys", "is missing: declare the keys under `keys:` (an empty mapping `{}` for none)")
        }
        guard let app else { return nil }
        return Manifest(app: app, stage: stage, keys: keys)
    }

    private mutating func readKey(_ idNode: Node, _ body: Node, defaultOrganization: String?) -> Manifest.Key? {
        guard let id = idNode.scalar?.string, !id.allSatisfy(\.isWhitespace) else {
            problem(idNode, "keys", "has a key without an id: each key's id is a non-empty name")
            return nil
        }
        let path = "keys.\(id)"
        guard let fields = mapping(body, path) else { return nil }
        checkFields(fields, allowed: ManifestFields.key.map(\.name), path: path)
        let countBefore = problems.count

        let name = optionalString(fields, "name", path: path)
        let project = requiredString(fields, "project", path: path)
        var organization = optionalString(fields, "organization", path: path) ?? defaultOrganization
        if organization == nil, let fromEnvironment = environment["SENTRY_ORG"], !fromEnvironment.isEmpty { organization = fromEnvironment }
        if organization == nil {
            problem(body, "\(path).organization", "is missing: set organization on the key or at the top of the file, or SENTRY_ORG")
        }
        var rateLimit: RateLimit?
        var window: Int?, count: Int?
        if let limit = fields["rateLimit"], limit.null == nil, let limitFields = mapping(limit, "\(path).rateLimit") {
            checkFields(limitFields, allowed: ["window", "count"], path: "\(path).rateLimit")
            window = integer(limitFields, "window", path: "\(path).rateLimit")
            count = integer(limitFields, "count", path: "\(path).rateLimit")
            if let window, let count { rateLimit = RateLimit(window: window, count: count) }
            if limitFields.isEmpty { problem(limit, "\(path).rateLimit", "is empty: give window and count, or null for no rate limit") }
        }
        let useCase = optionalString(fields, "useCase", path: path).map { UseCase(rawValue: $0) }
        let adopt = boolean(fields, "adopt", path: path) ?? false
        let isActive = boolean(fields, "isActive", path: path) ?? true
        let version = optionalString(fields, "browserSdkVersion", path: path).map { BrowserSDKVersion(rawValue: $0) }
        var loader: DynamicSDKLoaderOptions?
        if let options = fields["dynamicSdkLoaderOptions"], options.null == nil,
           let optionFields = mapping(options, "\(path).dynamicSdkLoaderOptions") {
            let names = DynamicSDKLoaderOptions.options.map(\.name)
            checkFields(optionFields, allowed: names, path: "\(path).dynamicSdkLoaderOptions")
            var value = DynamicSDKLoaderOptions()
            for (name, keyPath) in DynamicSDKLoaderOptions.options {
                value[keyPath: keyPath] = boolean(optionFields, name, path: "\(path).dynamicSdkLoaderOptions")
            }
            loader = value
        }
        var rotation: Rotation?
        if let node = fields["rotation"], node.null == nil, let rotationFields = mapping(node, "\(path).rotation") {
            checkFields(rotationFields, allowed: ["every", "grace", "retire"], path: "\(path).rotation")
            func period(_ name: String) -> Duration? {
                guard let text = optionalString(rotationFields, name, path: "\(path).rotation") else { return nil }
                guard let value = Rotation.period(text) else {
                    problem(rotationFields[name], "\(path).rotation.\(name)", "must be a period such as 90d, 12h, 30m or 0 (it is \"\(text)\")")
                    return nil
                }
                return value
            }
            let (every, grace, retire) = (period("every"), period("grace"), period("retire"))
            if rotationFields["grace"] == nil { problem(node, "\(path).rotation.grace", "is missing: say how long the old key stays active, 0 for not at all") }
            if let grace {
                rotation = Rotation(every: every, grace: grace, retire: retire)
                if let broken = rotation?.problem {
                    problem(rotationFields["every"], "\(path).\(broken.field)", broken.rule)
                    rotation = nil
                }
            }
        }
        let outputName = optionalString(fields, "outputName", path: path)
        if let outputName, !Manifest.isVariableName(outputName) {
            problem(fields["outputName"], "\(path).outputName", "must be a variable name: letters, digits and _, not starting with a digit (it is \"\(outputName)\")")
        }

        // Sentry's rules, as the library checks them for keys declared in Swift, on values of
        // the right types.
        let rules = problems.count > countBefore ? [] : ClientKeyRules.problems(
            organization: organization ?? "-", project: project ?? "-", name: name,
            rateLimitWindow: window, rateLimitCount: count, useCase: useCase, browserSdkVersion: version)
        for rule in rules {
            let (node, field) = place(of: rule.field, in: fields, limit: fields["rateLimit"], body: body)
            problem(node, "\(path).\(field)", rule.rule)
        }
        guard problems.count == countBefore, let project, let organization else { return nil }
        return Manifest.Key(id: id, name: name, project: project, organization: organization, rateLimit: rateLimit,
                            useCase: useCase, adopt: adopt, isActive: isActive, browserSdkVersion: version,
                            dynamicSdkLoaderOptions: loader, rotation: rotation, outputName: outputName)
    }

    /// The node a rule of `ClientKeyRules` is about (`rateLimit.window` -> that value).
    private func place(of field: String, in fields: Node.Mapping, limit: Node?, body: Node) -> (Node?, String) {
        let parts = field.split(separator: ".").map(String.init)
        if parts.count == 2, parts[0] == "rateLimit" { return (limit?.mapping?[parts[1]] ?? limit, field) }
        return (fields[field] ?? body, field)
    }

    // MARK: Typed reads

    private mutating func mapping(_ node: Node, _ path: String) -> Node.Mapping? {
        if let mapping = node.mapping { return mapping }
        problem(node, path.isEmpty ? nil : path, path.isEmpty ? "must be a mapping with app and keys" : "must be a mapping")
        return nil
    }

    private mutating func checkFields(_ mapping: Node.Mapping, allowed: [String], path: String) {
        for (name, _) in mapping {
            guard let text = name.scalar?.string else {
                problem(name, path.isEmpty ? nil : path, "has a field whose name is not text")
                continue
            }
            if !allowed.contains(text) {
                let prefix = path.isEmpty ? "" : path + "."
                problem(name, prefix + text, "is not a field here; the fields are \(allowed.joined(separator: ", "))")
            }
        }
    }

    private mutating func requiredString(_ mapping: Node.Mapping, _ name: String, path: String) -> String? {
        guard mapping[name] != nil else {
            problem(Node.mapping(mapping), joined(path, name), "is missing")
            return nil
        }
        return optionalString(mapping, name, path: path)
    }

    private mutating func optionalString(_ mapping: Node.Mapping, _ name: String, path: String) -> String? {
        guard let node = mapping[name] else { return nil }
        guard let scalar = node.scalar, node.null == nil else {
            problem(node, joined(path, name), "must be text")
            return nil
        }
        return scalar.string
    }

    private mutating func integer(_ mapping: Node.Mapping, _ name: String, path: String) -> Int? {
        scalar(mapping, name, path: path, "must be a whole number", \.int)
    }

    private mutating func boolean(_ mapping: Node.Mapping, _ name: String, path: String) -> Bool? {
        scalar(mapping, name, path: path, "must be true or false", \.bool)
    }

    /// The field's value read as `read` reads it; a problem naming `rule` when it cannot be.
    private mutating func scalar<Value>(_ mapping: Node.Mapping, _ name: String, path: String, _ rule: String,
                                        _ read: (Node) -> Value?) -> Value? {
        guard let node = mapping[name] else { return nil }
        guard let value = read(node) else {
            problem(node, joined(path, name), "\(rule) (it is \(shown(node)))")
            return nil
        }
        return value
    }

    private func shown(_ node: Node) -> String {
        if let string = node.scalar?.string { return "\"\(string.count > 40 ? String(string.prefix(40)) + "…" : string)\"" }
        return node.sequence != nil ? "a list" : "a mapping"
    }

    private func joined(_ path: String, _ name: String) -> String {
        path.isEmpty ? name : path + "." + name
    }

    // MARK: Problems

    private mutating func problem(_ node: Node?, _ field: String?, _ rule: String) {
        problems.append(.init(line: node?.mark?.line, column: node?.mark?.column, field: field, rule: rule))
    }

    private mutating func problem(at line: Int?, _ column: Int?, _ rule: String) {
        problems.append(.init(line: line, column: column, field: nil, rule: rule))
    }

    private mutating func syntaxProblem(_ error: YamlError) {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            self.problem(at: mark.line, mark.column, "is not valid YAML: \(problem)")
        case .reader(let problem, _, _, _):
            self.problem(at: nil, nil, "cannot be read as text: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            self.problem(at: context.mark.line, context.mark.column,
                         "has \(duplicates.map { "`\($0)`" }.joined(separator: ", ")) more than once in one mapping; ids and fields must be unique")
        default:
            // The other cases are the emitter's and the allocator's; none carries the text.
            problem(at: nil, nil, "is not valid YAML (\(error))")
        }
    }
}
