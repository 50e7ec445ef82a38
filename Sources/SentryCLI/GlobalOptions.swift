import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import SentryAPI
import SentrySandbox
import Synchronization

/// Options every `keys` command takes, after the subcommand as people type them.
struct GlobalOptions: ParsableArguments {
    @Option(help: "The auth token (else SENTRY_AUTH_TOKEN, .env, ~/.sentryclirc).")
    var authToken: String?

    @Option(help: "The Sentry server, for self-hosted Sentry (else SENTRY_URL, else https://sentry.io).")
    var url: String?

    @Option(help: "The region's API host: us or de.")
    var region: SentryRegion?

    @Option(help: "The organization slug (else SENTRY_ORG).")
    var org: String?

    @Option(help: "The project slug (else SENTRY_PROJECT).")
    var project: String?

    @Option(help: "table for people, json for scripts.")
    var format: OutputFormat = .table

    @Flag(help: "Show key secrets in tables instead of masking them.")
    var showSecrets = false

    @Flag(help: "Log each request (method, path, status, time) on stderr; secrets are never logged.")
    var verbose = false

    @Flag(help: "Run against a local sandbox in this process: no account or network needed.")
    var sandbox = false

    @Option(help: "The sandbox's state file (with --sandbox).")
    var sandboxState = ".sentry-sandbox.json"

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The organization and project, from the flags or sentry-cli's variables.
    func target() throws -> (organization: String, project: String) {
        let organization = org ?? environment["SENTRY_ORG"] ?? ""
        let project = project ?? environment["SENTRY_PROJECT"] ?? ""
        if organization.isEmpty { throw CLIError.usage("Missing the organization: pass --org or set SENTRY_ORG.") }
        if project.isEmpty { throw CLIError.usage("Missing the project: pass --project or set SENTRY_PROJECT.") }
        return (organization, project)
    }

    /// A client for the real API or for the in-process sandbox; `body` runs with it.
    ///
    /// The process ends right after the command: a client of the real API is not shut down but
    /// kept until then, and its connection closes with the process (a graceful close only
    /// delays the exit, by starting a thread for its callback).
    func withClient<T: Sendable>(_ body: (SentryClient) async throws -> T) async throws -> T {
        let client = try makeClient()
        Self.keptUntilExit.withLock { $0.append(client) }
        return try await body(client)
    }

    /// Clients left open for the process to close (async-http-client expects a shutdown before
    /// a client is released).
    private static let keptUntilExit = Mutex<[SentryClient]>([])

    private func makeClient() throws -> SentryClient {
        var logger = Logger(label: "sentry-sdk") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = verbose ? .debug : .error
        if sandbox {
            let (organization, project) = try target()
            let token = "sandbox-token"
            let engine = try Sandbox(configuration: SandboxConfiguration(
                seed: [(organization, [project])], tokens: [SandboxToken(token)],
                stateFile: URL(fileURLWithPath: sandboxState), publicURL: InProcessSandbox.url))
            let configuration = SentryConfiguration(authToken: Secret(token), baseURL: URL(string: InProcessSandbox.url)!, logger: logger)
            return SentryClient(configuration: configuration, transport: InProcessSandbox(sandbox: engine))
        }
        var configuration: SentryConfiguration
        do {
            configuration = try SentryConfiguration.resolve(authToken: authToken.map { Secret($0) }, url: url, region: region)
        } catch {
            throw CLIError.authentication(error.description)
        }
        configuration.logger = logger
        return SentryClient(configuration: configuration)
    }
}

/// The transport of `--sandbox`: each request goes straight to the sandbox's engine in this
/// process, with no socket or server between them. The engine writes its state file after
/// each change.
struct InProcessSandbox: HTTPTransport {
    /// The address the client and the sandbox's `Link` headers use; nothing listens there.
    static let url = "http://sandbox.invalid"

    let sandbox: Sandbox

    func send(_ request: TransportRequest) async throws(TransportFailure) -> TransportResponse {
        // The target is what follows the scheme and host: `/api/0/...?query`.
        let afterScheme = request.url.firstRange(of: "://").map { request.url[$0.upperBound...] } ?? request.url[...]
        let target = afterScheme.firstIndex(of: "/").map { String(afterScheme[$0...]) } ?? "/"
        var headers: [String: String] = [:]
        for (name, value) in request.headers { headers[name] = value }
        let answer = await sandbox.handle(SandboxRequest(method: request.method, target: target, headers: headers, body: request.body ?? Data()))
        if answer.delivery == .dropConnection { throw .answerLost("the sandbox dropped the request") }
        var fields: [String: String] = [:]
        for (name, value) in answer.headers where fields[name.lowercased()] == nil { fields[name.lowercased()] = value }
        return TransportResponse(status: answer.status, headers: fields, body: answer.body)
    }

    func shutdown() async throws {}
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case table, json
}

extension SentryRegion: ExpressibleByArgument {}

/// A failure with its exit code: 1 API or network, 2 bad usage or input, 3 authentication or
/// permission, 4 not found.
enum CLIError: Error, CustomStringConvertible {
    case usage(String)
    case authentication(String)
    case notFound(String)
    case api(String)

    var description: String {
        switch self {
        case .usage(let text), .authentication(let text), .notFound(let text), .api(let text): text
        }
    }

    var exitCode: Int32 {
        switch self {
        case .api: 1
        case .usage: 2
        case .authentication: 3
        case .notFound: 4
        }
    }

    init(_ error: SentryError) {
        switch error.kind {
        case .unauthorized, .forbidden: self = .authentication(error.description)
        case .notFound: self = .notFound(error.description)
        case .validation: self = .usage(error.description)
        default: self = .api(error.description)
        }
    }
}
