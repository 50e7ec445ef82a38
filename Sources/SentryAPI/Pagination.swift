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
    /// sequence is read, so memory holds one page at a time.
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
        return Iterator(client: client, next: first)
    }

    /// Fetches a page when the one before is used up.
    public struct Iterator: AsyncIteratorProtocol {
        let client: SentryClient
        var next: Operation?
        var page: [Operation.Element] = []
        var index = 0
        var seenCursors: Set<String> = []

        public mutating func next() async throws(SentryError) -> Operation.Element? {
            while index >= page.count {
                guard let request = next else { return nil }
                let (items, headers) = try await client.exchange(request)
                page = items
                index = 0
                next = nil
                guard let link = headers["link"] else { continue }
                guard let cursor = LinkHeader(link).nextCursor else {
                    if !link.contains("rel=\"next\"") && !link.contains("rel=next") {
                        client.configuration.logger.warning("Unreadable Link header on \(Operation.endpoint.operationID); stopping after this page")
                    }
                    continue
                }
                // A server that hands out the same cursor twice would loop forever.
                guard seenCursors.insert(cursor).inserted else {
                    client.configuration.logger.warning("Link header of \(Operation.endpoint.operationID) repeats cursor \(cursor); stopping")
                    continue
                }
                var following = request
                following.cursor = cursor
                next = following
            }
            defer { index += 1 }
            return page[index]
        }
    }
}
