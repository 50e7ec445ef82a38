import SentryModels
@testable import SentryAPI
import Synchronization
import Testing

final class Counters: Sendable {
    let state = Mutex((running: 0, peak: 0))
}

@Suite struct ConcurrencyLimiterTests {
    @Test func neverMoreInFlightThanTheLimit() async {
        let limiter = ConcurrencyLimiter(limit: 2)
        let counters = Counters()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    await limiter.acquire()
                    counters.state.withLock { $0.running += 1; $0.peak = max($0.peak, $0.running) }
                    try? await Task.sleep(for: .milliseconds(2))
                    counters.state.withLock { $0.running -= 1 }
                    limiter.release()
                }
            }
        }
        #expect(counters.state.withLock { $0.peak } == 2)
        #expect(counters.state.withLock { $0.running } == 0)
    }

    @Test func aLoweredLimitTakesEffectAsRequestsFinish() async {
        let limiter = ConcurrencyLimiter(limit: 4)
        limiter.lower(to: 1)
        #expect(limiter.limit == 1)
        limiter.lower(to: 10)
        #expect(limiter.limit == 1, "the server may only lower it")
        limiter.lower(to: 0)
        #expect(limiter.limit == 1, "at least one request can always run")
    }
}

@Suite struct UpdateVerificationTests {
    let key = ProjectKey(
        id: "k", name: "Web", label: "Web", public: "k", projectId: 1, isActive: true, rateLimit: RateLimit(window: 60, count: 5),
        dsn: ProjectKeyDSN(public: "https://k@o1.ingest.example/1"), browserSdkVersion: "7.x",
        dynamicSdkLoaderOptions: DynamicSDKLoaderOptions(hasReplay: true, hasDebug: false)
    )

    @Test func appliedUpdatesHaveNothingMissing() {
        #expect(UpdateProjectKeyRequest(name: "Web", isActive: true, rateLimit: .value(RateLimit(window: 60, count: 5))).fieldsNotApplied(in: key).isEmpty)
        #expect(UpdateProjectKeyRequest(rateLimit: .value(RateLimit(window: 60, count: 0))).fieldsNotApplied(in: ProjectKey(
            id: "k", name: "Web", label: "Web", public: "k", projectId: 1, dsn: ProjectKeyDSN(public: "x"))).isEmpty, "a zero count stores no limit")
    }

    @Test func everyIgnoredFieldIsNamed() {
        let update = UpdateProjectKeyRequest(name: "Renamed", isActive: false, rateLimit: .null, browserSdkVersion: "8.x",
                                             dynamicSdkLoaderOptions: DynamicSDKLoaderOptions(hasReplay: false, hasDebug: false))
        #expect(update.fieldsNotApplied(in: key) == ["name", "isActive", "rateLimit", "browserSdkVersion", "dynamicSdkLoaderOptions.hasReplay"])
    }
}
