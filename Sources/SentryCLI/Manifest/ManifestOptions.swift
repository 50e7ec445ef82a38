import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SentryAPI
import SentryResources

/// The manifest, its stage, where its state lives and where requests go: what plan, apply,
/// destroy and output share.
struct ManifestOptions: ParsableArguments {
    /// The manifest's name when none is given.
    static let defaultFile = "sentry-keys.yaml"

    @Option(name: [.customShort("f"), .customLong("file")], help: "The manifest, YAML or JSON.")
    var file = defaultFile

    @Option(help: "The stage; overrides the manifest's, so that one file serves several stages.")
    var stage: String?

    @Option(help: "The state's location: a directory or a postgres:// URL (else SENTRY_SDK_STATE_URL, else SENTRY_SDK_STATE_DIR, else .sentry-sdk).")
    var state: String?

    @Option(help: "Seconds to wait for another run that holds the stack's lock.")
    var lockTimeout = 30

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if lockTimeout < 0 { throw ValidationError("--lock-timeout must not be negative.") }
        if let stage, stage.allSatisfy(\.isWhitespace) { throw ValidationError("--stage must not be empty.") }
    }

    /// The manifest, checked before anything else happens.
    func load() throws -> Manifest {
        try Manifest(contentsOf: URL(fileURLWithPath: file))
    }

    /// The manifest's stack: its app, the stage given or the file's, the state and the
    /// connection resolved now (a missing token fails before any request).
    func stack(for manifest: Manifest, mode: Stack.Mode) throws -> Stack {
        guard let stage = stage ?? manifest.stage else {
            throw CLIError.usage("\(file) names no stage: add `stage:` to it or pass --stage.")
        }
        var projects: [(organization: String, projects: [String])] = []
        for key in manifest.keys {
            if let index = projects.firstIndex(where: { $0.organization == key.organization }) {
                if !projects[index].projects.contains(key.project) { projects[index].projects.append(key.project) }
            } else {
                projects.append((key.organization, [key.project]))
            }
        }
        let (configuration, transport) = try connection.resolve(seed: projects)
        return try Stack(app: manifest.app, stage: stage, mode: mode, store: try openState(state), logger: connection.logger,
                         configuration: { token in
                             var configuration = configuration
                             if let token { configuration.authToken = token }
                             return configuration
                         }, transport: transport)
    }

    var lockDuration: Duration { .seconds(lockTimeout) }
}
