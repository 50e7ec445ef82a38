#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SentryAPI
import Yams

/// Keys as code in a file (YAML, or JSON, which is YAML too): a stack's application, its
/// stage, and the client keys it declares, checked against Sentry's rules before any request.
///
/// ```yaml
/// app: shop
/// stage: prod
/// organization: my-org
/// keys:
///   web:
///     name: Web
///     project: web
///     rateLimit: {window: 3600, count: 1000}
/// ```
///
/// Run it with ``Stack/run(_:lockTimeout:)``, or plan and apply it with
/// ``Stack/apply(_:lockTimeout:confirm:)``.
public struct Manifest: Sendable {
    /// One declared key: the props of ``ClientKey/init(_:name:project:organization:rateLimit:useCase:authToken:adopt:isActive:browserSdkVersion:dynamicSdkLoaderOptions:rotation:rotateBefore:stack:)``.
    public struct Key: Sendable, Equatable {
        /// The key's id in the stack (its name in the file's `keys` mapping).
        public var id: String
        /// The key's name on the server; `<app>-<stage>-<id>` when absent.
        public var name: String?
        /// The slug of the project that owns the key.
        public var project: String
        /// The organization: the key's own, else the file's, else `SENTRY_ORG`.
        public var organization: String
        /// Events allowed per window; `nil` for none.
        public var rateLimit: RateLimit?
        /// The key's use case.
        public var useCase: UseCase?
        /// Whether an existing key of the same name is taken over on the first run.
        public var adopt: Bool
        /// Whether the key accepts events.
        public var isActive: Bool
        /// The JavaScript SDK version the loader serves.
        public var browserSdkVersion: BrowserSDKVersion?
        /// Loader features to turn on or off.
        public var dynamicSdkLoaderOptions: DynamicSDKLoaderOptions?
        /// When the key is replaced by a successor, and how the old key is retired.
        public var rotation: Rotation?
        /// The prefix of the key's output variables (`WEB` for `WEB_DSN`); from the id when absent.
        public var outputName: String

        /// A key with these props.
        public init(id: String, name: String? = nil, project: String, organization: String, rateLimit: RateLimit? = nil,
                    useCase: UseCase? = nil, adopt: Bool = false, isActive: Bool = true,
                    browserSdkVersion: BrowserSDKVersion? = nil, dynamicSdkLoaderOptions: DynamicSDKLoaderOptions? = nil,
                    rotation: Rotation? = nil, outputName: String? = nil) {
            self.id = id
            self.name = name
            self.project = project
            self.organization = organization
            self.rateLimit = rateLimit
            self.useCase = useCase
            self.adopt = adopt
            self.isActive = isActive
            self.browserSdkVersion = browserSdkVersion
            self.dynamicSdkLoaderOptions = dynamicSdkLoaderOptions
            self.rotation = rotation
            self.outputName = outputName ?? Self.outputName(forID: id)
        }

        /// The names of the key's output variables: the DSN, the secret DSN and the secret.
        public var outputVariables: [String] { Manifest.outputVariables(prefix: outputName) }

        /// `rate-limited-key` -> `RATE_LIMITED_KEY`: upper snake case, usable as a variable name.
        public static func outputName(forID id: String) -> String {
            var name = String(id.uppercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
            if name.first?.isNumber ?? true { name = "_" + name }
            return name
        }
    }

    /// The names of a key's output variables with this prefix: the DSN, the secret DSN and the
    /// secret (`WEB` gives `WEB_DSN`, `WEB_SECRET_DSN`, `WEB_SECRET`).
    public static func outputVariables(prefix: String) -> [String] {
        ["_DSN", "_SECRET_DSN", "_SECRET"].map { prefix + $0 }
    }

