#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One submission to the sandbox's ingest endpoints, and what became of it.
public struct ReceivedEvent: Sendable, Hashable, Codable {
    /// What the sandbox answered.
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// 200 with the event id: the key took it.
        case accepted
        /// 429: the key's own rate limit was spent for the window.
        case rateLimited = "rate_limited"
        /// 403: the key is unknown, deleted, deactivated or of another project.
        case refused
    }

    /// The event's id, when the submission carried an event (envelopes of client reports
    /// carry none).
    public var eventID: String?
    /// The public key the submission was sent with.
    public var publicKey: String
    /// The project id in the URL.
    public var projectID: Int
    /// `envelope` or `store`.
    public var endpoint: String
    /// The envelope's item types in order (`event`, `transaction`, `client_report`, ...); `event`
    /// for the store endpoint.
    public var itemTypes: [String]
    /// When it arrived.
    public var receivedAt: Date
    /// What the sandbox answered.
    public var outcome: Outcome

    /// Whether it holds an item that a key's rate limit counts: Sentry's key quota covers the
    /// error categories (`default`, `error`, `security`), which are the `event` and `security` items.
    var countsAgainstKeyLimit: Bool { itemTypes.contains { $0 == "event" || $0 == "security" } }
}

/// Event ingestion on the DSNs the sandbox hands out: `POST /api/{project_id}/envelope/` and
/// `/store/`, answered as Relay (getsentry/relay, `relay-server/src/endpoints/` and
/// `extractors/request_meta.rs`) answers them once it knows the key's project config.
///
/// Relay answers the first requests for a key it has not looked up yet with 200 and drops them
/// later; the sandbox always knows, so it refuses at once. Gzip and deflate bodies are decoded
/// by the HTTP server before they reach here.
extension Sandbox {
    /// The ingest endpoint a path names, with its project id: `/api/2/envelope/` -> (2, "envelope").
    static func ingestEndpoint(_ path: String) -> (projectID: Int, endpoint: String)? {
        let parts = path.split(separator: "/")
        guard parts.count == 3, parts[0] == "api", let projectID = Int(parts[1]), parts[2] == "envelope" || parts[2] == "store"
        else { return nil }
        return (projectID, String(parts[2]))
    }

    /// The events the key took (accepted submissions that carried an event), oldest first.
    public func events(forKey publicKey: String) -> [ReceivedEvent] {
        received.filter { $0.publicKey == publicKey && $0.outcome == .accepted && $0.eventID != nil }
    }

    /// The submissions to the ingest endpoints that got as far as the key check (a well-formed
    /// key and a readable body), with their outcome, oldest first; the last
    /// ``receivedLimit`` of them.
    public func submissions() -> [ReceivedEvent] { received }

    /// How many submissions the sandbox keeps for `submissions()` and `events(forKey:)`, so that
    /// a long-running `sandbox serve` holds a bounded log. Rate limits and `firstEvent` are kept
    /// apart from it and hold whatever the log drops.
    public static let receivedLimit = 10_000

    /// The sandbox's own endpoint (not Sentry's) listing what arrived, oldest first:
    /// `GET /_sandbox/events/?key=PUBLIC_KEY`, with a sandbox token.
    static let receivedEventsPath = "/_sandbox/events/"

    func receivedEventsResponse(_ request: SandboxRequest) -> SandboxResponse {
        guard request.method == "GET" || request.method == "HEAD" else { return Self.methodNotAllowed(request.method, allowing: ["GET", "HEAD"]) }
        struct Shown: Encodable {
            var id: String?
            var key: String
            var projectId: Int
            var endpoint: String
            var items: [String]
            var receivedAt: String
            var outcome: String
        }
        let key = request.queryValue("key")
        return .json(200, received.filter { key == nil || $0.publicKey == key }.map {
            Shown(id: $0.eventID, key: $0.publicKey, projectId: $0.projectID, endpoint: $0.endpoint, items: $0.itemTypes,
                  receivedAt: sentryTimestamp($0.receivedAt), outcome: $0.outcome.rawValue)
        })
    }

