import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The organization and project of a `keys` command.
struct ProjectOptions: ParsableArguments {
    @Option(help: "The organization slug (else SENTRY_ORG).")
    var org: String?

    @Option(help: "The project slug (else SENTRY_PROJECT).")
    var project: String?

    /// The organization and project, from the flags or sentry-cli's variables.
    func target() throws -> (organization: String, project: String) {
        let organization = try organizationSlug(org)
        let project = project ?? ProcessInfo.processInfo.environment["SENTRY_PROJECT"] ?? ""
        if project.isEmpty { throw CLIError.usage("Missing the project: pass --project or set SENTRY_PROJECT.") }
        return (organization, project)
    }
}

/// The organization from `--org`, else `SENTRY_ORG` (as sentry-cli reads it); bad usage when neither is set.
func organizationSlug(_ flag: String?) throws -> String {
    let organization = flag ?? ProcessInfo.processInfo.environment["SENTRY_ORG"] ?? ""
    if organization.isEmpty { throw CLIError.usage("Missing the organization: pass --org or set SENTRY_ORG.") }
    return organization
}
