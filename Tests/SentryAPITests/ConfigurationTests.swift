import Foundation
@testable import SentryAPI
import Testing
import TestSupport

@Suite struct ConfigurationTests {
    let root: TemporaryDirectory
    let home: URL
    let work: URL

    init() throws {
        root = try TemporaryDirectory("config")
        home = root.url.appendingPathComponent("home")
        work = root.url.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    }

    func resolve(explicit: Secret? = nil, environment: [String: String] = [:]) throws(ConfigurationError) -> (token: Secret, source: AuthTokenSource) {
        try AuthTokenSource.resolve(explicit: explicit, environment: environment, currentDirectory: work, homeDirectory: home)
    }

    @Test func tokenSourcesAreTriedInOrder() throws {
        try Data("[defaults]\norg = x\n\n[auth]\ntoken = from-rc\n".utf8).write(to: home.appendingPathComponent(".sentryclirc"))
        #expect(try resolve().source == .sentryCLIRC)
        #expect(try resolve().token.revealed == "from-rc")
        try Data("# local\nexport SENTRY_AUTH_TOKEN=\"from-dotenv\"\nOTHER=1\n".utf8).write(to: work.appendingPathComponent(".env"))
        #expect(try resolve().token.revealed == "from-dotenv")
        #expect(try resolve().source == .dotEnv)
        #expect(try resolve(environment: ["SENTRY_AUTH_TOKEN": "from-env"]).token.revealed == "from-env")
        #expect(try resolve(explicit: "explicit", environment: ["SENTRY_AUTH_TOKEN": "from-env"]).source == .explicit)
    }

    @Test func directoriesAreLookedUpOnlyWhenTheirFileIsRead() throws {
        // Finding the home directory reads the user database: not needed when a token is given.
        let looked = LookupCounter()
        _ = try AuthTokenSource.resolve(explicit: "explicit", environment: [:], currentDirectory: looked.directory(work), homeDirectory: looked.directory(home))
        _ = try AuthTokenSource.resolve(explicit: nil, environment: ["SENTRY_AUTH_TOKEN": "t"], currentDirectory: looked.directory(work), homeDirectory: looked.directory(home))
        #expect(looked.count == 0)
        try Data("[auth]\ntoken = from-rc\n".utf8).write(to: home.appendingPathComponent(".sentryclirc"))
        let found = try AuthTokenSource.resolve(explicit: nil, environment: [:], currentDirectory: looked.directory(work), homeDirectory: looked.directory(home))
        #expect(found.source == .sentryCLIRC)
        #expect(looked.count == 2)
    }

    @Test func missingOrEmptyTokensSayWhatToSet() {
        #expect(throws: ConfigurationError.self) { try resolve() }
        do {
            _ = try resolve()
        } catch {
            #expect(error.kind == .missingToken)
            #expect(error.description.hasPrefix("No Sentry auth token: set SENTRY_AUTH_TOKEN"))
        }
        #expect(throws: ConfigurationError(.emptyToken, "SENTRY_AUTH_TOKEN is set but empty: set it to a Sentry auth token, or unset it.")) {
            try resolve(environment: ["SENTRY_AUTH_TOKEN": " "])
        }
        #expect(throws: ConfigurationError(.emptyToken, "The auth token given is empty: pass a Sentry auth token.")) { try resolve(explicit: "") }
    }

    @Test func baseURLs() throws {
        #expect(try SentryRegion.baseURL(explicit: nil, region: nil, environment: [:]).absoluteString == "https://sentry.io")
        #expect(try SentryRegion.baseURL(explicit: nil, region: .de, environment: [:]).absoluteString == "https://de.sentry.io")
        #expect(try SentryRegion.baseURL(explicit: nil, region: .us, environment: ["SENTRY_URL": "https://x.example"]).absoluteString == "https://us.sentry.io")
        #expect(try SentryRegion.baseURL(explicit: nil, region: nil, environment: ["SENTRY_URL": "https://sentry.example.com/"]).absoluteString == "https://sentry.example.com")
        #expect(try SentryRegion.baseURL(explicit: "http://127.0.0.1:9000/api/0/", region: nil, environment: [:]).absoluteString == "http://127.0.0.1:9000")
        #expect(try SentryRegion.baseURL(explicit: "https://self.hosted/sentry", region: nil, environment: [:]).absoluteString == "https://self.hosted/sentry")
        for bad in ["sentry.io", "ftp://sentry.io", "https://", "not a url", "https://x.io/?a=1"] {
            #expect(throws: ConfigurationError.self, "\(bad)") { try SentryRegion.baseURL(explicit: bad, region: nil, environment: [:]) }
        }
    }

    @Test func dotEnvAndINIReaders() {
        let env = DotEnv.parse("A=1\n  B = two words # note\nC='quoted # not a comment'\n#D=4\nexport E=5\nbroken line\n=nameless\n")
        #expect(env == ["A": "1", "B": "two words", "C": "quoted # not a comment", "E": "5"])
        let ini = INI.parse("; c\n[Auth]\nToken = abc \n[defaults]\nurl=https://x\n")
        #expect(ini["auth"]?["token"] == "abc")
        #expect(ini["defaults"]?["url"] == "https://x")
    }
}

