import Foundation
import NIOSSL
import PostgresNIO
import SentryAPI
import SentryResources

extension PostgresStateStore {
    /// Where the database is and how to reach it.
    public struct Configuration: Sendable {
        /// The server's host name or IP address.
        public var host: String
        /// The server's port; 5432 by default.
        public var port: Int
        /// The user to connect as.
        public var username: String
        /// The user's password, if the server asks for one.
        public var password: Secret?
        /// The database; the user's name when `nil`.
        public var database: String?
        /// The schema the state table lives in (created when missing); `public` by default.
        public var schema: String
        /// TLS, passed to postgres-nio as it is; `.disable` by default.
        public var tls: PostgresConnection.Configuration.TLS
        /// Time allowed to establish a connection.
        public var connectTimeout: Duration
        /// Time allowed for one read or write of state; past it, the connection counts as lost.
        public var queryTimeout: Duration

        /// A configuration from its parts.
        ///
        /// - Throws: a `StateError` when `schema` is not a plain lowercase SQL name.
        public init(host: String, port: Int = 5432, username: String, password: Secret? = nil, database: String? = nil,
                    schema: String = "public", tls: PostgresConnection.Configuration.TLS = .disable,
                    connectTimeout: Duration = .seconds(10), queryTimeout: Duration = .seconds(30)) throws(StateError) {
            guard Self.isPlainName(schema) else {
                throw StateError(.invalidConfiguration, "The state schema \"\(schema)\" is not allowed: use lowercase letters, digits and underscores, starting with a letter or underscore, at most 63 characters.")
            }
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.database = database
            self.schema = schema
            self.tls = tls
            self.connectTimeout = connectTimeout
            self.queryTimeout = queryTimeout
        }

        /// A configuration from a URL in libpq's form,
        /// `postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=require&schema=NAME`.
        ///
        /// Query parameters: `sslmode` (`disable`, `prefer`, `require`: encrypted, certificate
        /// not checked; `verify-ca`; `verify-full`: certificate and host name checked),
        /// `sslrootcert` (a PEM file of trusted roots), `schema`, `connect_timeout` and
        /// `query_timeout` (seconds).
        /// Any other parameter is an error, so that a misspelt one is not silently ignored.
        ///
        /// - Throws: a `StateError` naming the part of the URL that is wrong; never the password.
        public init(url: String) throws(StateError) {
            guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
                  ["postgres", "postgresql"].contains(scheme) else {
                throw StateError(.invalidConfiguration, "The state URL is not a PostgreSQL URL: it must look like postgres://USER:PASSWORD@HOST:PORT/DATABASE.")
            }
            guard let host = components.host, !host.isEmpty else {
                throw StateError(.invalidConfiguration, "The state URL names no host: it must look like postgres://USER:PASSWORD@HOST:PORT/DATABASE.")
            }
            guard let user = components.user, !user.isEmpty else {
                throw StateError(.invalidConfiguration, "The state URL names no user: it must look like postgres://USER:PASSWORD@HOST:PORT/DATABASE.")
            }
            let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
            var mode = "disable"
            var rootCertificate: String?
            var schema = "public"
            var timeout = Duration.seconds(10)
            var queryTimeout = Duration.seconds(30)
            for item in components.queryItems ?? [] {
                let value = item.value ?? ""
                switch item.name {
                case "sslmode": mode = value
                case "sslrootcert": rootCertificate = value
                case "schema": schema = value
                case "connect_timeout", "query_timeout":
                    guard let seconds = Int(value), seconds > 0 else {
                        throw StateError(.invalidConfiguration, "The state URL's \(item.name) must be a positive number of seconds (got \"\(value)\").")
                    }
                    if item.name == "connect_timeout" { timeout = .seconds(seconds) } else { queryTimeout = .seconds(seconds) }
                default:
                    throw StateError(.invalidConfiguration, "The state URL has a parameter this store does not know: \"\(item.name)\" (known: sslmode, sslrootcert, schema, connect_timeout, query_timeout).")
                }
            }
            try self.init(host: host, port: components.port ?? 5432, username: user, password: components.password.map { Secret($0) },
                          database: path.isEmpty ? nil : path, schema: schema,
                          tls: Self.tls(mode: mode, rootCertificate: rootCertificate), connectTimeout: timeout, queryTimeout: queryTimeout)
        }

        /// libpq's `sslmode` values, mapped onto postgres-nio's TLS settings.
        static func tls(mode: String, rootCertificate: String?) throws(StateError) -> PostgresConnection.Configuration.TLS {
            var tls = TLSConfiguration.makeClientConfiguration()
            if let rootCertificate { tls.trustRoots = .file(rootCertificate) }
            do {
                switch mode {
                case "disable": return .disable
                case "allow", "prefer":
                    tls.certificateVerification = .none
                    return .prefer(try NIOSSLContext(configuration: tls))
                case "require":
                    tls.certificateVerification = .none
                    return .require(try NIOSSLContext(configuration: tls))
                case "verify-ca":
                    tls.certificateVerification = .noHostnameVerification
                    return .require(try NIOSSLContext(configuration: tls))
                case "verify-full":
                    return .require(try NIOSSLContext(configuration: tls))
                default:
                    throw StateError(.invalidConfiguration, "The state URL's sslmode must be disable, prefer, require, verify-ca or verify-full (got \"\(mode)\").")
                }
            } catch let error as StateError {
                throw error
            } catch {
                throw StateError(.invalidConfiguration, "TLS for the state database cannot be set up (sslmode \(mode)): \(error).")
            }
        }

        static func isPlainName(_ name: String) -> Bool {
            guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 63 else { return false }
            let lower = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz_")
            return lower.contains(first) && name.unicodeScalars.allSatisfy { lower.contains($0) || ("0"..."9").contains($0) }
        }
    }
}
