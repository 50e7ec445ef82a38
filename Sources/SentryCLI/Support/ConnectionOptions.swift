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

/// Where requests go and with which token: the real API, or the sandbox in this process.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "The auth token (else SENTRY_AUTH_TOKEN, .env, ~/.sentryclirc).")
    var authToken: String?

    @Option(help: "The Sentry server, for self-hosted Sentry (else SENTRY_URL, else https://sentry.io).")
    var url: String?

    @Option(help: "The region's API host: us or de.")
    var region: SentryRegion?

    @Option(help: ArgumentHelp("A PEM file of the certificate authorities to trust instead of the system's, as curl's --cacert (a self-hosted Sentry behind a private CA, or sandbox serve --tls).", valueName: "file"))
    var caCertificate: String?

    @Flag(help: "Log each request (method, path, status, time) on stderr; secrets are never logged.")
    var verbose = false

    @Flag(help: "Run against a local sandbox in this process: no account or network needed.")
    var sandbox = false

    @Option(help: "The sandbox's state file (with --sandbox).")
    var sandboxState = ".sentry-sandbox.json"

    var logger: Logger {
        var logger = Logger(label: "sentry-sdk") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = verbose ? .debug : .error
        return logger
    }

    /// The API configuration, resolved before any request (a missing token fails here), and
    /// the in-process sandbox's transport with `--sandbox`, its organizations and projects
    /// seeded from `seed`.
    func resolve(seed: [(organization: String, projects: [String])]) throws -> (SentryConfiguration, SandboxTransport?) {
        if sandbox {
            let token = "sandbox-token"
            let engine = try Sandbox(configuration: SandboxConfiguration(
                seed: seed, tokens: [SandboxToken(token)],
                stateFile: URL(fileURLWithPath: sandboxState), publicURL: SandboxTransport.url))
            let configuration = SentryConfiguration(authToken: Secret(token), baseURL: URL(string: SandboxTransport.url)!, logger: logger)
            return (configuration, SandboxTransport(sandbox: engine))
        }
        var configuration = try SentryConfiguration.resolve(authToken: authToken.map { Secret($0) }, url: url, region: region)
        configuration.logger = logger
        if let caCertificate {
            guard FileManager.default.isReadableFile(atPath: caCertificate) else {
                throw CLIError.usage("--ca-certificate \(caCertificate) cannot be read: give a PEM file of certificate authorities.")
            }
            configuration.trustedCertificatesFile = caCertificate
        }
        return (configuration, nil)
    }

    /// A client for the real API or for the in-process sandbox; `body` runs with it.
    ///
    /// The process ends right after the command: a client of the real API is not shut down but
    /// kept until then, and its connection closes with the process (a graceful close only
    /// delays the exit, by starting a thread for its callback).
    func withClient<T: Sendable>(seed: [(organization: String, projects: [String])], _ body: (SentryClient) async throws -> T) async throws -> T {
        let (configuration, transport) = try resolve(seed: seed)
        let client = SentryClient(configuration: configuration, transport: transport)
        Self.keptUntilExit.withLock { $0.append(client) }
        return try await body(client)
    }

    /// Clients left open for the process to close (async-http-client expects a shutdown before
    /// a client is released).
    private static let keptUntilExit = Mutex<[SentryClient]>([])
}

extension SentryRegion: ExpressibleByArgument {}
