#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Everything the sandbox knows, as it is persisted with `--state FILE`.
///
/// Rows carry integer ids like Sentry's database rows: keys are listed by descending id, and
/// page cursors are built from those ids.
public struct SandboxStore: Codable, Sendable, Equatable {
    /// An organization.
    public struct Organization: Codable, Sendable, Equatable {
        /// The row id (the API shows it as a string).
        public var id: Int
        /// The slug, unique across the sandbox.
        public var slug: String
        /// The display name.
        public var name: String
        /// When it was created.
        public var dateCreated: Date
    }

    /// A project.
    public struct Project: Codable, Sendable, Equatable {
        /// The row id (the API shows it as a string).
        public var id: Int
        /// The row id of its organization.
        public var organizationID: Int
        /// The slug, unique within its organization.
        public var slug: String
        /// The display name.
        public var name: String
        /// The platform it was created for, if any.
        public var platform: String?
        /// When it was created.
        public var dateCreated: Date
    }

    /// A client key.
    public struct Key: Codable, Sendable, Equatable {
        /// The row id: ordering and cursors. Not shown by the API.
        public var id: Int
        /// The row id of its project.
        public var projectID: Int
        /// The public key (32 hex characters); also the key's id in the API.
        public var publicKey: String
        /// The secret key (32 hex characters).
        public var secretKey: String
        /// The key's name.
        public var label: String
        /// Whether the key accepts events.
        public var isActive: Bool
        /// The rate-limit window in seconds, if a limit is set.
        public var rateLimitWindow: Int?
        /// The events allowed per window, if a limit is set.
        public var rateLimitCount: Int?
        /// What the key is for (`user` unless a superuser said otherwise).
        public var useCase: String
        /// The JavaScript SDK version the loader serves, when set.
        public var browserSdkVersion: String?
        /// The loader options set on the key.
        public var loaderOptions: [String: Bool]
        /// When it was created.
        public var dateCreated: Date
    }

    /// Every organization.
    public var organizations: [Organization] = []
    /// Every project.
    public var projects: [Project] = []
    /// Every key, internal use cases included.
    public var keys: [Key] = []
    /// The last row id handed out, shared by all kinds of rows (ids never repeat).
    public var lastID = 0

    /// An empty store.
    public init() {}

    mutating func nextID() -> Int {
        lastID += 1
        return lastID
    }

    func organization(_ idOrSlug: String) -> Organization? {
        organizations.first { $0.slug == idOrSlug || String($0.id) == idOrSlug }
    }

    func project(_ idOrSlug: String, in organization: Organization) -> Project? {
        projects.first { $0.organizationID == organization.id && ($0.slug == idOrSlug || String($0.id) == idOrSlug) }
    }

    /// Adds an organization and a project unless they exist, and a key named "Default" to a
    /// new project when `defaultKey` is set; returns the project.
    @discardableResult
    mutating func seed(organization slug: String, project projectSlug: String?, now: Date, defaultKey: Bool) -> Project? {
        var organization = self.organization(slug)
        if organization == nil {
            let new = Organization(id: nextID(), slug: slug, name: slug, dateCreated: now)
            organizations.append(new)
            organization = new
        }
        guard let projectSlug, let organization else { return nil }
        if let existing = project(projectSlug, in: organization) { return existing }
        let new = Project(id: nextID(), organizationID: organization.id, slug: projectSlug, name: projectSlug, platform: nil, dateCreated: now)
        projects.append(new)
        if defaultKey { addKey(projectID: new.id, label: "Default", now: now) }
        return new
    }

    /// Adds an active key of the `user` use case, with no rate limit and the loader settings a
    /// new key gets; the keys not given are random.
    @discardableResult
    mutating func addKey(projectID: Int, label: String, publicKey: String? = nil, secretKey: String? = nil, now: Date) -> Key {
        var generator = SystemRandomNumberGenerator()
        let key = Key(
            id: nextID(), projectID: projectID,
            publicKey: publicKey ?? Self.randomHex(using: &generator),
            secretKey: secretKey ?? Self.randomHex(using: &generator),
            label: label, isActive: true, rateLimitWindow: nil, rateLimitCount: nil, useCase: "user",
            browserSdkVersion: nil, loaderOptions: ["hasPerformance": true, "hasReplay": true],
            // Kept to the microsecond, as Sentry's database keeps dates.
            dateCreated: Date(timeIntervalSince1970: (now.timeIntervalSince1970 * 1_000_000).rounded() / 1_000_000)
        )
        keys.append(key)
        return key
    }

    /// Runs `body` on the store; returns the secrets of the keys it added (the secrets tests
    /// keep, to check that none leaks).
    mutating func secretsOfKeys(madeBy body: (inout SandboxStore) -> Void) -> [String] {
        let before = keys.count
        body(&self)
        return keys.dropFirst(before).map(\.secretKey)
    }

    /// 32 random lowercase hex digits, as Sentry's public and secret keys are.
    static func randomHex<G: RandomNumberGenerator>(using generator: inout G) -> String {
        let digits = Array("0123456789abcdef")
        return String((0..<16).flatMap { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
        })
    }

    // MARK: Persistence

    /// Reads a store written by `write(to:)`.
    public static func read(from url: URL) throws -> SandboxStore {
        try JSONDecoder.sandbox.decode(SandboxStore.self, from: Data(contentsOf: url))
    }

    /// Writes atomically (a temporary file renamed over the old one), readable by the owner only:
    /// the file holds key secrets.
    public func write(to url: URL) throws {
        let data = try JSONEncoder.sandbox.encode(self)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        do {
            if rename(temporary.path, url.path) != 0 { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}

extension JSONEncoder {
    static var sandbox: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }
}

extension JSONDecoder {
    static var sandbox: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }
}
