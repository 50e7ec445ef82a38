import SentryAPI

/// A prop of a resource that breaks one of Sentry's rules, found before any request is sent.
public struct InvalidProp: Error, Sendable, Hashable, CustomStringConvertible {
    /// The prop, as the user wrote it (`rateLimit.window`).
    public var field: String
    /// The rule it breaks, as a sentence fragment (`must be between 0 and 86400`).
    public var rule: String

    /// An error naming the field and the rule it breaks.
    public init(field: String, rule: String) {
        self.field = field
        self.rule = rule
    }

    public var description: String { "`\(field)` \(rule)." }
}

/// Sentry's limits on client keys, checked on the client so that bad input never costs a
/// request (the server enforces the same rules, see `Spec/sentry.yaml`).
public enum ClientKeyRules {
    /// The longest name Sentry accepts.
    public static let maximumNameLength = 64
    /// The rate-limit windows Sentry accepts, in seconds (up to one day).
    public static let rateLimitWindowRange = 0...86_400

    /// Checks the props a client key is declared with; returns every problem, in prop order.
    public static func problems(
        organization: String, project: String, name: String?, rateLimitWindow: Int?, rateLimitCount: Int?,
        useCase: UseCase? = nil
    ) -> [InvalidProp] {
        var problems: [InvalidProp] = []
        if organization.allSatisfy(\.isWhitespace) {
            problems.append(InvalidProp(field: "organization", rule: "must not be empty"))
        }
        if project.allSatisfy(\.isWhitespace) {
            problems.append(InvalidProp(field: "project", rule: "must not be empty"))
        }
        if let name, name.count > maximumNameLength {
            problems.append(InvalidProp(field: "name", rule: "must be at most \(maximumNameLength) characters (it has \(name.count))"))
        }
        switch (rateLimitWindow, rateLimitCount) {
        case (_?, nil):
            problems.append(InvalidProp(field: "rateLimit.count", rule: "must be set when rateLimit.window is"))
        case (nil, _?):
            problems.append(InvalidProp(field: "rateLimit.window", rule: "must be set when rateLimit.count is"))
        default:
            break
        }
        if let window = rateLimitWindow, !rateLimitWindowRange.contains(window) {
            problems.append(InvalidProp(field: "rateLimit.window", rule: "must be between 0 and 86400 seconds (it is \(window))"))
        }
        if let count = rateLimitCount, count < 0 {
            problems.append(InvalidProp(field: "rateLimit.count", rule: "must not be negative (it is \(count))"))
        }
        if let useCase, !knownUseCases.contains(useCase) {
            problems.append(InvalidProp(field: "useCase", rule: "must be one of \(knownUseCases.map(\.rawValue).joined(separator: ", ")) (it is \"\(useCase.rawValue)\")"))
        }
        return problems
    }

    /// The JavaScript loader's options, by the name Sentry gives each.
    public static var loaderOptions: [(name: String, keyPath: WritableKeyPath<DynamicSDKLoaderOptions, Bool?>)] {[
        ("hasReplay", \.hasReplay), ("hasPerformance", \.hasPerformance), ("hasDebug", \.hasDebug),
        ("hasFeedback", \.hasFeedback), ("hasLogsAndMetrics", \.hasLogsAndMetrics),
    ]}

    /// The use cases Sentry's server accepts.
    public static let knownUseCases: [UseCase] = [.user, .profiling, .escalatingIssues, .tempest, .demo]
}