@Suite struct LinkHeaderTests {
    @Test func readsSentrysLinkHeader() {
        let link = LinkHeader(#"<https://sentry.io/api/0/projects/o/p/keys/?&cursor=100:0:1>; rel="previous"; results="false"; cursor="100:0:1", <https://sentry.io/api/0/projects/o/p/keys/?&cursor=90:0:0>; rel="next"; results="true"; cursor="90:0:0""#)
        #expect(link.entries.count == 2)
        #expect(link.nextCursor == "90:0:0")
    }

    @Test func noNextPageWhenResultsIsFalse() {
        #expect(LinkHeader(#"<https://a/?cursor=1:0:1>; rel="previous"; results="false"; cursor="1:0:1", <https://a/?cursor=1:1:0>; rel="next"; results="false"; cursor="1:1:0""#).nextCursor == nil)
    }

    @Test func readsALinkHeaderPrintedAsAPythonSet() {
        // As a Sentry-compatible server sends it: wrapped in {'...'}, a cursor only where there
        // are results, and `==` percent-encoded in the URL but not in the parameter.
        let link = #"{'<http://127.0.0.1:8000/api/0/projects/o/p/keys/>; rel="previous"; results="false", <http://127.0.0.1:8000/api/0/projects/o/p/keys/?cursor=bz01MA%3D%3D>; rel="next"; results="true"; cursor="bz01MA=="'}"#
        #expect(LinkHeader(link).nextCursor == "bz01MA==")
        #expect(LinkHeader(#"{'<http://a/>; rel="previous"; results="false", <http://a/>; rel="next"; results="false"'}"#).nextCursor == nil)
    }

    @Test func toleratesOtherHostsOrderWrappingAndMissingParameters() {
        let wrapped = "<https://eu.other.host/x?per_page=100&cursor=5:0:0>;\n rel=\"next\";\n results=\"true\",\n <https://eu.other.host/x?cursor=9:0:1>; rel=\"previous\"; results=\"false\""
        #expect(LinkHeader(wrapped).nextCursor == "5:0:0", "cursor from the URL when the parameter is missing")
        #expect(LinkHeader(#"<https://a/>; rel=next; results=true; cursor=7:0:0"#).nextCursor == "7:0:0")
    }

    @Test(arguments: ["", "garbage", "<unterminated; rel=\"next\"", "<https://a/>; rel=\"previous\"; results=\"true\"; cursor=\"1:0:0\"", "<https://a/>; rel=\"next\"; results=\"true\""])
    func malformedHeadersGiveNoNextCursor(_ text: String) {
        #expect(LinkHeader(text).nextCursor == nil)
    }
}

/// Counts the directory lookups that `AuthTokenSource.resolve` makes.
private final class LookupCounter {
    var count = 0
    func directory(_ url: URL) -> URL {
        count += 1
        return url
    }
}
