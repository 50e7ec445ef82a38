import ArgumentParser
import SentryAPI
import SentryResources

/// `sentry-sdk keys create`: a new key, or with `--adopt` the existing one of that name.
struct CreateKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a client key.",
        discussion: """
        A create with --name whose answer was lost (a timeout, a dropped connection) is looked up \
        among the project's keys before it is sent again, so it never makes two keys; without \
        --name, a lost answer is an error and nothing is sent again.

        Examples:
          sentry-sdk keys create --org my-org --project web --name "Web"
          sentry-sdk keys create --org my-org --project web --name "Web" --rate-limit-window 3600 --rate-limit-count 1000
          sentry-sdk keys create --sandbox --org my-org --project my-project --name "My Key"
        """
    )

    @OptionGroup var options: KeyCommandOptions
    @Option(help: "The key's name, \(nameLengthText) (else Sentry picks one).")
    var name: String?
    @OptionGroup var limit: RateLimitOptions
    @Option(help: "\(UseCase.knownValues.map { $0.rawValue }.joined(separator: ", ")) (Sentry honours any but user for superusers only).")
    var useCase: String?
    @Flag(help: "Return the existing key of this name (from any page), updated to these options, instead of creating one.")
    var adopt = false

    func validate() throws {
        if adopt && name == nil { throw ValidationError("--adopt needs --name: a key is adopted by its name.") }
    }

    func run() async throws {
        let useCase = useCase.map { UseCase(rawValue: $0) }
        try check(options, name: name, rateLimit: limit, useCase: useCase)
        let key = try await options.withKeys { keys in
            if adopt, let name,
               let existing = try await keys.adopt(named: name, applying: UpdateProjectKeyRequest(rateLimit: limit.rateLimit.map { .value($0) })) {
                return existing
            }
            return try await keys.create(CreateProjectKeyRequest(name: name, rateLimit: limit.rateLimit, useCase: useCase))
        }
        Output(options.output).key(key)
    }
}
