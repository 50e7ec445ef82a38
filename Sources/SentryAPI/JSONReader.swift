#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decodes response bodies into the generated models.
///
/// Written here rather than taken from a package because no package of ours does it faster
/// than Foundation's `JSONDecoder`, and decoding was the largest part of the client's own time
/// per request: 17-19 µs for one `ProjectKey` with `JSONDecoder` (Benchmarks/api). This decoder
/// reads the body once into a flat list of values. The generated models then read their fields
/// from it by name (`JSONReading`, through `JSONDocumentReader`): no containers, coding keys or
/// type metadata at run time (a `send` without network: 7 µs -> 4 µs). A value they do not
/// expect (a missing field, a wrong type, an integer written with an exponent) sends the
/// document through `Decodable` instead, answered from the same list, finding keys by comparing
/// bytes instead of building a dictionary per object; it keeps no coding path while decoding,
/// and finds one from the document when an error needs it.
///
/// It accepts and refuses what `JSONDecoder` does, leniencies included (a comma before a
/// closing bracket; bad escapes, control characters and malformed numbers are errors only when
/// the value is read), and fails as it does (`DecodingError` with the coding path). It hands
/// `JSONDecoder` what that one treats in its own way: UTF-16 and UTF-32 documents, `Data`, `URL`
/// and `Decimal` values, and integers written with a fraction or an exponent. FuzzTests compares
/// the two on mutated documents.
enum JSONReader {
    /// Decodes a value of `type` from a JSON document.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        // A document in UTF-16 or UTF-32 (a byte-order mark, or a zero byte among the first
        // four, as RFC 4627 tells them apart): JSONDecoder reads those; Sentry sends UTF-8.
        let foreign = data.withUnsafeBytes { raw in
            let head = raw.prefix(4)
            return head.contains(0) || head.starts(with: [0xFE, 0xFF]) || head.starts(with: [0xFF, 0xFE])
        }
        if foreign { return try JSONDecoder().decode(type, from: data) }
        let document = try Document(data)
        // The generated models read themselves; what they do not expect goes through
        // `Decodable`, which reads the same documents the same way and explains failures.
        if !document.hasBadKey, let value = try? JSONReading.read(type, from: JSONNode(document, index: 0)) {
            return value
        }
        return try ValueDecoder(document, node: 0).decodeValue(type)
    }
}

/// A parsed document: the bytes and one node per value, in document order. Both are kept in
/// memory of its own rather than in arrays, so that reading a node or a byte costs no reference
/// counting (it happens several times for every field decoded).
final class Document {
    /// `badString`: a string with an unescaped control character, a bad escape or bytes that are
    /// not UTF-8, which JSONDecoder reports only when the string (or its object, for a key) is
    /// decoded; so does this decoder.
    /// `badNumber`: characters of a number that do not form one; reported likewise.
    enum Kind: UInt8 { case object, array, string, escapedString, badString, number, badNumber, `true`, `false`, null }

    struct Node {
        var kind: Kind
        /// Containers: the number of members or elements.
        var count: Int32
        /// The value's bytes; for strings, between the quotes.
        var start: Int32
        var end: Int32
        /// The node after this value and everything in it.
        var next: Int32
    }

    let bytes: UnsafeMutableBufferPointer<UInt8>
    /// The nodes, in room that may hold more than the parser wrote: a node is only ever reached
    /// from the first one, through `next` and the containers' members.
    let nodes: UnsafeMutableBufferPointer<Node>
    /// Whether some object has a key that is a bad string: decoding that object fails
    /// (whichever member is read), which only the `Decodable` path reports correctly.
    let hasBadKey: Bool

