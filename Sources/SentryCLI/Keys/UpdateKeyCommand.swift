import ArgumentParser
import SentryAPI
import SentryResources

/// `sentry-sdk keys update`: changes the fields given, and checks that the server applied them.
struct UpdateKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Change a client key; only the options given change.",
        discussion: """
        Examples:
          sentry-sdk keys update --org my-org --project web KEY_ID --name "Web (old)" --inactive
          sentry-sdk keys update --org my-org --project web KEY_ID --no-rate-limit
          sentry-sdk keys update --org my-org --project web KEY_ID --loader-option hasReplay=false
        """
    )

    @OptionGroup var options: KeyCommandOptions
    @Argument(help: "The key's id.")
    var keyID: String
    @Option(help: "A new name, \(nameLengthText).")
    var name: String?
    @OptionGroup var limit: RateLimitOptions
    @Flag(help: "Remove the key's rate limit.")
    var noRateLimit = false
    @Flag(help: "Accept events with this key.")
    var active = false
    @Flag(help: "Refuse events sent with this key.")
    var inactive = false
    @Option(help: "The JavaScript SDK version the loader serves: \(BrowserSDKVersion.knownValues.map { $0.rawValue }.joined(separator: ", ")).")
    var browserSdkVersion: String?
    @Option(help: ArgumentHelp("A loader option as NAME=true|false: \(DynamicSDKLoaderOptions.options.map(\.name).joined(separator: ", ")) (repeatable).",
                               valueName: "name=bool"))
    var loaderOption: [String] = []

    func run() async throws {
        try check(options, name: name, rateLimit: limit, browserSdkVersion: browserSdkVersion.map { BrowserSDKVersion(rawValue: $0) })
        if active && inactive { throw CLIError.usage("Invalid flags: --active and --inactive exclude each other.") }
        if noRateLimit && (limit.rateLimitWindow != nil || limit.rateLimitCount != nil) {
            throw CLIError.usage("Invalid flags: --no-rate-limit excludes --rate-limit-window and --rate-limit-count.")
        }
        var update = UpdateProjectKeyRequest(name: name, isActive: active ? true : inactive ? false : nil,
                                             rateLimit: noRateLimit ? .null : limit.rateLimit.map { .value($0) },
                                             browserSdkVersion: browserSdkVersion.map { BrowserSDKVersion(rawValue: $0) })
        if !loaderOption.isEmpty { update.dynamicSdkLoaderOptions = try Self.loaderOptions(loaderOption) }
        let key = try await options.withKeys { keys in try await keys.update(keyID, update) }
        Output(options.output).key(key)
    }

    static func loaderOptions(_ pairs: [String]) throws -> DynamicSDKLoaderOptions {
        var options = DynamicSDKLoaderOptions()
        let known = DynamicSDKLoaderOptions.options
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let value = Bool(parts[1].lowercased()) else {
                throw CLIError.usage("Invalid --loader-option \"\(pair)\": write NAME=true or NAME=false.")
            }
            guard let option = known.first(where: { $0.name == parts[0] }) else {
                throw CLIError.usage("Invalid --loader-option \"\(parts[0])\": use \(known.map(\.name).joined(separator: ", ")).")
            }
            options[keyPath: option.keyPath] = value
        }
        return options
    }
}
