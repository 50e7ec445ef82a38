import ArgumentParser
import Foundation
import SentryAPI
import SentrySandboxServer

/// `sentry-sdk sandbox serve`: runs the sandbox in the foreground until Ctrl-C.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the sandbox on 127.0.0.1 until interrupted.",
        discussion: """
        Seeds the organizations and projects named (my-org and my-project when none are), \
        accepts the tokens given (or a random one it prints), and answers with Sentry's paths, \
        status codes, bodies, pagination and rate limits. Each new project gets a key named \
        "Default", as on Sentry. DSNs point at the sandbox, which takes events on Sentry's \
        ingest endpoints (/api/PROJECT_ID/envelope/ and /store/) as Relay does: accepted for \
        an active key, refused for an unknown or inactive one, 429 over the key's rate limit.

        Examples:
          sentry-sdk sandbox serve --port 9000 --org my-org --project my-project --token T
          sentry-sdk sandbox serve --org acme --project acme/web --project acme/api --state sandbox.json
          sentry-sdk sandbox serve --rate-limit 40
          sentry-sdk sandbox serve --rate-limit 40 --seed-projects 1000 --keys-per-project 3
        """
    )

    @Option(help: "The port to listen on; 0 picks a free one.")
    var port = 9000

    @Option(name: .customLong("org"), help: "An organization slug to create (repeatable).")
    var organizations: [String] = []

    @Option(name: .customLong("project"), help: "A project slug to create, as PROJECT (in every --org) or ORG/PROJECT (repeatable).")
    var projects: [String] = []

    @Option(name: .customLong("token"), help: "An auth token to accept, with every scope (repeatable).")
    var tokens: [String] = []

    @Option(help: "A JSON file that keeps the sandbox's keys across restarts (created with mode 0600).")
    var state: String?

    @Option(help: "Requests per second allowed per token and endpoint, as on sentry.io (40); none when absent.")
    var rateLimit: Int?

    @Flag(help: "Serve HTTPS, with a certificate authority made for this run (written to --ca-file), or with --cert and --key.")
    var tls = false

    @Option(help: "With --tls: where the certificate authority's PEM is written, for clients to trust (default: sentry-sandbox-ca.pem next to --state, else in the current directory).")
    var caFile: String?

    @Option(help: ArgumentHelp("With --tls: serve this PEM certificate chain instead of a new one (with --key).", valueName: "file"))
    var cert: String?

    @Option(help: ArgumentHelp("With --cert: the certificate's PEM private key.", valueName: "file"))
    var key: String?

    /// Where the certificate clients trust is: the one given, or the authority written for this run.
    var trustFile: String {
        if let cert { return cert }
        if let caFile { return caFile }
        guard let state else { return "sentry-sandbox-ca.pem" }
        return URL(fileURLWithPath: state).deletingLastPathComponent().appendingPathComponent("sentry-sandbox-ca.pem").path
    }

    @Option(help: "Where DSNs point, instead of the sandbox's own ingest endpoints; {organization_id} is replaced by the organization's id.")
    var ingestURL: String?

    @Option(help: ArgumentHelp("Add this many projects (project-1, project-2, ...) to the first organization, for load tests and audits at scale.", valueName: "count"))
    var seedProjects: Int?

    @Option(help: ArgumentHelp("With --seed-projects: the keys each of those projects gets (Key 1, Key 2, ...); 1 when absent.", valueName: "count"))
    var keysPerProject: Int?

    @Flag(help: "Create projects without the key named \"Default\" that Sentry gives every new project.")
    var noDefaultKey = false

    @Option(help: "Which server to behave as: sentry, or compatible-server (a Sentry-compatible open-source server's key shapes, ids, pages and errors).")
    var profile: SandboxProfile = .sentry

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        if let rateLimit, rateLimit < 1 { throw ValidationError("--rate-limit must be at least 1.") }
        if let seedProjects, seedProjects < 1 { throw ValidationError("--seed-projects must be at least 1.") }
        if let keysPerProject, keysPerProject < 0 { throw ValidationError("--keys-per-project must not be negative.") }
        if keysPerProject != nil, seedProjects == nil { throw ValidationError("--keys-per-project goes with --seed-projects.") }
        if (cert == nil) != (key == nil) { throw ValidationError("--cert and --key go together.") }
        if !tls, cert != nil || caFile != nil { throw ValidationError("--cert, --key and --ca-file need --tls.") }
        if cert != nil, caFile != nil { throw ValidationError("--ca-file is for the certificate made for a run; with --cert, clients trust that file.") }
        for project in projects where project.split(separator: "/", omittingEmptySubsequences: false).contains(where: \.isEmpty)
            || project.split(separator: "/").count > 2 {
            throw ValidationError("--project '\(project)' must be PROJECT or ORG/PROJECT.")
        }
    }

    /// Organization -> projects, from the flags.
    var seed: [(organization: String, projects: [String])] {
        var organizations = self.organizations
        var projects = self.projects
        if organizations.isEmpty && projects.allSatisfy({ !$0.contains("/") }) {
            organizations = ["my-org"]
            if projects.isEmpty { projects = ["my-project"] }
        }
        var seed = organizations.map { organization in
            (organization, projects.filter { !$0.contains("/") })
        }
        for qualified in projects where qualified.contains("/") {
            let parts = qualified.split(separator: "/").map(String.init)
            if let index = seed.firstIndex(where: { $0.0 == parts[0] }) {
                seed[index].1.append(parts[1])
            } else {
                seed.append((parts[0], [parts[1]]))
            }
        }
        return seed
    }

    func run() async throws {
        let tokens = self.tokens.isEmpty ? ["sandbox-" + UUID().uuidString.lowercased()] : self.tokens
        let sandbox = try Sandbox(configuration: SandboxConfiguration(
            seed: seed,
            tokens: tokens.map { SandboxToken($0) },
            ingestURL: ingestURL,
            defaultKeys: !noDefaultKey,
            rateLimit: rateLimit.map { SandboxRateLimit(requests: $0, window: 1) },
            stateFile: state.map { URL(fileURLWithPath: $0) },
            profile: profile
        ))
        if let seedProjects, let organization = seed.first?.organization {
            try await sandbox.seed(organization: organization, projects: seedProjects, keysPerProject: keysPerProject ?? 1)
        }
        var certificates: SandboxTLS?
        if tls, let cert, let key {
            certificates = try SandboxTLS.files(certificate: URL(fileURLWithPath: cert), privateKey: URL(fileURLWithPath: key))
        } else if tls {
            certificates = try SandboxTLS.selfSigned()
            try certificates!.authorityPEM.write(toFile: trustFile, atomically: true, encoding: .utf8)
        }
        let server = try await SandboxServer.start(sandbox, port: port, tls: certificates, stopsOnInterrupt: true)

        print("Sentry sandbox listening on \(server.url)")
        for (index, (organization, projects)) in seed.enumerated() {
            var listed = projects
            if index == 0, let seedProjects {
                let keys = keysPerProject ?? 1
                listed.append("project-1 ... project-\(seedProjects) (\(counted(keys, "key")) each)")
            }
            print("  organization \(organization): \(listed.isEmpty ? "no projects" : listed.joined(separator: ", "))")
        }
        print("  token\(tokens.count == 1 ? "" : "s"): \(tokens.joined(separator: ", "))")
        if ingestURL == nil { print("  events: DSNs point here; GET \(server.url)/_sandbox/events/ lists what arrived") }
        if profile != .sentry { print("  profile: \(profile.rawValue)") }
        if tls { print("  certificate authority: \(trustFile) (curl --cacert \(trustFile); sentry-sdk --ca-certificate \(trustFile))") }
        if let (organization, projects) = seed.first, let project = projects.first {
            print("Try: curl\(tls ? " --cacert \(trustFile)" : "") -H 'Authorization: Bearer \(tokens[0])' \(server.url)/api/0/projects/\(organization)/\(project)/keys/")
        }
        print("Press Ctrl-C to stop.")
        fflush(nil)
        try await server.wait()
        print("Stopped.")
    }
}

extension SandboxProfile: ExpressibleByArgument {}