    init(_ data: Data) throws {
        // One pass over Data's bytes.
        let bytes = try data.withUnsafeBytes { raw in
            // A UTF-8 byte-order mark is skipped, as JSONDecoder does.
            let body = raw.starts(with: [0xEF, 0xBB, 0xBF]) ? UnsafeRawBufferPointer(rebasing: raw.dropFirst(3)) : raw
            guard body.count < Int32.max else { throw Self.invalid("The document is too large.") }
            let bytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: body.count)
            _ = bytes.initialize(from: body)
            return bytes
        }
        // Keys and values of API responses average well over 16 bytes each: one allocation for
        // most documents, without reserving far more than is used.
        var nodes = NodeList(capacity: bytes.count / 16 + 8)
        do {
            var parser = Parser(bytes: UnsafeBufferPointer(bytes))
            parser.skipWhitespace()
            try parser.value(into: &nodes, depth: 0)
            parser.skipWhitespace()
            guard parser.position == bytes.count else { throw Self.invalid("Unexpected text after the JSON value.") }
            hasBadKey = parser.hasBadKey
        } catch {
            bytes.deallocate()
            nodes.storage.deallocate()
            throw error
        }
        self.bytes = bytes
        self.nodes = nodes.storage
    }

    deinit {
        bytes.deallocate()
        nodes.deallocate()
    }

    static func invalid(_ detail: String) -> DecodingError {
        DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "The given data was not valid JSON. \(detail)"))
    }

    /// The text of a string node.
    func string(_ node: Node) -> String {
        // The parser has checked that the bytes are UTF-8.
        if node.kind == .string {
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[Int(node.start)..<Int(node.end)]), as: UTF8.self)
        }
        var unescaped: [UInt8] = []
        unescaped.reserveCapacity(Int(node.end - node.start))
        var index = Int(node.start)
        let end = Int(node.end)
        while index < end {
            let byte = bytes[index]
            index += 1
            guard byte == UInt8(ascii: "\\") else {
                unescaped.append(byte)
                continue
            }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): unescaped.append(escape)
            case UInt8(ascii: "b"): unescaped.append(0x08)
            case UInt8(ascii: "f"): unescaped.append(0x0C)
            case UInt8(ascii: "n"): unescaped.append(0x0A)
            case UInt8(ascii: "r"): unescaped.append(0x0D)
            case UInt8(ascii: "t"): unescaped.append(0x09)
            default: // u: the parser has checked the digits and the surrogate pairs
                var scalar = hex4(at: index)
                index += 4
                if (0xD800..<0xDC00).contains(scalar) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (hex4(at: index + 2) - 0xDC00)
                    index += 6
                }
                unescaped.append(contentsOf: UTF8.encode(Unicode.Scalar(scalar)!)!)
            }
        }
        return String(decoding: unescaped, as: UTF8.self)
    }

    private func hex4(at index: Int) -> UInt32 { Self.hex4(bytes[index..<index + 4])! }

    /// The value of four hexadecimal digits, or nil when they are not.
    static func hex4(_ digits: some Collection<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        for byte in digits {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// The text of a number node.
    func numberText(_ node: Node) -> Substring {
        Substring(decoding: bytes[Int(node.start)..<Int(node.end)], as: UTF8.self)
    }

    /// Whether a number node is written with a point or an exponent.
    func hasFractionOrExponent(_ node: Node) -> Bool {
        bytes[Int(node.start)..<Int(node.end)].contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
    }

    /// A number written as digits alone, as a `T`; nil when it does not fit.
    func integer<T: FixedWidthInteger>(_ node: Node, as _: T.Type) -> T? {
        var index = Int(node.start)
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        var magnitude: UInt64 = 0
        for byte in bytes[index..<Int(node.end)] {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            if overflow1 || overflow2 { return nil }
            magnitude = sum
        }
        if !negative { return T(exactly: magnitude) }
        if magnitude == 0 { return 0 }
        return T.isSigned && magnitude <= UInt64(T.max) + 1 ? T(truncatingIfNeeded: 0 &- magnitude) : nil
    }
}

/// The nodes as the parser appends them, in memory that the document then keeps as it is.
/// Not an array: an array would be copied into the document's memory at the end, and checked
/// for uniqueness at every append (about 2 µs less per retrieve in alternating A/B runs of
/// Benchmarks/api's loop).
struct NodeList {
    private(set) var storage: UnsafeMutableBufferPointer<Document.Node>
    private(set) var count = 0

    init(capacity: Int) { storage = .allocate(capacity: max(capacity, 4)) }

    mutating func append(_ node: Document.Node) {
        if count == storage.count {
            let larger = UnsafeMutableBufferPointer<Document.Node>.allocate(capacity: storage.count * 2)
            _ = larger.moveInitialize(fromContentsOf: storage)
            storage.deallocate()
            storage = larger
        }
        storage[count] = node
        count += 1
    }

    subscript(index: Int) -> Document.Node {
        get { storage[index] }
        set { storage[index] = newValue }
    }
}

/// Bytes that need no attention inside a string: not a quote, backslash, control character or
/// part of a multi-byte character. `false` for those (indexed by byte).
private let plainStringByte: [Bool] = (0...255).map { byte in
    byte >= 0x20 && byte < 0x80 && byte != Int(UInt8(ascii: "\"")) && byte != Int(UInt8(ascii: "\\"))
}

/// One pass over the bytes, checking the grammar and appending nodes.
private struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    /// Whether an object has a key that is a bad string (see `Document.hasBadKey`).
    var hasBadKey = false

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    mutating func value(into nodes: inout NodeList, depth: Int) throws {
        guard depth < 512 else { throw Document.invalid("The document nests deeper than 512 levels.") }
        guard position < bytes.count else { throw Document.invalid("Unexpected end of the document.") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            try container(.object, closing: UInt8(ascii: "}"), into: &nodes, depth: depth)
        case UInt8(ascii: "["):
            try container(.array, closing: UInt8(ascii: "]"), into: &nodes, depth: depth)
        case UInt8(ascii: "\""):
            try string(into: &nodes)
        case UInt8(ascii: "t"):
            try literal("true", kind: .true, into: &nodes)
        case UInt8(ascii: "f"):
            try literal("false", kind: .false, into: &nodes)
        case UInt8(ascii: "n"):
            try literal("null", kind: .null, into: &nodes)
        default:
            try number(into: &nodes)
        }
    }

    /// An object's members or an array's elements, up to `closing`; a comma before it is
    /// accepted, as JSONDecoder does.
    private mutating func container(_ kind: Document.Kind, closing: UInt8, into nodes: inout NodeList, depth: Int) throws {
        let index = nodes.count
        nodes.append(.init(kind: kind, count: 0, start: Int32(position), end: 0, next: 0))
        position += 1
        skipWhitespace()
        var count: Int32 = 0
        if position < bytes.count, bytes[position] == closing {
            position += 1
        } else {
            while true {
                if kind == .object {
                    guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw Document.invalid("An object key is not a string.") }
                    try string(into: &nodes)
                    if nodes[nodes.count - 1].kind == .badString { hasBadKey = true }
                    skipWhitespace()
                    try expect(UInt8(ascii: ":"))
                    skipWhitespace()
                }
                try value(into: &nodes, depth: depth + 1)
                count += 1
                skipWhitespace()
                guard position < bytes.count else { throw Document.invalid("Unexpected end of the document.") }
                guard bytes[position] == UInt8(ascii: ",") else {
                    try expect(closing)
                    break
                }
                position += 1
                skipWhitespace()
                if position < bytes.count, bytes[position] == closing {
                    position += 1
                    break
                }
            }
        }
        nodes[index].count = count
        nodes[index].end = Int32(position)
        nodes[index].next = Int32(nodes.count)
    }

    private mutating func expect(_ byte: UInt8) throws {
        guard position < bytes.count, bytes[position] == byte else {
            throw Document.invalid("Expected '\(Character(Unicode.Scalar(byte)))' at offset \(position).")
        }
        position += 1
    }

    private mutating func literal(_ word: StaticString, kind: Document.Kind, into nodes: inout NodeList) throws {
        let length = word.utf8CodeUnitCount
        guard position + length <= bytes.count,
              UnsafeBufferPointer(start: word.utf8Start, count: length).elementsEqual(bytes[position..<position + length]) else {
            throw Document.invalid("Unexpected text at offset \(position).")
        }
        nodes.append(.init(kind: kind, count: 0, start: Int32(position), end: Int32(position + length), next: Int32(nodes.count + 1)))
        position += length
    }

    private mutating func string(into nodes: inout NodeList) throws {
        position += 1 // the opening quote
        let start = position
        let plain = plainStringByte
        var escaped = false
        var ascii = true
        var bad = false
        while true {
            // Plain characters eight at a time, then one at a time; the byte table marks the others.
            var next = position
            while next + 8 <= bytes.count, !Self.needsAttention(UnsafeRawPointer(bytes.baseAddress! + next).loadUnaligned(as: UInt64.self)) {
                next += 8
            }
            while next < bytes.count, plain[Int(bytes[next])] { next += 1 }
            position = next
            guard position < bytes.count else { throw Document.invalid("A string is not closed.") }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") { break }
            if byte >= 0x80 { ascii = false }
            if byte < 0x20 { bad = true }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                position += 1
                guard position < bytes.count else { throw Document.invalid("A string is not closed.") }
                switch bytes[position] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    position += 1
                case UInt8(ascii: "u"):
                    // The four characters after `\u` belong to the escape; a quote among them
                    // makes the document invalid, anything else bad is reported when the string
                    // is decoded (both as JSONDecoder does).
                    guard position + 4 < bytes.count, !bytes[position + 1...position + 4].contains(UInt8(ascii: "\"")) else {
                        throw Document.invalid("A \\u escape is cut short.")
                    }
                    if !unicodeEscape() {
                        bad = true
                        position += 5
                    }
                default:
                    bad = true
                    position += 1
                }
                continue
            }
            position += 1
        }
        if !ascii, String(validating: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self) == nil { bad = true }
        nodes.append(.init(kind: bad ? .badString : escaped ? .escapedString : .string, count: 0, start: Int32(start), end: Int32(position), next: Int32(nodes.count + 1)))
        position += 1 // the closing quote
    }

    /// `uXXXX` after a backslash, or two of them for a character beyond the Basic Multilingual
    /// Plane (a high and a low surrogate): moves past them, or returns false.
    private mutating func unicodeEscape() -> Bool {
        guard let first = hex4(at: position + 1), !(0xDC00..<0xE000).contains(first) else { return false }
        // From here on the escape is good, or bad with the position left at the `u`.
        guard (0xD800..<0xDC00).contains(first) else {
            position += 5
            return true
        }
        guard position + 6 < bytes.count, bytes[position + 5] == UInt8(ascii: "\\"), bytes[position + 6] == UInt8(ascii: "u"),
              let second = hex4(at: position + 7), (0xDC00..<0xE000).contains(second) else { return false }
        position += 11
        return true
    }

    private func hex4(at index: Int) -> UInt32? {
        index + 4 <= bytes.count ? Document.hex4(bytes[index..<index + 4]) : nil
    }

    /// Whether any of eight bytes is a quote, a backslash, a control character or not ASCII
    /// (bit tricks on the word: a byte is zero after the XOR, or below 0x20, or has its top bit).
    private static func needsAttention(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let tops: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ value: UInt64) -> Bool { (value &- ones) & ~value & tops != 0 }
        return word & tops != 0 || (word &- ones &* 0x20) & ~word & tops != 0
            || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C))
    }

    /// A number: the characters that can be part of one, checked against
    /// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? (a bad one is reported when decoded).
    private mutating func number(into nodes: inout NodeList) throws {
        let start = position
        guard bytes[position] == UInt8(ascii: "-") || isDigit(bytes[position]) else { throw Document.invalid("Unexpected text at offset \(start).") }
        while position < bytes.count, isDigit(bytes[position]) || [UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[position]) {
            position += 1
        }
        let kind: Document.Kind = Self.isNumber(UnsafeBufferPointer(rebasing: bytes[start..<position])) ? .number : .badNumber
        nodes.append(.init(kind: kind, count: 0, start: Int32(start), end: Int32(position), next: Int32(nodes.count + 1)))
    }

    private static func isNumber(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        func digits() -> Int {
            let first = index
            while index < text.count, text[index] >= UInt8(ascii: "0"), text[index] <= UInt8(ascii: "9") { index += 1 }
            return index - first
        }
        if index < text.count, text[index] == UInt8(ascii: "-") { index += 1 }
        guard index < text.count else { return false }
        if text[index] == UInt8(ascii: "0") { index += 1 } else if digits() == 0 { return false }
        if index < text.count, text[index] == UInt8(ascii: ".") {
            index += 1
            if digits() == 0 { return false }
        }
        if index < text.count, text[index] == UInt8(ascii: "e") || text[index] == UInt8(ascii: "E") {
            index += 1
            if index < text.count, text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-") { index += 1 }
            if digits() == 0 { return false }
        }
        return index == text.count
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}

