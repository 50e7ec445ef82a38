import AsyncHTTPClient
import BenchmarkSupport
import Foundation
import NIOSSL
import SentryAPI

// SentryClient, the client swift-openapi-generator generates from Sentry's official schema, and
// curl, against the same sandbox servers (processes of their own, started by ../run): one plain,
// one HTTPS with a certificate authority made for the run. On each, in alternating rounds:
// 1,000 sequential retrieves of one key over one kept-alive connection, and 100 pages of 100 keys.
// The retrieves are also made with async-http-client alone, to show how much of SentryClient's
// time against curl's is the HTTP library's, and the same answers are decoded by JSONDecoder
// alone (the retrieve's body 1,000 times, each page once), to show how much is the decoding.
//
// Usage: ClientComparison ROUNDS PLAIN_URL HTTPS_URL CA_FILE; each server accepts bench-token
// and has the project bench/web, which this program fills with 10,000 keys.

let arguments = CommandLine.arguments
guard arguments.count == 5, let rounds = Int(arguments[1]) else {
    FileHandle.standardError.write(Data("usage: ClientComparison ROUNDS PLAIN_URL HTTPS_URL CA_FILE\n".utf8))
    exit(2)
}
let (plainURL, httpsURL, caFile) = (arguments[2], arguments[3], arguments[4])
let token = "bench-token"
let keyCount = 10_000
let retrieves = 1_000
let work = FileManager.default.temporaryDirectory.appendingPathComponent("client-comparison-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: work) }

func timed(_ body: () async throws -> Void) async rethrows -> Double {
    let start = ContinuousClock.now
    try await body()
    return seconds(ContinuousClock.now - start)
}

func curlConfig(_ name: String, urls: [String], https: Bool) throws -> URL {
    var text = "silent\nfail\nheader = \"Authorization: Bearer \(token)\"\n" + (https ? "cacert = \"\(caFile)\"\n" : "")
    for url in urls { text += "url = \"\(url)\"\noutput = \"/dev/null\"\n" }
    let file = work.appendingPathComponent("\(name).cfg")
    try text.write(to: file, atomically: true, encoding: .utf8)
    return file
}

/// An async-http-client configured as SentryClient's transport configures it: the run's
/// authority trusted, HTTP/1.1 only on plain HTTP, no tracing, no redirects.
func makeHTTPClient(https: Bool) -> HTTPClient {
    var configuration = HTTPClient.Configuration()
    if https {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(caFile)
        configuration.tlsConfiguration = tls
    } else {
        configuration.httpVersion = .http1Only
    }
    configuration.tracing.tracer = nil
    configuration.redirectConfiguration = .disallow
    return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
}

/// The body and the `Link` header of a `GET` of `url`.
func body(of url: String, with http: HTTPClient) async throws -> (body: Data, link: String?) {
    var request = HTTPClientRequest(url: url)
    request.headers.add(name: "Authorization", value: "Bearer \(token)")
    let response = try await http.execute(request, timeout: .seconds(30))
    return (Data((try await response.body.collect(upTo: 1 << 22)).readableBytesView), response.headers.first(name: "Link"))
}

/// The URLs and bodies of every page of the project's keys, 100 a page, following the `Link` cursors.
func pages(_ base: String, https: Bool) async throws -> [(url: String, body: Data)] {
    let http = makeHTTPClient(https: https)
    defer { _ = http.shutdown() }
    let first = "\(base)/api/0/projects/bench/web/keys/?per_page=100"
    var pages: [(url: String, body: Data)] = []
    var next: String? = first
    while let url = next {
        let (body, link) = try await body(of: url, with: http)
        pages.append((url, body))
        next = link.flatMap(LinkMiddleware.nextCursor(inLink:)).map { "\(first)&cursor=\($0)" }
    }
    return pages
}

struct Measured { var ours: [Double] = [], official: [Double] = [], curl: [Double] = [], raw: [Double] = [], decoding: [Double] = [] }
var rows: [(String, Measured)] = []

for (label, url, https) in [("plain HTTP", plainURL, false), ("HTTPS", httpsURL, true)] {
    let ours = OurKeys(serverURL: url, token: token, caFile: https ? caFile : nil, organization: "bench", project: "web")
    let official = try OfficialKeys(serverURL: url, token: token, caFile: https ? caFile : nil, organization: "bench", project: "web")
    let id = try await ours.seed(keyCount)
    let retrieveURL = "\(url)/api/0/projects/bench/web/keys/\(id)/"
    let retrieveConfig = try curlConfig("retrieve-\(https)", urls: Array(repeating: retrieveURL, count: retrieves), https: https)
    let pages = try await pages(url, https: https)
    guard pages.count == keyCount / 100 else { fatalError("expected \(keyCount / 100) pages, found \(pages.count)") }
    let listConfig = try curlConfig("list-\(https)", urls: pages.map(\.url), https: https)

    func retrieveOurs() async throws { for _ in 0..<retrieves { _ = try await ours.retrieve(id) } }
    func retrieveOfficial() async throws { for _ in 0..<retrieves { _ = try await official.retrieve(id) } }
    let raw = makeHTTPClient(https: https)
    let retrieveBody = try await body(of: retrieveURL, with: raw).body
    func retrieveRaw() async throws {
        for _ in 0..<retrieves {
            var request = try HTTPClient.Request(url: retrieveURL)
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            guard try await raw.execute(request: request).get().status == .ok else { fatalError("async-http-client's retrieve failed") }
        }
    }
    // A new JSONDecoder for each answer, as SentryClient decodes them.
    func decodeRetrieves() throws {
        for _ in 0..<retrieves { guard try JSONDecoder().decode(ProjectKey.self, from: retrieveBody).id == id else { fatalError("decoded a wrong key") } }
    }
    func decodePages() throws {
        for page in pages { guard try JSONDecoder().decode([ProjectKey].self, from: page.body).count == 100 else { fatalError("decoded a wrong page") } }
    }
    func listOurs() async throws { guard try await ours.listAll() == keyCount else { fatalError("SentryClient listed a wrong count") } }
    func listOfficial() async throws { guard try await official.listAll() == keyCount else { fatalError("the generated client listed a wrong count") } }

    // Warm every path once, then alternate so that none gets a quieter machine.
    try await retrieveOurs(); try await retrieveOfficial(); _ = try curl(config: retrieveConfig); try await retrieveRaw()
    try await listOurs(); try await listOfficial(); _ = try curl(config: listConfig)
    var retrieve = Measured(), list = Measured()
    for _ in 0..<rounds {
        retrieve.ours.append(try await timed(retrieveOurs))
        retrieve.official.append(try await timed(retrieveOfficial))
        retrieve.curl.append(try curl(config: retrieveConfig))
        retrieve.raw.append(try await timed(retrieveRaw))
        retrieve.decoding.append(try await timed(decodeRetrieves))
        list.ours.append(try await timed(listOurs))
        list.official.append(try await timed(listOfficial))
        list.curl.append(try curl(config: listConfig))
        list.decoding.append(try await timed(decodePages))
    }
    try await ours.shutdown()
    try await official.shutdown()
    try await raw.shutdown()
    rows.append(("1,000 sequential retrieves, \(label)", retrieve))
    rows.append(("100 pages of 100 keys, \(label)", list))
}

let benchmark = "SentryClient vs swift-openapi-generator client vs curl"
var table = """
SentryClient vs the swift-openapi-generator 1.14.3 client of Sentry's official schema vs curl, one sandbox server each for plain HTTP and HTTPS (processes of their own), \(rounds) rounds, median (min-max)

| measure | SentryClient | generated client | curl | SentryClient / curl | SentryClient / generated | async-http-client alone / curl | JSONDecoder alone | SentryClient less JSONDecoder / curl |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |

"""
for (measure, measured) in rows {
    let (ours, official, curl) = (Spread(measured.ours), Spread(measured.official), Spread(measured.curl))
    let toCurl = ours.median / curl.median, toOfficial = ours.median / official.median
    let https = measure.hasSuffix("HTTPS")
    recordRow(benchmark: benchmark, measure: "\(measure): SentryClient vs curl", ours: ours.text("s"), theirs: curl.text("s"),
              ratio: String(format: "%.2fx", toCurl), goal: https ? "<= 1.3x" : "", met: https ? toCurl <= 1.3 : nil)
    recordRow(benchmark: benchmark, measure: "\(measure): SentryClient vs the generated client", ours: ours.text("s"), theirs: official.text("s"),
              ratio: String(format: "%.2fx", toOfficial), goal: "< 1x", met: toOfficial < 1)
    recordRow(benchmark: benchmark, measure: "\(measure): the generated client vs curl", ours: official.text("s"), theirs: curl.text("s"),
              ratio: String(format: "%.2fx", official.median / curl.median))
    var rawToCurl = "-"
    if !measured.raw.isEmpty {
        let raw = Spread(measured.raw)
        rawToCurl = String(format: "%.2fx", raw.median / curl.median)
        recordRow(benchmark: benchmark, measure: "\(measure): async-http-client alone vs curl", ours: raw.text("s"), theirs: curl.text("s"),
                  ratio: rawToCurl)
    }
    let decoding = Spread(measured.decoding)
    // Each round's SentryClient time less the same round's decoding time.
    let undecoded = Spread(zip(measured.ours, measured.decoding).map { $0 - $1 })
    let lessDecoding = String(format: "%.2fx", undecoded.median / curl.median)
    recordRow(benchmark: benchmark, measure: "\(measure): JSONDecoder alone on the same answers vs curl", ours: decoding.text("s"), theirs: curl.text("s"),
              ratio: String(format: "%.2fx", decoding.median / curl.median))
    recordRow(benchmark: benchmark, measure: "\(measure): SentryClient less JSONDecoder's time vs curl", ours: undecoded.text("s"), theirs: curl.text("s"),
              ratio: lessDecoding)
    table += "| \(measure) | \(ours.text("s")) | \(official.text("s")) | \(curl.text("s")) | \(String(format: "%.2fx", toCurl)) | \(String(format: "%.2fx", toOfficial)) | \(rawToCurl) | \(decoding.text("s")) | \(lessDecoding) |\n"
}
print(table)
