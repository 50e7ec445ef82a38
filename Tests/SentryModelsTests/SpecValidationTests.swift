import Foundation
import OpenAPIKit30
import Testing
import TestSupport
import Yams

/// `Spec/sentry.yaml` is valid OpenAPI 3.0, as judged by OpenAPIKit's decoder and validator.
@Suite struct SpecValidationTests {
    let document: OpenAPI.Document

    init() throws {
        let text = try String(contentsOf: packageRoot.appendingPathComponent("Spec/sentry.yaml"), encoding: .utf8)
        document = try YAMLDecoder().decode(OpenAPI.Document.self, from: text)
    }

    @Test func specValidates() throws {
        try document.validate()
    }

    @Test func specCoversTheOperationsWeUse() {
        let operationIDs = Set(document.allOperationIds)
        #expect(operationIDs == [
            "listProjectKeys", "createProjectKey", "getProjectKey", "updateProjectKey", "deleteProjectKey",
            "listOrganizations", "getOrganization", "listOrganizationProjects", "getProject",
            "listOrganizationProjectKeys", "getAPIRoot", "listYourProjects",
        ])
    }

    @Test func everyOperationDocumentsTheErrorsThatReallyHappen() throws {
        for route in document.routes {
            for endpoint in route.pathItem.endpoints {
                let statuses = Set(endpoint.operation.responses.keys.map(\.rawValue))
                #expect(statuses.isSuperset(of: ["401", "429"]), "\(endpoint.operation.operationId ?? "?")")
                // An operation that needs a scope can be refused one; the API root needs none.
                let needsScope = endpoint.operation.security?.contains { $0.values.contains { !$0.isEmpty } } ?? true
                #expect(statuses.contains("403") == needsScope, "\(endpoint.operation.operationId ?? "?")")
                if route.path.rawValue.contains("{") {
                    #expect(statuses.contains("404"), "\(endpoint.operation.operationId ?? "?")")
                }
            }
        }
    }
}