extension Document {
    /// The value node of an object's member (the first one, if the object repeats the name,
    /// as with JSONDecoder): one pass over the members, comparing bytes.
    func member(of object: Int, named name: UnsafeBufferPointer<UInt8>) -> Int? {
        var key = object + 1
        for _ in 0..<Int(nodes[object].count) {
            let node = nodes[key]
            if node.kind == .string {
                if Int(node.end - node.start) == name.count, memcmp(bytes.baseAddress! + Int(node.start), name.baseAddress!, name.count) == 0 {
                    return key + 1
                }
            } else if string(node).utf8.elementsEqual(name) {
                return key + 1
            }
            key = Int(nodes[key + 1].next)
        }
        return nil
    }

    /// The coding path of a node, for errors: found by walking down from the root to it, so
    /// that decoding itself keeps no path (and allocates none).
    func codingPath(to target: Int) -> [any CodingKey] {
        var path: [any CodingKey] = []
        var current = 0
        while current != target {
            let container = nodes[current]
            var child = current + 1
            var position = 0
            while true {
                let value = container.kind == .object ? child + 1 : child
                if target < Int(nodes[value].next) {
                    path.append(container.kind == .object ? PathKey(name: string(nodes[child])) : PathKey(index: position))
                    current = value
                    break
                }
                child = Int(nodes[value].next)
                position += 1
            }
        }
        return path
    }
}

