import SentryModels

extension RateLimit {
    /// The limit as Sentry stores and shows it: only when both numbers are above zero.
    public var asStored: RateLimit? { window > 0 && count > 0 ? self : nil }
}

extension DynamicSDKLoaderOptions {
    /// The JavaScript loader's options, by the name Sentry gives each (the spec's fields).
    public static var options: [(name: String, keyPath: WritableKeyPath<DynamicSDKLoaderOptions, Bool?>)] {
        fields.compactMap { field in (field.keyPath as? WritableKeyPath<DynamicSDKLoaderOptions, Bool?>).map { (field.name, $0) } }
    }
}

extension UpdateProjectKeyRequest {
    /// The fields this update set that `key` (the server's answer) does not show: some
    /// Sentry-compatible servers accept an update and ignore parts of it. Empty when all applied.
    public func fieldsNotApplied(in key: ProjectKey) -> [String] {
        var ignored: [String] = []
        if let name, key.name != name { ignored.append("name") }
        if let isActive, (key.isActive ?? true) != isActive { ignored.append("isActive") }
        switch rateLimit {
        case .null?: if key.rateLimit != nil { ignored.append("rateLimit") }
        case .value(let limit)?: if key.rateLimit != limit.asStored { ignored.append("rateLimit") }
        case nil: break
        }
        if let browserSdkVersion, key.browserSdkVersion != browserSdkVersion { ignored.append("browserSdkVersion") }
        if let options = dynamicSdkLoaderOptions {
            let now = key.dynamicSdkLoaderOptions ?? DynamicSDKLoaderOptions()
            for (name, path) in DynamicSDKLoaderOptions.options {
                if let wanted = options[keyPath: path], now[keyPath: path] != wanted { ignored.append("dynamicSdkLoaderOptions.\(name)") }
            }
        }
        return ignored
    }
}
