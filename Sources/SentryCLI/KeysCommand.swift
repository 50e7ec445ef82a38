import ArgumentParser
import CommandLineSupport
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import SentryAPI
import SentryResources

/// `sentry-sdk keys ...`: a project's client keys.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list, show, change and delete a project's client keys (DSNs).",
        discussion: """
        Exit codes: 0 success, 1 API or network error, 2 bad usage or input, \
        3 authentication or permission, 4 not found.
        """,
        subcommands: [CreateKey.self, ListKeys.self, GetKey.self, UpdateKey.self, DeleteKey.self]
    )
}

/// Rate-limit flags, checked together before any request.
struct RateLimitOptions: ParsableArguments {
    @Option(help: "Rate-limit window in seconds (0...86400); needs --rate-limit-count.")
    var rateLimitWindow: Int?

    @Option(help: "Events allowed per window (0 or more); needs --rate-limit-window.")
    var rateLimitCount: Int?

    var rateLimit: RateLimit? {
        guard let rateLimitWindow, let rateLimitCount else { return nil }
        return RateLimit(window: rateLimitWindow, count: rateLimitCount)
    }
}

/// Checks props with the SDK's own rules; the first problem is a usage error.
func check(_ target: (organization: String, project: String), name: String?, rateLimit: RateLimitOptions, useCase: UseCase? = nil) throws {
    let problems = ClientKeyRules.problems(
        organization: target.organization, project: target.project, name: name,
        rateLimitWindow: rateLimit.rateLimitWindow, rateLimitCount: rateLimit.rateLimitCount, useCase: useCase
    )
    if let problem = problems.first {
        throw CLIError.usage(problem.description.replacing("`rateLimit.window`", with: "`--rate-limit-window`")
            .replacing("`rateLimit.count`", with: "`--rate-limit-count`").replacing("`useCase`", with: "`--use-case`")
            .replacing("`name`", with: "`--name`"))
    }
}

/// Runs a command body, turning every failure into one sentence on stderr and its exit code.
func perform(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as CLIError {
        writeToStandardError("error: \(error.description)\n")
        throw ExitCode(error.exitCode)
    } catch let error as SentryError {
        let failure = CLIError(error)
        writeToStandardError("error: \(failure.description)\n")
        throw ExitCode(failure.exitCode)
    }
}

struct CreateKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a client key.",
        discussion: """
        Examples:
          sentry-sdk keys create --org my-org --project web --name "Web"
          sentry-sdk keys create --org my-org --project web --name "Web" --rate-limit-window 3600 --rate-limit-count 1000
          sentry-sdk keys create --sandbox --org my-org --project my-project --name "My Key"
        """
    )

    @OptionGroup var options: GlobalOptions
    @Option(help: "The key's name, at most 64 characters (else Sentry picks one).")
    var name: String?
    @OptionGroup var limit: RateLimitOptions
    @Option(help: "user, profiling, escalating_issues, tempest or demo (Sentry honours it for superusers).")
    var useCase: String?
    @Flag(help: "Return the existing key of this name (from any page), updated to these options, instead of creating one.")
    var adopt = false

    func run() async throws {
        try await perform {
            let target = try options.target()
            try check(target, name: name, rateLimit: limit, useCase: useCase.map { UseCase(rawValue: $0) })
            let key = try await options.withClient { client in
                if adopt, let name {
                    var found: [ProjectKey] = []
                    for try await key in client.items(Operations.ListProjectKeys(organizationIdOrSlug: target.organization, projectIdOrSlug: target.project))
                    where key.name == name { found.append(key) }
                    if found.count > 1 {
                        throw CLIError.api("Cannot adopt \"\(name)\": \(found.count) keys have that name (\(found.map(\.id).joined(separator: ", "))).")
                    }
                    if let existing = found.first {
                        let update = UpdateProjectKeyRequest(rateLimit: limit.rateLimit.map { .value($0) })
                        guard update.rateLimit != nil else { return existing }
                        return try await applyUpdate(update, to: existing.id, target: target, client: client)
                    }
                }
                return try await client.send(Operations.CreateProjectKey(
                    organizationIdOrSlug: target.organization, projectIdOrSlug: target.project,
                    body: CreateProjectKeyRequest(name: name, rateLimit: limit.rateLimit, useCase: useCase.map { UseCase(rawValue: $0) })))
            }
            Output(options).key(key)
        }
    }
}

struct ListKeys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List a project's client keys (every page).",
        discussion: "Example:\n  sentry-sdk keys list --org my-org --project web --status active --format json"
    )

    @OptionGroup var options: GlobalOptions
    @Option(help: "active or inactive.")
    var status: KeyStatusArgument?

    func run() async throws {
        try await perform {
            let target = try options.target()
            let keys = try await options.withClient { client in
                var keys: [ProjectKey] = []
                for try await key in client.items(Operations.ListProjectKeys(
                    organizationIdOrSlug: target.organization, projectIdOrSlug: target.project, status: status.map { KeyStatus(rawValue: $0.rawValue) })) {
                    keys.append(key)
                }
                return keys
            }
            Output(options).keys(keys)
        }
    }
}

