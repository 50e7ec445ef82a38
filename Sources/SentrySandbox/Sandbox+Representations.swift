#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SentryModels

/// The JSON shapes the sandbox answers with: the generated models, filled in as Sentry's
/// serializers fill them.
extension Sandbox {
    /// The JavaScript SDK versions a key's loader offers, newest first, and the default.
    static let browserSdkVersions = BrowserSDKVersion.knownValues.map(\.rawValue)
    static let loaderChoices = ["10.x", "9.x", "8.x", "7.x"]
    static let defaultBrowserSdkVersion = "10.x"
    static let loaderOptionNames = DynamicSDKLoaderOptions.fields.map(\.name)

    func representation(of key: SandboxStore.Key, token: SandboxToken) -> ProjectKey {
        let project = store.projects.first { $0.id == key.projectID }!
        let base = ingestBase.replacing("{organization_id}", with: String(project.organizationID))
        let (scheme, host) = base.firstRange(of: "://").map { (String(base[..<$0.lowerBound]), String(base[$0.upperBound...])) } ?? ("https", base)
        let api = "\(scheme)://\(host)/api/\(project.id)"
        let rateLimit: RateLimit? = if let window = key.rateLimitWindow, let count = key.rateLimitCount, window > 0, count > 0 {
            RateLimit(window: window, count: count)
        } else {
            nil
        }
        return ProjectKey(
            id: key.publicKey, name: key.label, label: key.label, public: key.publicKey, secret: key.secretKey,
            projectId: project.id, isActive: key.isActive, rateLimit: rateLimit,
            dsn: ProjectKeyDSN(
                public: "\(scheme)://\(key.publicKey)@\(host)/\(project.id)",
                secret: "\(scheme)://\(key.publicKey):\(key.secretKey)@\(host)/\(project.id)",
                csp: "\(api)/csp-report/?sentry_key=\(key.publicKey)",
                security: "\(api)/security/?sentry_key=\(key.publicKey)",
                minidump: "\(api)/minidump/?sentry_key=\(key.publicKey)",
                nel: "\(api)/nel/?sentry_key=\(key.publicKey)",
                unreal: "\(api)/unreal/\(key.publicKey)/",
                crons: "\(api)/cron/___MONITOR_SLUG___/\(key.publicKey)/",
                cdn: "https://js.sentry-cdn.com/\(key.publicKey).min.js",
                playstation: "\(api)/playstation/?sentry_key=\(key.publicKey)",
                integration: "\(api)/integration/",
                otlpTraces: "\(api)/integration/otlp/v1/traces",
                otlpLogs: "\(api)/integration/otlp/v1/logs"
            ),
            browserSdkVersion: BrowserSDKVersion(rawValue: key.browserSdkVersion ?? Self.defaultBrowserSdkVersion),
            browserSdk: BrowserSDK(choices: Self.loaderChoices.map { [$0, $0] }),
            dateCreated: DateTime(rawValue: sentryTimestamp(key.dateCreated)),
            dynamicSdkLoaderOptions: Self.loaderOptions(key.loaderOptions),
            useCase: token.isSuperuser ? UseCase(rawValue: key.useCase) : nil
        )
    }

    /// Every loader option the spec names, off unless the key turned it on, as Sentry answers.
    static func loaderOptions(_ stored: [String: Bool]) -> DynamicSDKLoaderOptions {
        var options = DynamicSDKLoaderOptions()
        for field in DynamicSDKLoaderOptions.fields {
            if let option = field.keyPath as? WritableKeyPath<DynamicSDKLoaderOptions, Bool?> {
                options[keyPath: option] = stored[field.name] ?? false
            }
        }
        return options
    }

    func representation(of organization: SandboxStore.Organization) -> Organization {
        Organization(
            id: String(organization.id), slug: organization.slug, name: organization.name,
            dateCreated: DateTime(rawValue: sentryTimestamp(organization.dateCreated)),
            status: OrganizationStatus(id: "active", name: "active"),
            isEarlyAdopter: false, require2FA: false, features: [],
            links: OrganizationLinks(organizationUrl: baseURL, regionUrl: baseURL),
            avatar: Avatar(avatarType: "letter_avatar", avatarUuid: nil), hasAuthProvider: false,
            allowMemberInvite: true, allowMemberProjectCreation: true, allowSuperuserAccess: false
        )
    }

    func representation(of project: SandboxStore.Project) -> Project {
        Project(
            id: String(project.id), slug: project.slug, name: project.name, platform: project.platform,
            dateCreated: DateTime(rawValue: sentryTimestamp(project.dateCreated)),
            isBookmarked: false, isMember: true, hasAccess: true, features: [],
            firstEvent: firstEvents[project.id].map { DateTime(rawValue: sentryTimestamp($0)) },
            status: "active", access: Self.projectAccess, platforms: [], teams: [], environments: [],
            isPublic: false, isInternal: false, avatar: Avatar(avatarType: "letter_avatar", avatarUuid: nil), color: Self.color(of: project.slug),
            firstTransactionEvent: projectsWithTransactions.contains(project.id), hasSessions: false, hasProfiles: false, hasReplays: false, hasMonitors: false
        )
    }
}

extension Sandbox {
    /// The scopes a project's `access` lists for a caller with every scope.
    static let projectAccess = ["alerts:read", "alerts:write", "event:admin", "event:read", "event:write", "member:read",
                                "org:read", "project:admin", "project:read", "project:releases", "project:write",
                                "team:admin", "team:read", "team:write"]

    /// A colour picked from the slug, as Sentry picks a project's from its slug: the same slug
    /// always gets the same colour.
    static func color(of slug: String) -> String {
        let palette = ["#3f70bf", "#bf3f70", "#70bf3f", "#bf703f", "#3fbf70", "#703fbf", "#8f6f3f", "#3f8f8f"]
        return palette[slug.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xFFFF } % palette.count]
    }
}

/// ISO 8601 in UTC with `digits` of a second's fraction: microseconds as Sentry writes dates
/// (`2023-06-21T19:50:26.036254Z`), milliseconds as the compatible server does.
func sentryTimestamp(_ date: Date, fractionDigits digits: Int = 6) -> String {
    var scale = 1
    for _ in 0..<digits { scale *= 10 }
    let seconds = date.timeIntervalSince1970.rounded(.down)
    let fraction = min(scale - 1, Int(((date.timeIntervalSince1970 - seconds) * Double(scale)).rounded()))
    let whole = Date(timeIntervalSince1970: seconds).formatted(.iso8601).dropLast()
    let text = String(fraction)
    return "\(whole).\(String(repeating: "0", count: digits - text.count) + text)Z"
}
