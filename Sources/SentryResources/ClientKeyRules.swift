import SentryAPI

/// A prop of a resource that breaks one of Sentry's rules, found before any request is sent.
public struct InvalidProp: Error, Sendable, Hashable, CustomStringConvertible {
    /// The prop, as the user wrote it (`rateLimit.window`).
    public var field: String
    /// The rule it breaks, as a sentence fragment (`must be at most 86400`).
    public var rule: String

    /// An error naming the field and the rule it breaks.
    public init(field: String, rule: String) {
        self.field = field
        self.rule = rule
    }

    public var description: String { "`\(field)` \(rule)." }
}

/// Sentry's limits on client keys, checked on the client so that bad input never costs a
/// request. The limits are the spec's (`Spec/sentry.yaml`), through the generated models' rules.
public enum ClientKeyRules {
    /// The longest name Sentry accepts.
    public static var maximumNameLength: Int? { CreateProjectKeyRequest.rules["name"]?.maxLength }

    /// Checks the props a client key is declared with; returns every problem, in prop order.
    public static func problems(
        organization: String, project: String, name: String?, rateLimitWindow: Int?, rateLimitCount: Int?,
        useCase: UseCase? = nil, browserSdkVersion: BrowserSDKVersion? = nil
    ) -> [InvalidProp] {
        var problems: [InvalidProp] = []
        if organization.allSatisfy(\.isWhitespace) {
            problems.append(InvalidProp(field: "organization", rule: "must not be empty"))
        }
        if project.allSatisfy(\.isWhitespace) {
            problems.append(InvalidProp(field: "project", rule: "must not be empty"))
        }
        switch (rateLimitWindow, rateLimitCount) {
        case (_?, nil):
            problems.append(InvalidProp(field: "rateLimit.count", rule: "must be set when rateLimit.window is"))
        case (nil, _?):
            problems.append(InvalidProp(field: "rateLimit.window", rule: "must be set when rateLimit.count is"))
        default:
            break
        }
        // The spec's rules, on the request a create would send; a rate-limit number given
        // without the other is checked alone, beside the problem reported above.
        let limit = rateLimitWindow.flatMap { window in rateLimitCount.map { RateLimit(window: window, count: $0) } }
        problems += CreateProjectKeyRequest(name: name, rateLimit: limit, useCase: useCase).validate().map(InvalidProp.init)
        if limit == nil {
            if let rateLimitWindow { problems += RateLimit.validate(rateLimitWindow, as: "window", prefix: "rateLimit.").map(InvalidProp.init) }
            if let rateLimitCount { problems += RateLimit.validate(rateLimitCount, as: "count", prefix: "rateLimit.").map(InvalidProp.init) }
        }
        problems += UpdateProjectKeyRequest(browserSdkVersion: browserSdkVersion).validate().map(InvalidProp.init)
        return problems
    }
}

extension InvalidProp {
    /// The problem a broken rule of the spec is.
    public init(_ violation: RuleViolation) {
        self.init(field: violation.field, rule: violation.requirement)
    }
}