/// A key of a coding path: a member's name or an element's index.
struct PathKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(name: String) { stringValue = name }
    init(index: Int) { stringValue = "Index \(index)"; intValue = index }
    init?(stringValue: String) { self.init(name: stringValue) }
    init?(intValue: Int) { self.init(index: intValue) }
}

/// The `Decoder` for one value of the document.
private struct ValueDecoder: Decoder {
    // Two words: passed as `any Decoder` without a box on the heap.
    let document: Document
    let node: Int

    init(_ document: Document, node: Int) {
        self.document = document
        self.node = node
    }

    var codingPath: [any CodingKey] { document.codingPath(to: node) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let value = document.nodes[node]
        guard value.kind == .object else {
            if value.kind == .null {
                throw DecodingError.valueNotFound([String: Any].self, .init(codingPath: codingPath, debugDescription: "Cannot get keyed decoding container -- found null value instead"))
            }
            throw mismatch([String: Any].self, value)
        }
        var member = node + 1
        for _ in 0..<value.count {
            if document.nodes[member].kind == .badString { throw Document.invalid("A key contains an unescaped control character or a bad escape, or is not UTF-8.") }
            member = Int(document.nodes[member + 1].next)
        }
        return KeyedDecodingContainer(KeyedReader<Key>(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let value = document.nodes[node]
        guard value.kind == .array else {
            if value.kind == .null {
                throw DecodingError.valueNotFound([Any].self, .init(codingPath: codingPath, debugDescription: "Cannot get unkeyed decoding container -- found null value instead"))
            }
            throw mismatch([Any].self, value)
        }
        return UnkeyedReader(decoder: self, count: Int(value.count), cursor: node + 1)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func mismatch(_ type: Any.Type, _ value: Document.Node) -> DecodingError {
        let found = switch value.kind {
        case .object: "a dictionary"
        case .array: "an array"
        case .string, .escapedString, .badString: "a string"
        case .number, .badNumber: "a number"
        case .true, .false: "bool"
        case .null: "null"
        }
        return DecodingError.typeMismatch(type, .init(codingPath: codingPath, debugDescription: "Expected to decode \(type) but found \(found) instead."))
    }

    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        // Scalars directly; the types that JSONDecoder treats specially, through JSONDecoder.
        if type == String.self { return try decodeString() as! T }
        if type == Int.self { return try decodeInteger(Int.self) as! T }
        if type == Bool.self { return try decodeBool() as! T }
        if type == Data.self || type == URL.self || type == Decimal.self {
            let value = document.nodes[node]
            let quotes = [.string, .escapedString, .badString].contains(value.kind) ? 1 : 0
            let slice = Data(document.bytes[Int(value.start) - quotes..<Int(value.end) + quotes])
            do {
                return try JSONDecoder().decode(type, from: slice)
            } catch let error as DecodingError {
                throw Self.relocated(error, under: codingPath)
            }
        }
        return try T(from: self)
    }

    static func relocated(_ error: DecodingError, under path: [any CodingKey]) -> DecodingError {
        switch error {
        case .typeMismatch(let type, let context): .typeMismatch(type, .init(codingPath: path + context.codingPath, debugDescription: context.debugDescription))
        case .valueNotFound(let type, let context): .valueNotFound(type, .init(codingPath: path + context.codingPath, debugDescription: context.debugDescription))
        case .keyNotFound(let key, let context): .keyNotFound(key, .init(codingPath: path + context.codingPath, debugDescription: context.debugDescription))
        case .dataCorrupted(let context): .dataCorrupted(.init(codingPath: path + context.codingPath, debugDescription: context.debugDescription))
        @unknown default: error
        }
    }

    func decodeString() throws -> String {
        let value = document.nodes[node]
        switch value.kind {
        case .string, .escapedString:
            return document.string(value)
        case .badString:
            throw Document.invalid("A string contains an unescaped control character or a bad escape, or is not UTF-8.")
        case .null: throw DecodingError.valueNotFound(String.self, .init(codingPath: codingPath, debugDescription: "Expected String value but found null instead."))
        default: throw mismatch(String.self, value)
        }
    }

    func decodeBool() throws -> Bool {
        let value = document.nodes[node]
        switch value.kind {
        case .true: return true
        case .false: return false
        case .null: throw DecodingError.valueNotFound(Bool.self, .init(codingPath: codingPath, debugDescription: "Expected Bool value but found null instead."))
        default: throw mismatch(Bool.self, value)
        }
    }

    func decodeInteger<T: FixedWidthInteger & Decodable>(_ type: T.Type) throws -> T {
        let value = try number(type)
        guard !document.hasFractionOrExponent(value) else {
            // `1e2` or `34.0` for an integer: JSONDecoder's rules for these are its own (through
            // a Double, and a Decimal from 2^53 up), and Sentry does not send them; so it reads them.
            do {
                return try JSONDecoder().decode(type, from: Data(document.bytes[Int(value.start)..<Int(value.end)]))
            } catch let error as DecodingError {
                throw Self.relocated(error, under: codingPath)
            }
        }
        if let exact = document.integer(value, as: T.self) { return exact }
        throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "Parsed JSON number <\(document.numberText(value))> does not fit in \(type)."))
    }

