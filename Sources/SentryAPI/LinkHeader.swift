#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Sentry's `Link` header: `<url>; rel="previous"; results="false"; cursor="...", <url>; rel="next"; ...`.
/// Parsed leniently: entries may come in any order, with other hosts or parameters, or wrapped
/// over lines; what cannot be read is skipped, and a caller that finds no usable `next` stops.
struct LinkHeader: Equatable {
    struct Entry: Equatable {
        var url: String
        var parameters: [String: String]

        var rel: String? { parameters["rel"] }
        /// `results="true"` / `"false"`; `nil` when absent (then the page is assumed to exist).
        var results: Bool? { parameters["results"].map { $0.lowercased() == "true" } }
        /// The `cursor` parameter, or the `cursor` in the URL's query.
        var cursor: String? {
            if let cursor = parameters["cursor"], !cursor.isEmpty { return cursor }
            return URLComponents(string: url)?.queryItems?.first { $0.name == "cursor" }?.value
        }
    }

    var entries: [Entry]

    init(_ text: String) {
        entries = []
        var rest = Substring(text.trimmed)
        // Some Sentry-compatible servers send the header as a printed Python set: `{'<...>, <...>'}`.
        if rest.hasPrefix("{'"), rest.hasSuffix("'}") { rest = rest.dropFirst(2).dropLast(2) }
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            let url = String(rest[rest.index(after: open)..<close])
            rest = rest[rest.index(after: close)...]
            // Parameters run to the next entry's `<` (a quoted value may hold commas).
            var parameters: [String: String] = [:]
            var segment = rest.prefix { $0 != "<" }
            rest = rest.dropFirst(segment.count)
            while let semicolon = segment.firstIndex(of: ";") {
                segment = segment[segment.index(after: semicolon)...]
                let end = Self.endOfParameter(segment)
                let pair = segment[..<end]
                segment = segment[end...]
                guard let equals = pair.firstIndex(of: "=") else { continue }
                let name = pair[..<equals].trimmed.lowercased()
                // A parameter's name is a token (`rel`, `results`, `cursor`); anything else is
                // the debris of a broken value, and is dropped rather than guessed at.
                guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.isASCIIAlphanumeric || "!#$%&'*+-.^_`|~".unicodeScalars.contains($0) })
                else { continue }
                var value = pair[pair.index(after: equals)...].trimmed
                if value.hasSuffix(",") { value.removeLast() }
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                parameters[name] = value
            }
            entries.append(Entry(url: url, parameters: parameters))
        }
    }

    /// The end of one `name=value` (the next `;` outside quotes).
    private static func endOfParameter(_ text: Substring) -> Substring.Index {
        var inQuotes = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "\"" { inQuotes.toggle() }
            if character == ";", !inQuotes { return index }
            index = text.index(after: index)
        }
        return index
    }

    /// The cursor of the next page, when there is one.
    var nextCursor: String? {
        guard let next = entries.first(where: { $0.rel?.split(separator: " ").contains("next") == true }),
              next.results != false
        else { return nil }
        return next.cursor
    }
}
