import ArgumentParser
import SentryAPI
import SentryResources
import Yams

/// `sentry-sdk output`: the stack's keys' outputs (DSNs and the rest), for people, scripts,
/// `.env` files and Kubernetes.
struct OutputCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "output", abstract: "Print the outputs of the manifest's keys: DSNs, ids, settings.",
        discussion: """
        Reads the server (one listing per project) and changes nothing. env prints NAME_DSN=... \
        lines (names from the key id in upper snake case, or the key's outputName); k8s-secret \
        prints a Kubernetes Secret with the same names under stringData. Secret DSNs and key \
        secrets only with --show-secrets.

        Examples:
          sentry-sdk output
          sentry-sdk output web --format env > .env
          sentry-sdk output --format k8s-secret --name sentry-dsns | kubectl apply -f -
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json, env
        case k8sSecret = "k8s-secret"
    }

    @OptionGroup var manifest: ManifestOptions
    @Option(help: "table, json, env (a .env file) or k8s-secret (a Kubernetes Secret manifest).")
    var format: Format = .table
    @Option(help: "The Secret's name (with --format k8s-secret); <app>-<stage>-sentry-keys when absent.")
    var name: String?
    @Flag(help: "Include secret DSNs and key secrets.")
    var showSecrets = false
    @Argument(help: "The keys (their ids in the manifest); every key when none is given.")
    var keys: [String] = []

    func validate() throws {
        if let name, !Self.isResourceName(name) {
            throw ValidationError("--name must be a Kubernetes name: lower-case letters, digits, '-' and '.', at most 253, starting and ending with a letter or digit.")
        }
    }

    func run() async throws {
        let declared = try manifest.load()
        let unknown = keys.filter { id in !declared.keys.contains { $0.id == id } }
        if !unknown.isEmpty {
            throw CLIError.usage("\(manifest.file) declares no key \(unknown.joined(separator: ", ")); its keys are \(declared.keys.map(\.id).joined(separator: ", ")).")
        }
        let stack = try manifest.stack(for: declared, mode: .plan)
        let run = try await stack.run(declared, lockTimeout: manifest.lockDuration)
        let chosen = run.keys.filter { keys.isEmpty || keys.contains($0.declaration.id) }
        let missing = chosen.filter(\.outputs.isPlanned).map(\.declaration.id)
        if !missing.isEmpty {
            throw CLIError.notFound("Not created yet: \(missing.joined(separator: ", ")); run sentry-sdk apply first.")
        }
        switch format {
        case .table: table(chosen)
        case .json: print(Output.json(chosen.map { KeyOutputs($0, showSecrets: showSecrets) }))
        case .env: Output.printEnvironment(variables(chosen))
        case .k8sSecret: print(try secret(chosen, name: name ?? Self.defaultName(app: stack.app, stage: stack.stage)), terminator: "")
        }
    }

    private func table(_ keys: [ManifestRun.Key]) {
        Output.table([["KEY", "NAME", "PROJECT", "ACTIVE", "DSN"]] + keys.map {
            [$0.declaration.id, $0.outputs.name, $0.declaration.project, $0.outputs.isActive ? "yes" : "no", $0.outputs.dsn.public]
        })
    }

    /// `WEB_DSN` and, with `--show-secrets`, `WEB_SECRET_DSN` and `WEB_SECRET`, in key order.
    private func variables(_ keys: [ManifestRun.Key]) -> [(String, String)] {
        keys.flatMap { key in
            Output.variables(prefix: key.declaration.outputName, dsn: key.outputs.dsn.public, secretDSN: key.outputs.dsn.secret?.revealed,
                             secret: key.outputs.secret?.revealed, showSecrets: showSecrets)
        }
    }

    /// A Kubernetes Secret (v1, Opaque) with the variables under `stringData`.
    private func secret(_ keys: [ManifestRun.Key], name: String) throws -> String {
        let data = Node.Mapping(variables(keys).map { (Node($0), Node($1)) })
        let document: Node = [
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": ["name": Node(name)],
            "type": "Opaque",
            "stringData": .mapping(data),
        ]
        return try Yams.serialize(node: document)
    }

    /// `shop-prod-sentry-keys`, made a valid Kubernetes name.
    static func defaultName(app: String, stage: String) -> String {
        var name = String("\(app)-\(stage)-sentry-keys".lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." ) ? $0 : "-" })
        while name.first.map({ !$0.isLetter && !$0.isNumber }) ?? false { name.removeFirst() }
        return String(name.prefix(253))
    }

    static func isResourceName(_ name: String) -> Bool {
        guard (1...253).contains(name.count), let first = name.first, let last = name.last,
              first.isASCII && (first.isLowercase || first.isNumber), last.isASCII && (last.isLowercase || last.isNumber) else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == ".") }
    }
}

/// A key's outputs as `output --format json` prints them.
struct KeyOutputs: Encodable {
    var id: String
    var keyId: String
    var name: String
    var label: String
    var organization: String
    var project: String
    var projectId: Int
    var `public`: String
    var secret: String?
    var isActive: Bool
    var rateLimit: RateLimit?
    var dsn: ProjectKeyDSN
    var browserSdkVersion: String?
    var dateCreated: DateTime?
    var dynamicSdkLoaderOptions: DynamicSDKLoaderOptions?
    var outputName: String

    init(_ key: ManifestRun.Key, showSecrets: Bool) {
        let outputs = key.outputs
        id = key.declaration.id
        keyId = outputs.id
        name = outputs.name
        label = outputs.label
        organization = key.declaration.organization
        project = key.declaration.project
        projectId = outputs.projectId
        `public` = outputs.public
        secret = showSecrets ? outputs.secret?.revealed : nil
        isActive = outputs.isActive
        rateLimit = outputs.rateLimit
        dsn = outputs.dsn.addresses
        dsn.secret = showSecrets ? outputs.dsn.secret?.revealed : nil
        browserSdkVersion = outputs.browserSdkVersion
        dateCreated = outputs.dateCreated
        dynamicSdkLoaderOptions = outputs.dynamicSdkLoaderOptions
        outputName = key.declaration.outputName
    }
}
