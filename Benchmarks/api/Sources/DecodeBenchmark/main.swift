import BenchmarkSupport
import Foundation
import SentryAPI
import SentrySandbox

// Decoding a page of 100 keys with JSONDecoder, as SentryClient does: the whole page, and its
// `browserSdk` objects alone, read by the models' `[[String]]` overload (Runtime.swift) against
// the same shape declared here, which decodes through the standard library's generic `Array`.
// Both of those include reading the page itself, measured as decoding it into empty objects and
// taken off before the ratio. Alternating rounds; the medians are per key.
//
// Usage: DecodeBenchmark [ROUNDS (21)]

let rounds = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 21 : 21
let sandbox = try Sandbox(configuration: SandboxConfiguration(
    seed: [("bench", ["web"])], tokens: [SandboxToken("bench-token")], defaultKeys: false))
for index in 1...100 {
    await sandbox.request("POST", "/api/0/projects/bench/web/keys/", body: #"{"name": "Key \#(index)"}"#, token: "bench-token")
}
let page = await sandbox.request("GET", "/api/0/projects/bench/web/keys/", query: [QueryItem(name: "per_page", value: "100")], token: "bench-token").body

/// Nothing of a key: what reading the page costs.
struct Nothing: Decodable {}
/// A key's `browserSdk` as the models read it.
struct Loader: Decodable { var browserSdk: BrowserSDK? }
/// The same shape, decoded by the standard library's generic `Array` path.
struct GenericLoader: Decodable {
    struct Choices: Decodable { var choices: [[String]]? }
    var browserSdk: Choices?
}

let decoder = JSONDecoder()
/// Microseconds per key to decode the page as `[T]`, 50 times over.
func perKey<T: Decodable>(_ type: T.Type) throws -> Double {
    let start = ContinuousClock.now
    for _ in 0..<50 {
        let items = try decoder.decode([T].self, from: page)
        precondition(items.count == 100)
    }
    return seconds(ContinuousClock.now - start) / 5_000 * 1e6
}

var keys: [Double] = [], overload: [Double] = [], generic: [Double] = []
_ = try perKey(ProjectKey.self)
for _ in 0..<rounds {
    let reading = try perKey(Nothing.self)
    keys.append(try perKey(ProjectKey.self))
    overload.append(try perKey(Loader.self) - reading)
    generic.append(try perKey(GenericLoader.self) - reading)
}
let (whole, ours, theirs) = (Spread(keys), Spread(overload), Spread(generic))
let benchmark = "Decoding a page of 100 keys (JSONDecoder)"
print("| measure | ours | generic Array path | ratio |")
print("| --- | --- | --- | --- |")
print("| a whole key | \(whole.text("µs", digits: 1)) | | |")
print("| its browserSdk, beyond reading the page | \(ours.text("µs", digits: 1)) | \(theirs.text("µs", digits: 1)) | \(String(format: "%.1fx faster", theirs.median / ours.median)) |")
recordRow(benchmark: benchmark, measure: "a whole key", ours: whole.text("µs", digits: 1))
recordRow(benchmark: benchmark, measure: "its browserSdk beyond reading the page: [[String]] overload vs the generic Array path",
          ours: ours.text("µs", digits: 1), theirs: theirs.text("µs", digits: 1), ratio: String(format: "%.1fx faster", theirs.median / ours.median))