    /// The node, when it is a number.
    private func number(_ type: Any.Type) throws -> Document.Node {
        let value = document.nodes[node]
        switch value.kind {
        case .number: return value
        case .badNumber: throw Document.invalid("A number is malformed.")
        case .null: throw DecodingError.valueNotFound(type, .init(codingPath: codingPath, debugDescription: "Expected \(type) value but found null instead."))
        default: throw mismatch(type, value)
        }
    }

    func decodeFloatingPoint<T: BinaryFloatingPoint & LosslessStringConvertible>(_ type: T.Type) throws -> T {
        let text = document.numberText(try number(type))
        guard let number = T(String(text)), number.isFinite else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "Parsed JSON number <\(text)> does not fit in \(type)."))
        }
        return number
    }
}

extension ValueDecoder: SingleValueDecodingContainer {
    func decodeNil() -> Bool { document.nodes[node].kind == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try decodeBool() }
    func decode(_ type: String.Type) throws -> String { try decodeString() }
    func decode(_ type: Double.Type) throws -> Double { try decodeFloatingPoint(type) }
    func decode(_ type: Float.Type) throws -> Float { try decodeFloatingPoint(type) }
    func decode(_ type: Int.Type) throws -> Int { try decodeInteger(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decodeInteger(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decodeInteger(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decodeInteger(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decodeInteger(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decodeInteger(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decodeInteger(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decodeInteger(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decodeInteger(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decodeInteger(type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeValue(type) }
}

/// An object's members, found by comparing key bytes.
private struct KeyedReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: ValueDecoder

    var codingPath: [any CodingKey] { decoder.codingPath }

    var allKeys: [Key] {
        var keys: [Key] = []
        forEachMember { name, _ in
            if let key = Key(stringValue: decoder.document.string(name)) { keys.append(key) }
            return true
        }
        return keys
    }

    /// Calls `body` with each member's key node and value index until it returns false.
    private func forEachMember(_ body: (Document.Node, Int) -> Bool) {
        let nodes = decoder.document.nodes
        var index = decoder.node + 1
        for _ in 0..<nodes[decoder.node].count {
            let name = nodes[index]
            guard body(name, index + 1) else { return }
            index = Int(nodes[index + 1].next)
        }
    }

    /// The value node of `key` (the first one, if the object repeats it, as with JSONDecoder).
    /// One pass over the members, comparing bytes; no closure per member, so that a lookup
    /// costs no reference counting beyond its two buffers (it runs for every field decoded).
    private func find(_ key: some CodingKey) -> Int? {
        var wanted = key.stringValue
        return wanted.withUTF8 { decoder.document.member(of: decoder.node, named: $0) }
    }

    private func value(_ key: Key) throws -> ValueDecoder {
        guard let node = find(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "No value associated with key \(key) (\"\(key.stringValue)\")."))
        }
        return ValueDecoder(decoder.document, node: node)
    }

    func contains(_ key: Key) -> Bool { find(key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { try value(key).decodeNil() }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try value(key).decodeBool() }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try value(key).decodeString() }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try value(key).decodeFloatingPoint(type) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try value(key).decodeFloatingPoint(type) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try value(key).decodeInteger(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try value(key).decodeInteger(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try value(key).decodeInteger(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try value(key).decodeInteger(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try value(key).decodeInteger(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try value(key).decodeInteger(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try value(key).decodeInteger(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try value(key).decodeInteger(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try value(key).decodeInteger(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try value(key).decodeInteger(type) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try value(key).decodeValue(type) }

    // Absent and null are both nil, as with JSONDecoder.
    private func present(_ key: Key) -> ValueDecoder? {
        guard let node = find(key), decoder.document.nodes[node].kind != .null else { return nil }
        return ValueDecoder(decoder.document, node: node)
    }

    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try present(key)?.decodeString() }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try present(key)?.decodeBool() }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try present(key)?.decodeInteger(type) }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { try present(key)?.decodeValue(type) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try value(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try value(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { member(SuperKey.super) }

    func superDecoder(forKey key: Key) throws -> any Decoder { member(key) }

    private func member(_ key: some CodingKey) -> any Decoder {
        if let node = find(key) { return ValueDecoder(decoder.document, node: node) }
        return NullDecoder(codingPath: codingPath + [key])
    }
}

private enum SuperKey: String, CodingKey { case `super` }

/// The decoder `superDecoder(forKey:)` gives for an absent key: every value is null.
private struct NullDecoder: Decoder, SingleValueDecodingContainer {
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw DecodingError.valueNotFound([String: Any].self, .init(codingPath: codingPath, debugDescription: "Expected a dictionary but found null instead."))
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.valueNotFound([Any].self, .init(codingPath: codingPath, debugDescription: "Expected an array but found null instead."))
    }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }
    func decodeNil() -> Bool { true }
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        throw DecodingError.valueNotFound(type, .init(codingPath: codingPath, debugDescription: "Expected \(type) value but found null instead."))
    }
}

/// An array's elements, in order. Three words, so that it is passed as an existential without
/// a box on the heap.
private struct UnkeyedReader: UnkeyedDecodingContainer {
    let document: Document
    let node: Int32
    let elements: Int32
    private var cursor: Int32
    private var index: Int32 = 0

    init(decoder: ValueDecoder, count: Int, cursor: Int) {
        document = decoder.document
        node = Int32(decoder.node)
        elements = Int32(count)
        self.cursor = Int32(cursor)
    }

    var codingPath: [any CodingKey] { document.codingPath(to: Int(node)) }
    var count: Int? { Int(elements) }
    var currentIndex: Int { Int(index) }
    var isAtEnd: Bool { index >= elements }

    private mutating func next<T>(_ type: T.Type) throws -> ValueDecoder {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(type, .init(codingPath: codingPath + [PathKey(index: currentIndex)], debugDescription: "Unkeyed container is at end."))
        }
        let element = ValueDecoder(document, node: Int(cursor))
        cursor = document.nodes[Int(cursor)].next
        index += 1
        return element
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { throw DecodingError.valueNotFound(Any?.self, .init(codingPath: codingPath, debugDescription: "Unkeyed container is at end.")) }
        if document.nodes[Int(cursor)].kind == .null {
            _ = try next(Any?.self)
            return true
        }
        return false
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next(type).decodeBool() }
    mutating func decode(_ type: String.Type) throws -> String { try next(type).decodeString() }
    mutating func decode(_ type: Double.Type) throws -> Double { try next(type).decodeFloatingPoint(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try next(type).decodeFloatingPoint(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try next(type).decodeInteger(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next(type).decodeInteger(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next(type).decodeInteger(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next(type).decodeInteger(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next(type).decodeInteger(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next(type).decodeInteger(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next(type).decodeInteger(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next(type).decodeInteger(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next(type).decodeInteger(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next(type).decodeInteger(type) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next(type).decodeValue(type) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next([String: Any].self).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next([Any].self).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder { try next(Any.self) }
}

/// The document as the generated models read it (`JSONDocumentReader`): a value that is not of
/// the form asked for sends the document through `Decodable` instead.
extension Document: JSONDocumentReader {
    struct Mismatch: Error {}

    func isNull(_ node: Int) -> Bool { nodes[node].kind == .null }

    func member(of node: Int, named name: StaticString) throws -> Int? {
        guard nodes[node].kind == .object else { throw Mismatch() }
        return member(of: node, named: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
    }

    func elements(of node: Int) throws -> [Int] {
        let array = nodes[node]
        guard array.kind == .array else { throw Mismatch() }
        var elements: [Int] = []
        elements.reserveCapacity(Int(array.count))
        var element = node + 1
        for _ in 0..<array.count {
            elements.append(element)
            element = Int(nodes[element].next)
        }
        return elements
    }

    func string(_ node: Int) throws -> String {
        let value = nodes[node]
        guard value.kind == .string || value.kind == .escapedString else { throw Mismatch() }
        return string(value)
    }

    func bool(_ node: Int) throws -> Bool {
        switch nodes[node].kind {
        case .true: return true
        case .false: return false
        default: throw Mismatch()
        }
    }

    func int64(_ node: Int) throws -> Int64 {
        let value = nodes[node]
        guard value.kind == .number, !hasFractionOrExponent(value), let exact = integer(value, as: Int64.self) else { throw Mismatch() }
        return exact
    }

    func numberText(_ node: Int) throws -> Substring {
        let value = nodes[node]
        guard value.kind == .number else { throw Mismatch() }
        return numberText(value)
    }
}