    func ingest(_ request: SandboxRequest, projectID: Int, endpoint: String) -> SandboxResponse {
        if request.method == "OPTIONS" {
            return SandboxResponse(status: 200, headers: [("Allow", "POST, OPTIONS"), ("Access-Control-Allow-Origin", "*")])
        }
        guard request.method == "POST" else { return Self.methodNotAllowed(request.method, allowing: ["POST", "OPTIONS"]) }
        let publicKey: String
        switch Self.ingestKey(request, endpoint: endpoint) {
        case .success(let key): publicKey = key
        case .failure(let refusal): return refusal.response
        }
        guard !request.body.isEmpty else { return IngestRefusal(400, "empty request body").response }
        let items: [String]
        let eventID: String?
        switch endpoint == "envelope" ? Self.readEnvelope(request.body) : Self.readStoreEvent(request.body) {
        case .success(let read): (items, eventID) = read
        case .failure(let refusal): return refusal.response
        }

        let now = configuration.now()
        var submission = ReceivedEvent(eventID: eventID, publicKey: publicKey, projectID: projectID, endpoint: endpoint,
                                       itemTypes: items, receivedAt: now, outcome: .refused)
        defer { record(submission) }
        // An unknown or inactive key gets the config `{"disabled": true}` from Sentry, which
        // Relay answers as a wrong project.
        guard let key = store.keys.first(where: { $0.publicKey == publicKey }), key.isActive, key.projectID == projectID else {
            return IngestRefusal(403, "event submission rejected with_reason: ProjectId").response
        }
        if submission.countsAgainstKeyLimit, let retryAfter = spendKeyLimit(key, now: now) {
            submission.outcome = .rateLimited
            var response = IngestRefusal(429, "Sentry dropped data due to a quota or internal rate limit being reached. This will not affect your application. See https://docs.sentry.io/product/accounts/quotas/ for more information.").response
            response.headers += [("Retry-After", "\(retryAfter)"), ("X-Sentry-Rate-Limits", "\(retryAfter):default;error;security:key:key_quota")]
            return response
        }
        submission.outcome = .accepted
        if items.contains("event") { firstEvents[projectID] = firstEvents[projectID] ?? now }
        if items.contains("transaction") { projectsWithTransactions.insert(projectID) }
        return eventID.map { .json(200, ["id": $0]) } ?? .json(200, [String: String]())
    }

    /// Keeps a submission in the bounded log.
    private func record(_ submission: ReceivedEvent) {
        received.append(submission)
        if received.count > Self.receivedLimit { received.removeFirst(received.count - Self.receivedLimit) }
    }

    /// Counts an event against the key's rate limit: `nil` when it fits, else the seconds until
    /// the window ends. Windows are fixed, aligned on the epoch, one count per key.
    private func spendKeyLimit(_ key: SandboxStore.Key, now: Date) -> Int? {
        guard let window = key.rateLimitWindow, let count = key.rateLimitCount, window > 0, count > 0 else { return nil }
        let seconds = Int(now.timeIntervalSince1970)
        let start = seconds - seconds % window
        var used = keyWindows[key.publicKey].flatMap { $0.start == start ? $0.count : nil } ?? 0
        guard used < count else { return start + window - seconds }
        used += 1
        keyWindows[key.publicKey] = (start, used)
        return nil
    }

