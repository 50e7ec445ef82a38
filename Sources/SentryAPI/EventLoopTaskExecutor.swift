import NIOCore

/// Runs tasks on one NIO event loop. async-http-client completes a request's future on its
/// event loop; a task that waits for it there resumes at once instead of waking a thread of
/// the global pool. NIO 2.101 offers event loops as actor executors, not as task executors.
///
/// `AsyncHTTPClientTransport` waits for its responses on one; a program that makes one request
/// after another can run all its work there (`withTaskExecutorPreference`), as the `sentry-sdk`
/// command line does: its network thread is then the only one it needs.
public final class EventLoopTaskExecutor: TaskExecutor {
    private let loop: any EventLoop

    /// An executor on `loop`'s thread.
    public init(_ loop: any EventLoop) { self.loop = loop }

    /// Runs `job` on the loop's thread.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
