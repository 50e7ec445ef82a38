import Foundation

/// Everything the sandbox knows, as it is persisted with `--state FILE`.
///
/// Rows carry integer ids like Sentry's database rows: keys are listed by descending id, and
/// page cursors are built from those ids.
public struct SandboxStore: Codable, Sendable, Equatable {
    public struct Organization: Codable, Sendable, Equatable {
        public var id: Int
        public var slug: String
        public var name: String
        public var dateCreated: Date
    }

    public struct Project: Codable, Sendable, Equatable {
        public var id: Int
        public var organizationID: Int
        public var slug: String
        public var name: String
        public var platform: String?
        public var dateCreated: Date
    }

    public struct Key: Codable, Sendable, Equatable {
        /// The row id: ordering and cursors. Not shown by the API.
        public var id: Int
        public var projectID: Int
        public var publicKey: String
        public var secretKey: String
        public var label: String
        public var isActive: Bool
        public var rateLimitWindow: Int?
        public var rateLimitCount: Int?
        public var useCase: String
        public var browserSdkVersion: String?
        public var loaderOptions: [String: Bool]
        public var dateCreated: Date
    }

    public var organizations: [Organization] = []
    public var projects: [Project] = []
    public var keys: [Key] = []
    /// The last row id handed out, shared by all kinds of rows (ids never repeat).
    public var lastID = 0

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

    /// Adds an organization and a project unless they exist; returns the project.
    @discardableResult
    mutating func seed(organization slug: String, project projectSlug: String?, now: Date) -> Project? {
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
        return new
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
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
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
