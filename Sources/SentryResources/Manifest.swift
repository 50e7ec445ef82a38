#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SentryAPI

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
