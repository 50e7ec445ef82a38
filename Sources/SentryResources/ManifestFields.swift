/// The fields a manifest may have, with their meaning: what the reader accepts and what the
/// JSON Schema describes.
enum ManifestFields {
    static let top: [(name: String, help: String)] = [
        ("app", "The application the stack belongs to; with the stage it names the state."),
        ("stage", "The stage (prod, staging, ...); the command line's --stage overrides it."),
        ("organization", "The organization of every key that names none; SENTRY_ORG when absent."),
        ("keys", "The client keys, by their id in the stack."),
    ]

    static let key: [(name: String, help: String)] = [
        ("name", "The key's name on the server; <app>-<stage>-<id> when absent."),
        ("project", "The slug of the project that owns the key."),
        ("organization", "The organization's slug; the file's organization when absent."),
        ("rateLimit", "Events allowed per window; none when absent or null."),
        ("useCase", "The key's use case (Sentry honours it for superusers only)."),
        ("adopt", "Take over an existing key of the same name on the first run instead of creating one."),
        ("isActive", "Whether the key accepts events (default true)."),
        ("browserSdkVersion", "The JavaScript SDK version the loader serves (latest, 10.x, 9.x, ...)."),
        ("dynamicSdkLoaderOptions", "Loader features to turn on or off; unset ones are left alone."),
        ("rotation", "Replace the key with a successor every period ({every: 90d, grace: 7d, retire: 30d}); the old key stays active for grace, then is deactivated, and deleted retire later."),
        ("outputName", "The prefix of the key's output variables (WEB for WEB_DSN); from the id when absent."),
    ]
}
