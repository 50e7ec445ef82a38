import Foundation
@testable import GeneratorCore
import Testing
import TestSupport

/// Small spec fragments beside the exact Swift they must produce.
@Suite struct SnippetTests {
    @Test func objectSchemaWithOddNamesFormatsAndNestedObject() throws {
        let output = try generate("""
        openapi: 3.1.0
        info: {title: t, version: "1"}
        paths: {}
        components:
          schemas:
            Widget:
              type: object
              description: A widget.
              required: [id, created_at, note]
              properties:
                id: {type: integer, format: int64}
                created_at: {type: string, format: date-time}
                default: {type: string, description: A reserved word.}
                7day_count: {type: integer, format: int32}
                ratio: {type: number, format: float}
                note: {type: [string, "null"]}
                tags: {type: array, items: {type: string}}
                labels: {type: object, additionalProperties: {type: integer}}
                owner:
                  type: object
                  properties:
                    login: {type: string}
        """)
        #expect(output.diagnostics.isEmpty)
        #expect(output.file("Widget.swift") == #"""
        /// A widget.
        ///
        /// Spec: `#/components/schemas/Widget`
        public struct Widget: Codable, Hashable, Sendable {
            public var id: Int64
            public var createdAt: DateTime
            /// A reserved word.
            public var `default`: String?
            public var _7dayCount: Int32?
            public var ratio: Float?
            @AlwaysEncoded public var note: String?
            public var tags: [String]?
            public var labels: [String: Int]?
            public var owner: WidgetOwner?
            /// Creates a value with the given fields.
            public init(id: Int64, createdAt: DateTime, default: String? = nil, _7dayCount: Int32? = nil, ratio: Float? = nil, note: String? = nil, tags: [String]? = nil, labels: [String: Int]? = nil, owner: WidgetOwner? = nil) {
                self.id = id
                self.createdAt = createdAt
                self.`default` = `default`
                self._7dayCount = _7dayCount
                self.ratio = ratio
                self.note = note
                self.tags = tags
                self.labels = labels
                self.owner = owner
            }

            private enum CodingKeys: String, CodingKey {
                case id, createdAt = "created_at", `default`, _7dayCount = "7day_count", ratio, note, tags, labels, owner
            }
        }

        /// Spec: `#/components/schemas/Widget/properties/owner`
        public struct WidgetOwner: Codable, Hashable, Sendable {
            public var login: String?
            /// Creates a value with the given fields.
            public init(login: String? = nil) {
                self.login = login
            }

            private enum CodingKeys: String, CodingKey { case login }
        }
        """#)
    }

    @Test func operationWithParametersTriStateBodyAndOneOfResponse() throws {
        let output = try generate("""
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths:
          /things/{thing_id}/:
            put:
              operationId: updateThing
              parameters:
                - {name: thing_id, in: path, required: true, schema: {type: string}}
                - {name: mode, in: query, schema: {type: string, enum: [fast, slow]}}
                - {name: ids, in: query, schema: {type: array, items: {type: integer}}}
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      type: object
                      properties:
                        limit:
                          nullable: true
                          type: object
                          required: [count]
                          properties:
                            count: {type: integer}
              responses:
                "200":
                  description: ok
                  content:
                    application/json:
                      schema:
                        oneOf:
                          - {type: integer}
                          - {type: string}
                          - {type: object, properties: {a: {type: boolean}}}
                "404": {description: gone}
        """)
        #expect(output.diagnostics.isEmpty)
        #expect(output.file("Operations+UpdateThing.swift") == #"""
        extension Operations {
            /// Spec: `#/paths/~1things~1{thing_id}~1/put`
            public struct UpdateThing: APIOperation {
                public typealias Body = UpdateThingBody
                public typealias Response = UpdateThingResponse
                public static let endpoint = Endpoint("updateThing", .put, "/things/{thing_id}/",
                    success: 200, errors: [404], scopes: [])

                public var thingId: String
                public var mode: UpdateThingMode?
                public var ids: [Int]?
                /// The JSON request body.
                public var body: Body?
                /// Creates the request with its parameters.
                public init(thingId: String, mode: UpdateThingMode? = nil, ids: [Int]? = nil, body: Body) {
                    self.thingId = thingId
                    self.mode = mode
                    self.ids = ids
                    self.body = body
                }

                public var path: String { "/things/\(thingId.percentEncodedPathSegment)/" }

                public var query: [QueryItem] {
                    var items: [QueryItem] = []
                    items.append("mode", mode)
                    items.append("ids", ids)
                    return items
                }
            }
        }

        /// Spec: `#/paths/~1things~1{thing_id}~1/put/parameters/1/schema`
        public struct UpdateThingMode: OpenEnum {
            public let rawValue: String
            public init(rawValue: String) { self.rawValue = rawValue }
            public static let fast: Self = "fast"
            public static let slow: Self = "slow"
            public static let knownValues: [Self] = [.fast, .slow]
        }

        /// Spec: `#/paths/~1things~1{thing_id}~1/put/requestBody/content/application~1json/schema`
        public struct UpdateThingBody: Codable, Hashable, Sendable, Validatable {
            public var limit: Nullable<UpdateThingBodyLimit>?
            /// Creates a value with the given fields.
            public init(limit: Nullable<UpdateThingBodyLimit>? = nil) {
                self.limit = limit
            }
            public static var fields: [(name: String, keyPath: PartialKeyPath<Self>)] { [("limit", \.limit)] }

            private enum CodingKeys: String, CodingKey { case limit }
        }

        /// Spec: `#/paths/~1things~1{thing_id}~1/put/requestBody/content/application~1json/schema/properties/limit`
        public struct UpdateThingBodyLimit: Codable, Hashable, Sendable, Validatable {
            public var count: Int
            /// Creates a value with the given fields.
            public init(count: Int) {
                self.count = count
            }
            public static var fields: [(name: String, keyPath: PartialKeyPath<Self>)] { [("count", \.count)] }

            private enum CodingKeys: String, CodingKey { case count }
        }

        /// Spec: `#/paths/~1things~1{thing_id}~1/put/responses/200/content/application~1json/schema`
        public enum UpdateThingResponse: Codable, Hashable, Sendable {
            case integer(Int)
            case string(String)
            case updateThingResponseOption3(UpdateThingResponseOption3)

            public init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let value = try? container.decode(Int.self) {
                    self = .integer(value)
                    return
                }
                if let value = try? container.decode(String.self) {
                    self = .string(value)
                    return
                }
                self = .updateThingResponseOption3(try container.decode(UpdateThingResponseOption3.self))
            }

            public func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                switch self {
                case .integer(let value): try container.encode(value)
                case .string(let value): try container.encode(value)
                case .updateThingResponseOption3(let value): try container.encode(value)
                }
            }
        }

        /// Spec: `#/paths/~1things~1{thing_id}~1/put/responses/200/content/application~1json/schema/oneOf/2`
        public struct UpdateThingResponseOption3: Codable, Hashable, Sendable {
            public var a: Bool?
            /// Creates a value with the given fields.
            public init(a: Bool? = nil) {
                self.a = a
            }

            private enum CodingKeys: String, CodingKey { case a }
        }
        """#)
    }
}

@Suite struct LoweringTests {
    @Test func identicalInlineSchemasBecomeOneType() throws {
        let output = try generate("""
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths:
          /a:
            get:
              operationId: getA
              responses:
                "200":
                  description: ok
                  content:
                    application/json:
                      schema: {type: object, description: First words., properties: {id: {type: string}, n: {type: integer, multipleOf: 5}}}
          /b:
            get:
              operationId: getB
              responses:
                "200":
                  description: ok
                  content:
                    application/json:
                      schema: {type: object, description: Other words., properties: {id: {type: string}, n: {type: integer}}}
        """)
        #expect(output.typeCount == 1)
        #expect(output.file("Operations+GetA.swift")?.contains("public typealias Response = GetAResponse") == true)
        #expect(output.file("Operations+GetB.swift")?.contains("public typealias Response = GetAResponse") == true)

        // A rule the models check (`maximum`) makes the schemas differ: each keeps its own type.
        let ruled = try generate("""
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths: {}
        components:
          schemas:
            A: {type: object, properties: {n: {type: integer, maximum: 5}}}
            B: {type: object, properties: {n: {type: integer}}}
        """)
        #expect(ruled.typeCount == 2)
    }

    @Test func inlineCopiesOfANamedSchemaUseItsName() throws {
        let output = try generate("""
        {"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
         "paths": {"/k": {"get": {"operationId": "listKeys", "responses": {"200": {"description": "ok", "content": {"application/json": {
           "schema": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}}}}}}}}}}},
         "components": {"schemas": {
           "KeyList": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}}}},
           "Key": {"type": "object", "properties": {"id": {"type": "string"}}}}}}
        """, name: "keys.json")
        #expect(output.file("KeyList.swift")?.contains("public typealias KeyList = [Key]") == true)
        #expect(output.file("Operations+ListKeys.swift")?.contains("public typealias Response = [Key]") == true)
        #expect(output.file("Key.swift")?.contains("public struct Key: Codable, Hashable, Sendable") == true)
    }

    @Test func anInlineRequestBodyIdenticalToANamedSchemaUsesIt() throws {
        // The official schema inlines every request body and keeps the named schema beside it.
        let output = try generate("""
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths:
          /deploys:
            post:
              operationId: createDeploy
              requestBody:
                content:
                  application/json:
                    schema: {type: object, required: [env], properties: {env: {type: string}, url: {type: string, nullable: true}}}
              responses: {"201": {description: created}}
        components:
          schemas:
            Deploy: {type: object, required: [env], properties: {env: {type: string}, url: {type: string, nullable: true}}}
        """)
        #expect(output.typeCount == 1)
        #expect(output.file("Operations+CreateDeploy.swift")?.contains("public typealias Body = Deploy\n") == true)
        #expect(output.file("Deploy.swift")?.contains("public var url: Nullable<String>?\n") == true)
    }

    @Test func enumValuesAndVariantsCarryTheirDescriptions() throws {
        let output = try generate("""
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths: {}
        components:
          schemas:
            Status:
              type: string
              enum: [active, inactive]
              x-enum-descriptions: [Takes events., Refuses events.]
            Message:
              oneOf:
                - {type: string, description: One message.}
                - {type: array, items: {type: string}}
        """)
        #expect(output.file("Status.swift")?.contains("""
            /// Takes events.
            public static let active: Self = "active"
            /// Refuses events.
            public static let inactive: Self = "inactive"
        """) == true)
        #expect(output.file("Message.swift")?.contains("""
            /// One message.
            case string(String)
            case stringArray([String])
        """) == true)
    }

    @Test func allOfMergesItsObjectParts() throws {
        let output = try generate("""
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths: {}
        components:
          schemas:
            Base: {type: object, required: [id], properties: {id: {type: string}}}
            Extended:
              allOf:
                - $ref: '#/components/schemas/Base'
                - {type: object, properties: {extra: {type: boolean}}}
        """)
        let extended = try #require(output.file("Extended.swift"))
        #expect(extended.contains("public var id: String\n"))
        #expect(extended.contains("public var extra: Bool?\n"))
    }

    @Test func nullableForms() throws {
        let output = try generate("""
        openapi: 3.1.0
        info: {title: t, version: "1"}
        paths: {}
        components:
          schemas:
            Holder:
              type: object
              required: [a, b, c]
              properties:
                a: {type: [integer, "null"]}
                b: {anyOf: [{type: string}, {type: "null"}]}
                c: {type: string, nullable: true}
                d: {type: [integer, string]}
        """)
        let holder = try #require(output.file("Holder.swift"))
        #expect(holder.contains("public var a: Int?\n"))
        #expect(holder.contains("public var b: String?\n"))
        #expect(holder.contains("public var c: String?\n"))
        #expect(holder.contains("public var d: HolderD?\n"))
        #expect(holder.contains("case integer(Int)\n    case string(String)\n"))
    }

    @Test func whatCannotBeMappedGetsADiagnosticAndAFallback() throws {
        let output = try generate("""
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths:
          /upload/{id}:
            post:
              operationId: upload
              requestBody:
                content:
                  multipart/form-data:
                    schema: {type: object, properties: {file: {type: string, format: binary}}}
              responses:
                "204": {description: done}
        components:
          schemas:
            Odd:
              type: object
              properties:
                weird: {type: tuple}
                missing: {$ref: '#/components/schemas/Nowhere'}
        """)
        #expect(output.diagnostics.map(\.message) == [
            "unknown type 'tuple'; using JSONValue",
            "cannot resolve reference #/components/schemas/Nowhere; using JSONValue",
            "path parameter 'id' is not declared; adding it as a string",
            "request body has no JSON content (multipart/form-data); the operation is generated without a body",
        ])
        let odd = try #require(output.file("Odd.swift"))
        #expect(odd.contains("public var weird: JSONValue?\n"))
        let upload = try #require(output.file("Operations+Upload.swift"))
        #expect(!upload.contains("typealias Body"), "NoBody is the protocol's default")
        #expect(!upload.contains("public var body"))
    }

    @Test func reservedAndCollidingNamesStayDistinct() throws {
        let output = try generate("""
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths: {}
        components:
          schemas:
            Type: {type: object, properties: {self: {type: string}, foo_bar: {type: string}, fooBar: {type: string}}}
            String: {type: string, enum: ["", "a-b", "7.x", rawValue]}
        """)
        let type = try #require(output.file("TypeSchema.swift"))
        #expect(type.contains("public struct TypeSchema: Codable"))
        #expect(type.contains("public var self2: String?"), "a property named `self` would hide `self`")
        #expect(type.contains("public var fooBar: String?\n    public var fooBar2: String?"))
        let string = try #require(output.file("StringSchema.swift"))
        #expect(string.contains(#"public static let _unnamed: Self = """#))
        #expect(string.contains(#"public static let aB: Self = "a-b""#))
        #expect(string.contains(#"public static let _7X: Self = "7.x""#))
        #expect(string.contains(#"public static let rawValue2: Self = "rawValue""#))
    }

    @Test func outputIsByteStable() throws {
        let spec = try String(contentsOf: packageRoot.appendingPathComponent("Spec/sentry.yaml"), encoding: .utf8)
        let first = try generate(spec, name: "sentry.yaml").files
        let second = try generate(spec, name: "sentry.yaml").files
        #expect(first == second)
        #expect(first.allSatisfy { $0.contents.hasPrefix(CodeGenerator.marker) })
    }
}
