#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SentryAPI
import SentryResources

/// Prints keys as a table for people, as JSON for scripts (one document, nothing else on stdout)
/// or as a `.env` file's lines.
struct Output {
    let format: KeyOutputFormat
    let showSecrets: Bool
    let outputName: String

    init(_ options: OutputOptions) {
        format = options.format
        showSecrets = options.showSecrets
        outputName = options.outputName
    }

    func key(_ key: ProjectKey) {
        switch format {
        case .json: print(Self.json(key))
        case .env:
            Self.printEnvironment(Self.variables(prefix: outputName, dsn: key.dsn.public, secretDSN: key.dsn.secret,
                                                 secret: key.secret, showSecrets: showSecrets))
        case .table:
            let rows: [(String, String)] = [
                ("id", key.id), ("name", key.name), ("public", key.public), ("secret", mask(key.secret)),
                ("active", key.isActive.map { $0 ? "yes" : "no" } ?? "?"), ("rate limit", Self.describe(key.rateLimit)),
                ("dsn", key.dsn.public), ("secret dsn", maskDSN(key.dsn.secret)), ("project id", String(key.projectId)),
                ("browser sdk", key.browserSdkVersion?.rawValue ?? "-"), ("created", key.dateCreated?.rawValue ?? "-"),
            ]
            let width = rows.map(\.0.count).max()!
            for (label, value) in rows { print(label.padded(to: width) + "  " + value) }
        }
    }

    func keys(_ keys: [ProjectKey]) {
        switch format {
        case .json: print(Self.json(keys))
        case .table, .env:
            Self.table([["ID", "NAME", "ACTIVE", "RATE LIMIT", "SECRET", "DSN"]] + keys.map {
                [$0.id, $0.name, $0.isActive.map { $0 ? "yes" : "no" } ?? "?", Self.describe($0.rateLimit), mask($0.secret), $0.dsn.public]
            })
        }
    }

    /// `PREFIX_DSN` and, with `--show-secrets`, `PREFIX_SECRET_DSN` and `PREFIX_SECRET`, for those
    /// the key has.
    static func variables(prefix: String, dsn: String, secretDSN: String?, secret: String?, showSecrets: Bool) -> [(String, String)] {
        let names = Manifest.outputVariables(prefix: prefix)
        let values = showSecrets ? [dsn, secretDSN, secret] : [dsn]
        return zip(names, values).compactMap { name, value in value.map { (name, $0) } }
    }

    /// `NAME=value` lines, valid both as a `.env` file and as shell.
    static func printEnvironment(_ variables: [(String, String)]) {
        for (name, value) in variables { print("\(name)=\(shellQuoted(value))") }
    }

    /// The value as it is when it needs no quoting (DSNs never do), else in single quotes.
    static func shellQuoted(_ value: String) -> String {
        let plain = value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "@%+=:,./_-".contains($0)) }
        return plain && !value.isEmpty ? value : "'" + value.replacing("'", with: "'\\''") + "'"
    }

    /// Prints rows as columns, each as wide as its widest cell; the first row is the heading.
    static func table(_ rows: [[String]]) {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max()! }
        for row in rows {
            print(zip(row, widths).map { $0.padded(to: $1) }.joined(separator: "  ").trimmed)
        }
    }

    /// `189485…8858`, unless `--show-secrets`.
    func mask(_ secret: String?) -> String {
        guard let secret else { return "-" }
        if showSecrets || secret.count < 12 { return showSecrets ? secret : "…" }
        return secret.prefix(6) + "…" + secret.suffix(4)
    }

    func maskDSN(_ dsn: String?) -> String {
        guard let dsn else { return "-" }
        if showSecrets { return dsn }
        guard let at = dsn.firstIndex(of: "@"), let colon = dsn[..<at].lastIndex(of: ":") else { return "…" }
        return String(dsn[...colon]) + "…" + String(dsn[at...])
    }

    static func describe(_ limit: RateLimit?) -> String {
        limit.map { "\($0.count) per \($0.window) s" } ?? "none"
    }

    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }
}

extension String {
    /// Followed by spaces up to `width` characters.
    func padded(to width: Int) -> String {
        self + String(repeating: " ", count: max(0, width - count))
    }
}