    /// Whether the text can name an environment variable: letters, digits and `_`, not starting
    /// with a digit.
    public static func isVariableName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || $0.isASCIIAlphanumeric }
    }

    /// The application the stack belongs to.
    public var app: String
    /// The stage, if the file names one (the command line can give or override it).
    public var stage: String?
    /// The keys, in the file's order.
    public var keys: [Key]

    /// A manifest with these parts.
    public init(app: String, stage: String? = nil, keys: [Key]) {
        self.app = app
        self.stage = stage
        self.keys = keys
    }

    /// Reads and checks a manifest file.
    ///
    /// - Parameters:
    ///   - file: the file; its path names it in errors.
    ///   - environment: where `SENTRY_ORG` is looked up for keys without an organization.
    /// - Throws: ``ManifestError`` with every problem found, each with its line and column.
    public init(contentsOf file: URL, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ManifestError) {
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw ManifestError(file: file.relativePath, problems: [.init(line: nil, column: nil, field: nil,
                rule: "cannot be read (\(Self.reason(error))); pass the manifest with -f FILE")])
        }
        try self.init(yaml: text, file: file.relativePath, environment: environment)
    }

    /// Parses and checks a manifest's text.
    ///
    /// - Parameters:
    ///   - yaml: the text, YAML or JSON.
    ///   - file: the name errors give.
    ///   - environment: where `SENTRY_ORG` is looked up.
    public init(yaml: String, file: String = "manifest", environment: [String: String] = ProcessInfo.processInfo.environment) throws(ManifestError) {
        var reader = ManifestReader(file: file, environment: environment)
        guard let manifest = reader.read(yaml), reader.problems.isEmpty else {
            // In the file's order, whatever order the checks found them in.
            let problems = reader.problems.enumerated().sorted { a, b in
                (a.element.line ?? 0, a.element.column ?? 0, a.offset) < (b.element.line ?? 0, b.element.column ?? 0, b.offset)
            }.map(\.element)
            throw ManifestError(file: file, problems: problems)
        }
        self = manifest
    }

    private static func reason(_ error: any Error) -> String {
        let text = "\(error)"
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}

/// A manifest that cannot be used: every problem, each with where it is and the rule it breaks.
public struct ManifestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One problem.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// The line, from 1 (`nil` for the file as a whole).
        public var line: Int?
        /// The column, from 1.
        public var column: Int?
        /// The field, as a path (`keys.web.rateLimit.window`).
        public var field: String?
        /// What is wrong, as a rule (`must be at most 86400 (it is 90000)`).
        public var rule: String

        /// A problem at a place.
        public init(line: Int?, column: Int?, field: String?, rule: String) {
            self.line = line
            self.column = column
            self.field = field
            self.rule = rule
        }

        public var description: String {
            (field.map { "`\($0)` " } ?? "") + rule
        }
    }

    /// The file, as it was given.
    public var file: String
    /// Every problem, in the file's order.
    public var problems: [Problem]

    /// An error for these problems.
    public init(file: String, problems: [Problem]) {
        self.file = file
        self.problems = problems
    }

    /// One line per problem: `file:line:column: field rule.`
    public var description: String {
        problems.map { problem in
            var place = file
            if let line = problem.line { place += ":\(line)" + (problem.column.map { ":\($0)" } ?? "") }
            return "\(place): \(problem)."
        }.joined(separator: "\n")
    }
}

/// The fields a manifest may have, with their meaning: what the reader accepts and what the
/// JSON Schema describes.
enum ManifestFields {
    static let top: [(name: String, help: String)] = [
        ("app", "The application the stack belongs to; with the stage it names the state."),
        ("stage", "The stage (prod, staging, ...); the command line's --stage overrides it."),
        ("organization", "The organization of every key that names none; SENTRY_ORG when absent."),
        ("keys", "The client keys, by their id in the stack."),
    ]

    static let key: [(name: String, help: String)] = [
        ("name", "The key's name on the server; <app>-<stage>-<id> when absent."),
        ("project", "The slug of the project that owns the key."),
        ("organization", "The organization's slug; the file's organization when absent."),
        ("rateLimit", "Events allowed per window; none when absent or null."),
        ("useCase", "The key's use case (Sentry honours it for superusers only)."),
        ("adopt", "Take over an existing key of the same name on the first run instead of creating one."),
        ("isActive", "Whether the key accepts events (default true)."),
        ("browserSdkVersion", "The JavaScript SDK version the loader serves (latest, 10.x, 9.x, ...)."),
        ("dynamicSdkLoaderOptions", "Loader features to turn on or off; unset ones are left alone."),
        ("rotation", "Replace the key with a successor every period ({every: 90d, grace: 7d, retire: 30d}); the old key stays active for grace, then is deactivated, and deleted retire later."),
        ("outputName", "The prefix of the key's output variables (WEB for WEB_DSN); from the id when absent."),
    ]
}

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
