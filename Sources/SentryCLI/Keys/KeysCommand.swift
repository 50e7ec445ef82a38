import ArgumentParser
import SentryAPI
import SentryResources

/// `sentry-sdk keys ...`: a project's client keys, one command at a time.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list, show, change and delete a project's client keys (DSNs).",
        discussion: """
        Exit codes: 0 success, 1 API or network error, 2 bad usage or input, \
        3 authentication or permission, 4 not found.
        """,
        subcommands: [CreateKeyCommand.self, ListKeysCommand.self, GetKeyCommand.self, UpdateKeyCommand.self, RotateKeyCommand.self, DeleteKeyCommand.self]
    )
}

/// The options every `keys` command takes, after the subcommand as people type them.
struct KeyCommandOptions: ParsableArguments {
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var target: ProjectOptions
    @OptionGroup var output: OutputOptions

    /// The project's keys, through the real API or the in-process sandbox.
    func withKeys<T: Sendable>(_ body: (ProjectKeys) async throws -> T) async throws -> T {
        let (organization, project) = try target.target()
        return try await connection.withClient(seed: [(organization, [project])]) { client in
            try await body(ProjectKeys(organization: organization, project: project, client: client))
        }
    }
}

/// Rate-limit flags, checked together before any request.
struct RateLimitOptions: ParsableArguments {
    @Option(help: "Rate-limit window in seconds (\(rangeText(RateLimit.rules["window"]))); needs --rate-limit-count.")
    var rateLimitWindow: Int?

    @Option(help: "Events allowed per window (\(rangeText(RateLimit.rules["count"]))); needs --rate-limit-window.")
    var rateLimitCount: Int?

    var rateLimit: RateLimit? {
        guard let rateLimitWindow, let rateLimitCount else { return nil }
        return RateLimit(window: rateLimitWindow, count: rateLimitCount)
    }
}

/// A number's range from the spec's rules, for help texts: `0...86400`, `0 or more`.
func rangeText(_ rules: [Rule]?) -> String {
    switch (rules?.minimum, rules?.maximum) {
    case let (low?, high?): "\(low)...\(high)"
    case let (low?, nil): "\(low) or more"
    case let (nil, high?): "at most \(high)"
    case (nil, nil): "any number"
    }
}

/// The longest name Sentry takes, for help texts.
let nameLengthText = ClientKeyRules.maximumNameLength.map { "at most \($0) characters" } ?? "any length"

/// Checks props with the SDK's own rules; the first problem is a usage error naming the flag.
func check(_ options: KeyCommandOptions, name: String?, rateLimit: RateLimitOptions, useCase: UseCase? = nil,
           browserSdkVersion: BrowserSDKVersion? = nil) throws {
    let (organization, project) = try options.target.target()
    let problems = ClientKeyRules.problems(
        organization: organization, project: project, name: name,
        rateLimitWindow: rateLimit.rateLimitWindow, rateLimitCount: rateLimit.rateLimitCount, useCase: useCase,
        browserSdkVersion: browserSdkVersion
    )
    guard let problem = problems.first else { return }
    let flags = ["rateLimit.window": "--rate-limit-window", "rateLimit.count": "--rate-limit-count", "useCase": "--use-case", "name": "--name",
                 "browserSdkVersion": "--browser-sdk-version"]
    var text = problem.description
    for (field, flag) in flags { text = text.replacing("`\(field)`", with: "`\(flag)`") }
    throw CLIError.usage(text)
}
