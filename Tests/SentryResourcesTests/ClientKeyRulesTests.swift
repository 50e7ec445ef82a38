import SentryAPI
import SentryResources
import Testing

@Suite struct ClientKeyRulesTests {
    @Test func validPropsHaveNoProblems() {
        let problems = ClientKeyRules.problems(
            organization: "my-org", project: "web", name: "Web", rateLimitWindow: 3600, rateLimitCount: 1000, useCase: .profiling
        )
        #expect(problems.isEmpty)
    }

    @Test func eachRuleNamesItsField() {
        let problems = ClientKeyRules.problems(
            organization: " ", project: "", name: String(repeating: "n", count: 65),
            rateLimitWindow: 86_401, rateLimitCount: -1, useCase: "telemetry"
        )
        #expect(problems.map(\.field) == ["organization", "project", "name", "rateLimit.window", "rateLimit.count", "useCase"])
        #expect(problems[2].description == "`name` must be at most 64 characters (it has 65).")
        #expect(problems[3].description == "`rateLimit.window` must be at most 86400 (it is 86401).")
    }

    @Test func windowAndCountComeTogether() {
        let windowOnly = ClientKeyRules.problems(organization: "o", project: "p", name: nil, rateLimitWindow: 60, rateLimitCount: nil)
        #expect(windowOnly == [InvalidProp(field: "rateLimit.count", rule: "must be set when rateLimit.window is")])
        let countOnly = ClientKeyRules.problems(organization: "o", project: "p", name: nil, rateLimitWindow: nil, rateLimitCount: 5)
        #expect(countOnly == [InvalidProp(field: "rateLimit.window", rule: "must be set when rateLimit.count is")])
        // A lone number is still checked against its own range.
        let badWindowOnly = ClientKeyRules.problems(organization: "o", project: "p", name: nil, rateLimitWindow: 90_000, rateLimitCount: nil)
        #expect(badWindowOnly.map(\.description) == ["`rateLimit.count` must be set when rateLimit.window is.",
                                                     "`rateLimit.window` must be at most 86400 (it is 90000)."])
        let badCountOnly = ClientKeyRules.problems(organization: "o", project: "p", name: nil, rateLimitWindow: nil, rateLimitCount: -2)
        #expect(badCountOnly.map(\.field) == ["rateLimit.window", "rateLimit.count"])
    }

    @Test func boundariesAreAllowed() {
        #expect(ClientKeyRules.problems(organization: "o", project: "p", name: String(repeating: "n", count: 64), rateLimitWindow: 86_400, rateLimitCount: 0).isEmpty)
        #expect(ClientKeyRules.problems(organization: "o", project: "p", name: nil, rateLimitWindow: 0, rateLimitCount: 0).isEmpty)
    }

    /// The rules are the spec's: the generated models' `rules` and enums' `knownValues`.
    @Test func rulesComeFromTheSpec() {
        #expect(ClientKeyRules.maximumNameLength == 64)
        #expect(RateLimit.rules["window"] == [.minimum(0), .maximum(86_400)])
        let version = ClientKeyRules.problems(organization: "o", project: "p", name: nil, rateLimitWindow: nil, rateLimitCount: nil,
                                              browserSdkVersion: "3.x")
        #expect(version.map(\.description) == ["`browserSdkVersion` must be one of \(BrowserSDKVersion.knownValues.map(\.rawValue).joined(separator: ", ")) (it is \"3.x\")."])
        #expect(DynamicSDKLoaderOptions.options.map(\.name) == ["hasReplay", "hasPerformance", "hasDebug", "hasFeedback", "hasLogsAndMetrics"])
    }
}
