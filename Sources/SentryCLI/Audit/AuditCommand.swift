import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SentryAPI
import SentryResources

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `sentry-sdk audit`: every key of an organization, and what is risky or untracked about it.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Report risky and untracked client keys across an organization (reads only).",
        discussion: """
        Lists every project of the organization (or the --project ones) and every key of each, \
        as fast as Sentry's rate limit allows, and reports findings by code: \
        \(AuditFinding.Code.allCases.map(\.rawValue).joined(separator: ", ")). \
        unmanaged and managed-key-missing compare with the stacks of the state (--state, \
        SENTRY_SDK_STATE_URL, SENTRY_SDK_STATE_DIR or an existing .sentry-sdk); without one \
        they are not checked. Exit codes: 0 no finding at or above --fail-on, 2 some (or bad \
        usage), else as every command.

        Examples:
          sentry-sdk audit --org my-org
          sentry-sdk audit --org my-org --project web --project api --max-age 180d --format json
          sentry-sdk audit --org my-org --format sarif --fail-on warning > sentry-keys.sarif
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json, sarif
    }

    enum FailOn: String, ExpressibleByArgument, CaseIterable {
        case never, note, warning, error

        var severity: AuditFinding.Severity? { AuditFinding.Severity(rawValue: rawValue) }
    }

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The organization slug (else SENTRY_ORG).")
    var org: String?
    @Option(help: "A project to audit (repeatable); every project of the organization when none is given.")
    var project: [String] = []
    @Option(help: ArgumentHelp("Report keys created longer ago than this: 365d, 90d, 12h.", valueName: "period"))
    var maxAge = "365d"
    @Option(help: ArgumentHelp("Drop the findings of this code (repeatable).", valueName: "code"))
    var ignore: [String] = []
    @Option(help: "State whose stacks' keys count as managed: a directory or a postgres:// URL.")
    var state: String?
    @Option(help: "table for people, json for scripts, sarif for CI systems that show a linter's findings.")
    var format: Format = .table
    @Option(help: "Exit 2 when a finding is at or above: note, warning, error, or never.")
    var failOn: FailOn = .never
    @Option(help: ArgumentHelp("With --format sarif: the repository file each result points at, for code scanning services that place every finding in a file (GitHub's); sentry-keys.yaml when it is in the current directory.", valueName: "path"))
    var sarifFile: String?

    func validate() throws {
        guard let age = Rotation.period(maxAge), age > .zero else {
            throw ValidationError("--max-age must be a period longer than 0, such as 365d or 90d (it is \"\(maxAge)\").")
        }
        if let empty = project.firstIndex(where: { $0.allSatisfy(\.isWhitespace) }) {
            throw ValidationError("--project must not be empty (the \(empty + 1). one is).")
        }
        if let repeated = project.first(where: { name in project.count { $0 == name } > 1 }) {
            throw ValidationError("--project \(repeated) is given more than once.")
        }
        if let state, let directory = StateStores.directory(of: state), !FileManager.default.fileExists(atPath: directory.path) {
            throw ValidationError("--state \(state): there is no state directory there.")
        }
        let codes = AuditFinding.Code.allCases.map(\.rawValue)
        for code in ignore where !codes.contains(code) {
            throw ValidationError("--ignore \"\(code)\" is not a finding code; the codes are \(codes.joined(separator: ", ")).")
        }
    }

    func run() async throws {
        let organization = try organizationSlug(org)
        let managed = try await managedKeys()
        // Progress only for a person watching: stderr on a terminal.
        let showsProgress = isatty(2) == 1
        let report = try await connection.withClient(seed: [(organization, project)]) { client in
            let audit = OrganizationAudit(organization: organization, client: client, projects: project,
                                          maxAge: Rotation.period(maxAge)!, managedKeys: managed)
            return try await audit.run { progress in
                if showsProgress { writeToStandardError("\r\u{1B}[Kprojects \(progress.done)/\(progress.total)\(progress.totalIsFinal ? "" : "+")") }
            }
        }
        if showsProgress { writeToStandardError("\r\u{1B}[K") }
        let findings = report.findings.filter { !ignore.contains($0.code.rawValue) }
        switch format {
        case .table: table(report, findings)
        case .json: print(Output.json(AuditDocument(report: report, findings: findings, stateChecked: managed != nil)))
        case .sarif:
            let file = sarifFile ?? (FileManager.default.fileExists(atPath: ManifestOptions.defaultFile) ? ManifestOptions.defaultFile : nil)
            print(Output.json(SARIFLog(organization: organization, findings: findings, version: SentrySDKCommand.version, file: file)))
        }
        if let threshold = failOn.severity, findings.contains(where: { $0.severity >= threshold }) { throw ExitCode(2) }
    }

    /// The stacks' keys, from the state given or the environment's; `nil` when there is none.
    private func managedKeys() async throws -> [ManagedKey]? {
        guard state != nil || StateStores.environmentHasState() else { return nil }
        return try await ManagedKey.all(in: try openState(state))
    }

    /// Findings grouped by project, then a summary line.
    private func table(_ report: AuditReport, _ findings: [AuditFinding]) {
        var rows: [[String]] = [["PROJECT", "SEVERITY", "CODE", "KEY", "REASON"]]
        for finding in findings {
            let key = finding.keyId.map { id in finding.keyName.map { "\($0) (\(id))" } ?? id } ?? "-"
            rows.append([finding.project, finding.severity.rawValue, finding.code.rawValue, key, finding.reason])
        }
        if findings.isEmpty { print("No findings.") } else { Output.table(rows) }
        let keys = report.projects.reduce(0) { $0 + $1.keys }
        let counts = AuditFinding.Severity.allCases.reversed().map { severity in counted(findings.count { $0.severity == severity }, severity.rawValue) }
        print("\(counted(findings.count, "finding")) (\(counts.joined(separator: ", "))) in \(counted(keys, "key")) of \(counted(report.projects.count, "project")) of \(report.organization).")
    }
}

/// `audit --format json`: the report, with the findings left after `--ignore`.
struct AuditDocument: Encodable {
    var organization: String
    var projects: [AuditReport.Project]
    var findings: [AuditFinding]
    /// Whether the unmanaged and missing findings were checked against a state.
    var stateChecked: Bool

    init(report: AuditReport, findings: [AuditFinding], stateChecked: Bool) {
        organization = report.organization
        projects = report.projects
        self.findings = findings
        self.stateChecked = stateChecked
    }
}
