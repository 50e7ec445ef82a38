// The generated models are part of SentryAPI's interface: `import SentryAPI` brings them too.
@_exported import SentryModels
