#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SentryModels

/// One page of a list ordered newest first (descending row id), with the `Link` header Sentry
/// sends: a `previous` and a `next` entry, each with `results` and `cursor`.
struct Page<Item> {
    var items: [Item]
    var link: String

    /// - Parameters:
    ///   - all: every item, newest (highest id) first.
    ///   - url: the absolute URL of the list, without a query.
    ///   - otherQuery: the request's query parameters other than `cursor`, kept in the links.
    init(_ all: [Item], id: (Item) -> Int, cursor: Cursor?, perPage: Int, url: String, otherQuery: [QueryItem]) {
        let previous: (cursor: Cursor, results: Bool)
        let next: (cursor: Cursor, results: Bool)
        if let cursor, cursor.isPrevious {
            // Walking back: the items just above `value`, nearest first, then put back in order.
            let above = all.filter { id($0) > cursor.value }
            let slice = Array(above.suffix(perPage + 1))
            items = Array(slice.suffix(perPage))
            let more = slice.count > perPage
            let first = items.first.map(id) ?? cursor.value
            previous = (Cursor(value: first, offset: 0, isPrevious: true), more)
            next = (Cursor(value: cursor.value, offset: 0, isPrevious: false), true)
        } else {
            var start = 0
            if let cursor, cursor.value != 0 || cursor.offset != 0 {
                start = (all.firstIndex { id($0) <= cursor.value } ?? all.count) + cursor.offset
            }
            let slice = all.dropFirst(min(start, all.count)).prefix(perPage + 1)
            items = Array(slice.prefix(perPage))
            if slice.count > perPage {
                next = (Cursor(value: id(slice[slice.startIndex + perPage]), offset: 0, isPrevious: false), true)
            } else if let last = items.last {
                next = (Cursor(value: id(last), offset: 1, isPrevious: false), false)
            } else {
                next = (Cursor(value: 0, offset: 0, isPrevious: false), false)
            }
            let first = items.first.map(id) ?? 0
            previous = (Cursor(value: first, offset: 0, isPrevious: true), start > 0 && !items.isEmpty)
        }
        let query = otherQuery.map { "\(Self.encode($0.name))=\(Self.encode($0.value))" }.joined(separator: "&")
        func entry(_ rel: String, _ link: (cursor: Cursor, results: Bool)) -> String {
            "<\(url)?\(query)&cursor=\(link.cursor)>; rel=\"\(rel)\"; results=\"\(link.results)\"; cursor=\"\(link.cursor)\""
        }
        link = entry("previous", previous) + ", " + entry("next", next)
    }

    private static func encode(_ text: String) -> String {
        // What a query may hold as it is (RFC 3986), but `&`, `=` and `+`, which mean something there.
        PercentEncoding.encode(text, keeping: { PercentEncoding.isUnreserved($0) || "!$'()*,;:@/?".utf8.contains($0) })
    }
}

/// Parses `per_page` as Sentry does: absent is the endpoint's default, anything else must be
/// an integer from 1 to `max(100, default)`.
enum PerPage {
    static func parse(_ text: String?, default defaultValue: Int) -> Result<Int, SandboxError> {
        guard let text else { return .success(defaultValue) }
        guard let value = Int(text) else { return .failure(.badRequest("Invalid per_page parameter.")) }
        let maximum = max(100, defaultValue)
        guard (1...maximum).contains(value) else {
            return .failure(.badRequest("Invalid per_page value. Must be between 1 and \(maximum)."))
        }
        return .success(value)
    }
}
