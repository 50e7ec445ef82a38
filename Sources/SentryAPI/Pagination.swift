import Logging
import SentryModels

/// A list operation that Sentry pages with cursors.
public protocol CursorPaginated: APIOperation where Response == [Element] {
    /// The type of the listed items.
    associatedtype Element: Decodable & Sendable
    /// Where the page starts (`nil`: the first page).
    var cursor: String? { get set }
    /// How many items a page holds (at most 100).
    var perPage: Int? { get set }
}

/// Lists a project's keys across pages.
extension Operations.ListProjectKeys: CursorPaginated { public typealias Element = ProjectKey }
/// Lists an organization's keys across pages.
extension Operations.ListOrganizationProjectKeys: CursorPaginated { public typealias Element = ProjectKey }
/// Lists the caller's organizations across pages.
extension Operations.ListOrganizations: CursorPaginated { public typealias Element = Organization }
/// Lists an organization's projects across pages.
extension Operations.ListOrganizationProjects: CursorPaginated { public typealias Element = Project }

extension SentryClient {
    /// Every item of a list, across pages: asks for 100 a page and follows the `Link`
    /// header's `next` cursor while it says `results="true"`. Pages are fetched as the
    /// sequence is read: the next page is asked for as soon as a page's headers arrive, while
    /// that page is decoded, so memory holds at most two pages. A sequence left before its end
    /// stops the page it asked for, unless that request was already sent.
    public func items<Operation: CursorPaginated>(_ operation: Operation) -> PagedItems<Operation> {
        PagedItems(client: self, operation: operation)
    }
}

/// The items of a paged list, fetched page by page as they are read.
public struct PagedItems<Operation: CursorPaginated>: AsyncSequence, Sendable {
    public typealias Element = Operation.Element
    let client: SentryClient
    let operation: Operation

    public func makeAsyncIterator() -> Iterator {
        var first = operation
        first.perPage = first.perPage ?? 100
        return Iterator(client: client, first: first)
    }

    /// A page being fetched; cancelled when nothing reads it any more.
    final class PendingPage: Sendable {
        let request: Operation
        let task: Task<Result<TransportResponse, SentryError>, Never>

        init(_ request: Operation, client: SentryClient) {
            self.request = request
            // On the transport's thread, as the reading task: no other thread is started for it.
            task = Task(executorPreference: client.transport.executor) { await client.fetchPage(request) }
        }

        deinit { task.cancel() }
    }

    /// Decodes a page while the next one is fetched.
    public struct Iterator: AsyncIteratorProtocol {
        let client: SentryClient
        var pending: PendingPage?
        var page: [Operation.Element] = []
        var index = 0
        var seenCursors: Set<String> = []

        init(client: SentryClient, first: Operation) {
            self.client = client
            pending = PendingPage(first, client: client)
        }

        public mutating func next() async throws(SentryError) -> Operation.Element? {
            while index >= page.count {
                guard let current = pending else { return nil }
                let response = try await current.task.value.get()
                pending = following(current.request, headers: response.headers).map { PendingPage($0, client: client) }
                page = try SentryClient.decode(Operation.self, from: response)
                index = 0
            }
            defer { index += 1 }
            return page[index]
        }

        /// The request for the page after `request`'s, from its answer's `Link` header.
        private mutating func following(_ request: Operation, headers: [String: String]) -> Operation? {
            guard let link = headers["link"] else { return nil }
            guard let cursor = LinkHeader(link).nextCursor else {
                if !link.contains("rel=\"next\"") && !link.contains("rel=next") {
                    client.configuration.logger.warning("Unreadable Link header on \(Operation.endpoint.operationID); stopping after this page")
                }
                return nil
            }
            // A server that hands out the same cursor twice would loop forever.
            guard seenCursors.insert(cursor).inserted else {
                client.configuration.logger.warning("Link header of \(Operation.endpoint.operationID) repeats cursor \(cursor); stopping")
                return nil
            }
            var following = request
            following.cursor = cursor
            return following
        }
    }
}