enum KeyStatusArgument: String, ExpressibleByArgument, CaseIterable { case active, inactive }

struct GetKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Show one client key.",
        discussion: "Example:\n  sentry-sdk keys get --org my-org --project web 60120449b6b1d5e45f75561e6dabd80b"
    )

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The key's id.")
    var keyID: String

    func run() async throws {
        try await perform {
            let target = try options.target()
            let key = try await options.withClient { client in
                try await client.send(Operations.GetProjectKey(organizationIdOrSlug: target.organization, projectIdOrSlug: target.project, keyId: keyID))
            }
            Output(options).key(key)
        }
    }
}

struct UpdateKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Change a client key; only the options given change.",
        discussion: """
        Examples:
          sentry-sdk keys update --org my-org --project web KEY_ID --name "Web (old)" --inactive
          sentry-sdk keys update --org my-org --project web KEY_ID --no-rate-limit
          sentry-sdk keys update --org my-org --project web KEY_ID --loader-option hasReplay=false
        """
    )

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The key's id.")
    var keyID: String
    @Option(help: "A new name, at most 64 characters.")
    var name: String?
    @OptionGroup var limit: RateLimitOptions
    @Flag(help: "Remove the key's rate limit.")
    var noRateLimit = false
    @Flag(help: "Accept events with this key.")
    var active = false
    @Flag(help: "Refuse events sent with this key.")
    var inactive = false
    @Option(help: "The JavaScript SDK version the loader serves (latest, 10.x, 9.x, 8.x, 7.x, ...).")
    var browserSdkVersion: String?
    @Option(help: "A loader option as NAME=true|false: hasReplay, hasPerformance, hasDebug, hasFeedback, hasLogsAndMetrics (repeatable).")
    var loaderOption: [String] = []

    func run() async throws {
        try await perform {
            let target = try options.target()
            try check(target, name: name, rateLimit: limit)
            if active && inactive { throw CLIError.usage("Invalid flags: --active and --inactive exclude each other.") }
            if noRateLimit && (limit.rateLimitWindow != nil || limit.rateLimitCount != nil) {
                throw CLIError.usage("Invalid flags: --no-rate-limit excludes --rate-limit-window and --rate-limit-count.")
            }
            var update = UpdateProjectKeyRequest(name: name, isActive: active ? true : inactive ? false : nil,
                                                 rateLimit: noRateLimit ? .null : limit.rateLimit.map { .value($0) },
                                                 browserSdkVersion: browserSdkVersion.map { BrowserSDKVersion(rawValue: $0) })
            if !loaderOption.isEmpty { update.dynamicSdkLoaderOptions = try Self.loaderOptions(loaderOption) }
            let key = try await options.withClient { client in
                try await applyUpdate(update, to: keyID, target: target, client: client)
            }
            Output(options).key(key)
        }
    }

    static func loaderOptions(_ pairs: [String]) throws -> DynamicSDKLoaderOptions {
        var options = DynamicSDKLoaderOptions()
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let value = Bool(parts[1].lowercased()) else {
                throw CLIError.usage("Invalid --loader-option \"\(pair)\": write NAME=true or NAME=false.")
            }
            switch parts[0] {
            case "hasReplay": options.hasReplay = value
            case "hasPerformance": options.hasPerformance = value
            case "hasDebug": options.hasDebug = value
            case "hasFeedback": options.hasFeedback = value
            case "hasLogsAndMetrics": options.hasLogsAndMetrics = value
            default:
                throw CLIError.usage("Invalid --loader-option \"\(parts[0])\": use hasReplay, hasPerformance, hasDebug, hasFeedback or hasLogsAndMetrics.")
            }
        }
        return options
    }
}

/// Sends an update and checks that the server applied every field sent.
func applyUpdate(_ update: UpdateProjectKeyRequest, to keyID: String, target: (organization: String, project: String), client: SentryClient) async throws -> ProjectKey {
    let key = try await client.send(Operations.UpdateProjectKey(organizationIdOrSlug: target.organization, projectIdOrSlug: target.project, keyId: keyID, body: update))
    let ignored = update.fieldsNotApplied(in: key)
    guard ignored.isEmpty else {
        throw CLIError.api("The server accepted the update but did not apply \(ignored.joined(separator: ", ")); it may not support changing \(ignored.count == 1 ? "it" : "them").")
    }
    return key
}

struct DeleteKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete a client key for good.",
        discussion: "Example:\n  sentry-sdk keys delete --org my-org --project web KEY_ID"
    )

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The key's id.")
    var keyID: String

    func run() async throws {
        try await perform {
            let target = try options.target()
            _ = try await options.withClient { client in
                try await client.send(Operations.DeleteProjectKey(organizationIdOrSlug: target.organization, projectIdOrSlug: target.project, keyId: keyID))
            }
            if options.format == .json { print(#"{"deleted": "\#(keyID)"}"#) } else { print("Deleted \(keyID).") }
        }
    }
}
