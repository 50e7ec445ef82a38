import SentryResources

/// Audit findings as a SARIF 2.1.0 log: one run of the `sentry-sdk` tool, one rule per finding
/// code, one result per finding, located by the key's `organization/project/key` name (a
/// logical location: keys live on a server), and in a repository file when one is given, for
/// code scanning services that take only results placed in a file.
struct SARIFLog: Encodable {
    struct Run: Encodable {
        var tool: Tool
        var results: [Result]
    }

    struct Tool: Encodable {
        var driver: Driver
    }

    struct Driver: Encodable {
        var name = "sentry-sdk"
        var version: String
        var rules: [Rule]
    }

    struct Rule: Encodable {
        var id: String
        var shortDescription: Message
        var defaultConfiguration: Configuration
    }

    struct Configuration: Encodable {
        var level: String
    }

    struct Message: Encodable {
        var text: String
    }

    struct Result: Encodable {
        var ruleId: String
        var ruleIndex: Int
        var level: String
        var message: Message
        var locations: [Location]
        var partialFingerprints: [String: String]
    }

    struct Location: Encodable {
        var physicalLocation: PhysicalLocation?
        var logicalLocations: [LogicalLocation]
    }

    struct PhysicalLocation: Encodable {
        var artifactLocation: ArtifactLocation
        var region = Region()
    }

    struct ArtifactLocation: Encodable {
        var uri: String
    }

    struct Region: Encodable {
        var startLine = 1
    }

    struct LogicalLocation: Encodable {
        var name: String
        var fullyQualifiedName: String
        var kind = "resource"
    }

    var schema = "https://json.schemastore.org/sarif-2.1.0.json"
    var version = "2.1.0"
    var runs: [Run]

    enum CodingKeys: String, CodingKey {
        case schema = "$schema"
        case version, runs
    }

    init(organization: String, findings: [AuditFinding], version: String, file: String?) {
        let codes = AuditFinding.Code.allCases
        let rules = codes.map { Rule(id: $0.rawValue, shortDescription: Message(text: $0.summary), defaultConfiguration: Configuration(level: $0.severity.rawValue)) }
        let results = findings.map { finding in
            let name = [organization, finding.project, finding.keyId].compactMap { $0 }.joined(separator: "/")
            return Result(
                ruleId: finding.code.rawValue, ruleIndex: codes.firstIndex(of: finding.code)!, level: finding.severity.rawValue,
                message: Message(text: finding.keyName.map { "\($0): \(finding.reason)" } ?? finding.reason),
                locations: [Location(physicalLocation: file.map { PhysicalLocation(artifactLocation: ArtifactLocation(uri: $0)) },
                                     logicalLocations: [LogicalLocation(name: finding.keyId ?? finding.project, fullyQualifiedName: name)])],
                // The same finding on the same key is the same result from one run to the next.
                partialFingerprints: ["sentryKeyFinding/v1": name + "#" + finding.code.rawValue])
        }
        runs = [Run(tool: Tool(driver: Driver(version: version, rules: rules)), results: results)]
    }
}
