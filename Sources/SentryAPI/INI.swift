/// An INI file such as `~/.sentryclirc`: `[section]` headers and `key = value` lines.
enum INI {
    static func parse(_ text: String) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var section = ""
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmed
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast()).trimmed.lowercased()
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmed.lowercased()
            let value = line[line.index(after: equals)...].trimmed
            guard !key.isEmpty else { continue }
            sections[section, default: [:]][key] = value
        }
        return sections
    }
}