    /// The public key, from the first of Relay's places that has one: `X-Sentry-Auth`, an
    /// `Authorization: Sentry` header, the query (`sentry_key`), then an envelope's `dsn`.
    static func ingestKey(_ request: SandboxRequest, endpoint: String) -> Result<String, IngestRefusal> {
        var sources: [String] = []
        if let header = request.headers["x-sentry-auth"], header.lowercased().hasPrefix("sentry ") { sources.append(header) }
        if let header = request.headers["authorization"], header.lowercased().hasPrefix("sentry ") { sources.append(header) }
        let queryAuth = request.query.filter { $0.name.hasPrefix("sentry_") }
        guard sources.count + (queryAuth.isEmpty ? 0 : 1) <= 1 else {
            return .failure(IngestRefusal(401, "multiple authorization payloads detected"))
        }
        var fields: [String: String] = [:]
        if let header = sources.first {
            for pair in header.dropFirst("sentry ".count).split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { fields[parts[0].trimmed] = parts[1].trimmed }
            }
            guard fields["sentry_key"] != nil else {
                return .failure(IngestRefusal(401, "bad x-sentry-auth header", causes: ["missing public key in auth header"]))
            }
        } else if !queryAuth.isEmpty {
            for item in queryAuth { fields[item.name] = item.value }
        } else if endpoint == "envelope", let dsn = envelopeDSN(request.body) {
            fields["sentry_key"] = dsn
        }
        guard let key = fields["sentry_key"] else {
            return .failure(IngestRefusal(401, "missing authorization information"))
        }
        if let version = fields["sentry_version"], let number = Int(version), number > 7 {
            return .failure(IngestRefusal(400, "unsupported protocol version (\(number))"))
        }
        guard key.count == 32, key.allSatisfy(\.isHexDigit) else {
            return .failure(IngestRefusal(400, "bad sentry DSN public key", causes: ["invalid project key"]))
        }
        return .success(key.lowercased())
    }

    /// The public key of the `dsn` in an envelope's first line, if it has one.
    private static func envelopeDSN(_ body: Data) -> String? {
        let line = body.prefix { $0 != UInt8(ascii: "\n") }
        guard let dsn = try? JSONDecoder().decode(EnvelopeHeader.self, from: line).dsn,
              let scheme = dsn.firstRange(of: "://"), let at = dsn[scheme.upperBound...].firstIndex(of: "@")
        else { return nil }
        return String(dsn[scheme.upperBound..<at].prefix { $0 != ":" })
    }

    /// The fields of an envelope's header line, an item's header line and an event that the
    /// sandbox reads; any JSON object decodes.
    private struct EnvelopeHeader: Decodable {
        var event_id: String?
        var dsn: String?
    }

    private struct ItemHeader: Decodable {
        var type: String
        var length: Int?
    }

    private struct EventPayload: Decodable {
        var event_id: String?
        var type: String?
    }

    /// An envelope's item types and event id: a JSON header line, then items, each a JSON header
    /// line and a payload of `length` bytes (or up to the next newline when `length` is absent).
    static func readEnvelope(_ body: Data) -> Result<(items: [String], eventID: String?), IngestRefusal> {
        let bytes = [UInt8](body)
        var position = 0
        func line() -> ArraySlice<UInt8>? {
            guard position < bytes.count else { return nil }
            let end = bytes[position...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            defer { position = end + 1 }
            return bytes[position..<end]
        }
        func decode<Value: Decodable>(_ type: Value.Type, _ slice: ArraySlice<UInt8>) -> Value? {
            try? JSONDecoder().decode(type, from: Data(slice))
        }
        let invalid = IngestRefusal(400, "invalid event envelope")
        guard let headerLine = line(), let header = decode(EnvelopeHeader.self, headerLine) else { return .failure(invalid) }
        var eventID = header.event_id.map(normalizedEventID)
        var items: [String] = []
        while position < bytes.count {
            guard let itemLine = line() else { break }
            if itemLine.isEmpty { continue }
            guard let itemHeader = decode(ItemHeader.self, itemLine) else { return .failure(invalid) }
            let type = itemHeader.type
            let payload: ArraySlice<UInt8>
            if let length = itemHeader.length {
                guard length >= 0, length <= bytes.count - position else { return .failure(invalid) }
                payload = bytes[position..<position + length]
                position += length
                if position < bytes.count, bytes[position] == UInt8(ascii: "\n") { position += 1 }
            } else {
                payload = line() ?? []
            }
            if eventID == nil, type == "event" || type == "transaction" { eventID = decode(EventPayload.self, payload)?.event_id.map(normalizedEventID) }
            items.append(type)
        }
        if eventID == nil, items.contains(where: { $0 == "event" || $0 == "transaction" || $0 == "security" }) {
            eventID = newEventID()
        }
        return .success((items, eventID))
    }

    /// A store request's event: one JSON object (its `event_id`, or a new one).
    static func readStoreEvent(_ body: Data) -> Result<(items: [String], eventID: String?), IngestRefusal> {
        guard let event = try? JSONDecoder().decode(EventPayload.self, from: body) else {
            return .failure(IngestRefusal(400, "invalid JSON data"))
        }
        let type = event.type == "transaction" ? "transaction" : "event"
        return .success(([type], event.event_id.map(normalizedEventID) ?? newEventID()))
    }

    /// An event id in the form Relay answers with: 32 lowercase hex digits, a UUID's dashes removed.
    private static func normalizedEventID(_ id: String) -> String { id.replacing("-", with: "").lowercased() }

    private static func newEventID() -> String { normalizedEventID(UUID().uuidString) }
}

/// An answer of the ingest endpoints that is not a success: Relay's `{"detail", "causes"}` body.
struct IngestRefusal: Error {
    var status: Int
    var detail: String
    var causes: [String] = []

    init(_ status: Int, _ detail: String, causes: [String] = []) {
        self.status = status
        self.detail = detail
        self.causes = causes
    }

    var response: SandboxResponse {
        struct Body: Encodable {
            var detail: String
            var causes: [String]?
        }
        return .json(status, Body(detail: detail, causes: causes.isEmpty ? nil : causes))
    }
}
