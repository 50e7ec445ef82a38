import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import X509

/// HTTPS for the sandbox: a certificate authority made for one server run, and a certificate it
/// signs for `127.0.0.1` and `localhost`. Clients trust the authority's PEM (curl `--cacert`,
/// `sentry-sdk --ca-certificate`), as they would a self-hosted Sentry's internal CA.
public struct SandboxTLS: Sendable {
    /// The authority's certificate, PEM-encoded: what a client adds to its trust roots.
    public let authorityPEM: String
    /// The server's side: its certificate chain and private key.
    public let configuration: TLSConfiguration

    /// A certificate chain and its private key from PEM files, as a server of your own would
    /// use them; clients trust the chain's certificate file.
    public static func files(certificate: URL, privateKey: URL) throws -> SandboxTLS {
        let pem = try String(contentsOf: certificate, encoding: .utf8)
        let chain = try NIOSSLCertificate.fromPEMFile(certificate.path)
        let key = try NIOSSLPrivateKey(file: privateKey.path, format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.applicationProtocols = ["http/1.1"]
        return SandboxTLS(authorityPEM: pem, configuration: configuration)
    }

    /// A new authority and server certificate, valid from an hour ago for 30 days.
    public static func selfSigned() throws -> SandboxTLS {
        let now = Date()
        let (start, end) = (now.addingTimeInterval(-3600), now.addingTimeInterval(30 * 86_400))
        let authorityKey = P256.Signing.PrivateKey()
        let authorityName = try DistinguishedName {
            OrganizationName("sentry-sdk sandbox")
            CommonName("sentry-sdk sandbox CA")
        }
        let authority = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(authorityKey.publicKey),
            notValidBefore: start, notValidAfter: end, issuer: authorityName, subject: authorityName,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: .init(authorityKey))

        let serverKey = P256.Signing.PrivateKey()
        let server = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(serverKey.publicKey),
            notValidBefore: start, notValidAfter: end, issuer: authorityName,
            subject: try DistinguishedName { CommonName("127.0.0.1") },
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
            },
            issuerPrivateKey: .init(authorityKey))

        let authorityPEM = try authority.serializeAsPEM().pemString
        let chain = try [server, authority].map { try NIOSSLCertificate(bytes: Array($0.serializeAsPEM().pemString.utf8), format: .pem) }
        let key = try NIOSSLPrivateKey(bytes: Array(serverKey.pemRepresentation.utf8), format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.applicationProtocols = ["http/1.1"]
        return SandboxTLS(authorityPEM: authorityPEM, configuration: configuration)
    }
}
