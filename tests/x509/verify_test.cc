// verify_server_chain, one policy rule at a time (docs/x509-policy.md).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <ctime>

#include "chip/x509/verify.h"
#include "tests/support/pki.h"

namespace setls::test {
namespace {

using chip::x509::ServerName;
using chip::x509::VerifiedChain;

int64_t now() { return static_cast<int64_t>(std::time(nullptr)); }

ServerName dns(const std::string& name) { return {ServerName::Kind::Dns, name, {}}; }

ServerName ip(const std::string& text) {
  uint8_t buf[16];
  if (inet_pton(AF_INET, text.c_str(), buf) == 1) return {ServerName::Kind::Ip, "", Bytes(buf, buf + 4)};
  EXPECT_EQ(inet_pton(AF_INET6, text.c_str(), buf), 1) << text;
  return {ServerName::Kind::Ip, "", Bytes(buf, buf + 16)};
}

int64_t not_after(const TestCert& c) {
  std::tm tm{};
  EXPECT_EQ(ASN1_TIME_to_tm(X509_get0_notAfter(c.cert.get()), &tm), 1);
  return static_cast<int64_t>(timegm(&tm));
}

Result<VerifiedChain> verify(const std::vector<TestCert>& anchors, const std::vector<TestCert>& presented,
                             const ServerName& name, int64_t at = now()) {
  std::vector<Bytes> anchor_der;
  for (const auto& a : anchors) anchor_der.push_back(a.der);
  std::vector<ByteView> views;
  for (const auto& p : presented) views.push_back(p.der);
  auto trust = chip::x509::TrustAnchors::from_der(anchor_der);
  if (!trust) return trust.error();
  return chip::x509::verify_server_chain(*trust, views, name, at);
}

Error chain_invalid(int x509_error) { return Error{Status::ChainInvalid, static_cast<uint32_t>(x509_error)}; }

// A root, an intermediate and a way to issue leaves under them.
struct Pki {
  TestCert root = issue({.subject = "/CN=policy root", .ca = true}, TestKey::ec(), nullptr);
  TestCert ica = issue({.subject = "/CN=policy ica", .ca = true, .path_len = 0}, TestKey::ec(), &root);

  TestCert leaf(CertSpec spec = {}, const TestKey& key = TestKey::ec()) const {
    if (spec.subject == "/CN=test") spec.subject = "/CN=server";
    if (spec.dns.empty() && spec.ips.empty()) spec.dns = {"server.example.com"};
    if (spec.eku.empty()) spec.eku = "serverAuth";
    return issue(spec, key, &ica);
  }
  Result<VerifiedChain> check(const TestCert& leaf, const std::string& host = "server.example.com",
                              int64_t at = now()) const {
    return verify({root}, {leaf, ica}, dns(host), at);
  }
};

TEST(VerifyServerChain, AcceptsAGoodChainAndSummarizesIt) {
  Pki pki;
  TestCert leaf = pki.leaf({.subject = "/CN=server/O=Example"}, TestKey::ec(Curve::P384));
  auto v = pki.check(leaf);
  ASSERT_TRUE(v.ok()) << describe(v.error());
  EXPECT_EQ(v->leaf_key.curve(), Curve::P384);
  ASSERT_EQ(v->subjects.size(), 3u);
  EXPECT_EQ(v->subjects[0], v->leaf_subject);
  EXPECT_NE(v->leaf_subject.find("server"), std::string::npos);
  EXPECT_NE(v->subjects[2].find("policy root"), std::string::npos);
  // The leaf was issued last, one second-resolution clock tick at most after the rest.
  EXPECT_LE(v->newest_not_before, now() - 3600 + 1);
  EXPECT_GE(v->newest_not_before, now() - 3600 - 60);
  // The order of the intermediates does not matter, nor a copy of the root.
  EXPECT_TRUE(verify({pki.root}, {leaf, pki.root, pki.ica}, dns("server.example.com")).ok());
}

TEST(VerifyServerChain, TrustAnchorsMayBeIntermediates) {
  Pki pki;
  TestCert leaf = pki.leaf();
  // PARTIAL_CHAIN: a pinned intermediate anchors the chain on its own.
  auto v = verify({pki.ica}, {leaf}, dns("server.example.com"));
  ASSERT_TRUE(v.ok()) << describe(v.error());
  EXPECT_EQ(v->subjects.size(), 2u);
}

TEST(VerifyServerChain, NeedsAPathToAStoredAnchor) {
  Pki pki;
  TestCert leaf = pki.leaf();
  TestCert other = issue({.subject = "/CN=other root", .ca = true}, TestKey::ec(), nullptr);
  EXPECT_EQ(verify({other}, {leaf, pki.ica}, dns("server.example.com")).error(),
            chain_invalid(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY));
  EXPECT_EQ(verify({pki.root}, {leaf}, dns("server.example.com")).error(),
            chain_invalid(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY));  // intermediate missing
  EXPECT_EQ(verify({}, {leaf, pki.ica}, dns("server.example.com")).status(), Status::ChainInvalid);
  // A forged leaf: right names, signed by another key.
  TestCert impostor_ica = issue({.subject = "/CN=policy ica", .ca = true}, TestKey::ec(), nullptr);
  TestCert forged = issue({.subject = "/CN=server", .dns = {"server.example.com"}, .eku = "serverAuth"},
                          TestKey::ec(), &impostor_ica);
  EXPECT_EQ(pki.check(forged).status(), Status::ChainInvalid);
}

TEST(VerifyServerChain, ValidityIsCheckedAtTheGivenTimeInclusive) {
  Pki pki;
  TestCert leaf = pki.leaf({.not_before = -7200, .not_after = 3600});
  int64_t end = not_after(leaf);
  EXPECT_TRUE(pki.check(leaf, "server.example.com", end).ok()) << "notAfter is inside the validity period";
  EXPECT_EQ(pki.check(leaf, "server.example.com", end + 1).error(), chain_invalid(X509_V_ERR_CERT_HAS_EXPIRED));
  EXPECT_EQ(pki.check(leaf, "server.example.com", end - 3 * 3600).error(),
            chain_invalid(X509_V_ERR_CERT_NOT_YET_VALID));
  // Every certificate of the path counts, the anchor included.
  TestCert short_root = issue({.subject = "/CN=short root", .ca = true, .not_after = 600}, TestKey::ec(), nullptr);
  TestCert leaf2 = issue({.subject = "/CN=s", .dns = {"s.example.com"}, .eku = "serverAuth"}, TestKey::ec(), &short_root);
  EXPECT_EQ(verify({short_root}, {leaf2}, dns("s.example.com"), now() + 3600).error(),
            chain_invalid(X509_V_ERR_CERT_HAS_EXPIRED));
}

TEST(VerifyServerChain, BasicConstraintsAndPathLength) {
  Pki pki;
  // An intermediate that is not a CA cannot issue.
  TestCert not_ca = issue({.subject = "/CN=not a ca", .ca = false, .key_usage = "critical,keyCertSign"},
                          TestKey::ec(), &pki.root);
  TestCert leaf = issue({.subject = "/CN=l", .dns = {"l.example.com"}, .eku = "serverAuth"}, TestKey::ec(), &not_ca);
  EXPECT_EQ(verify({pki.root}, {leaf, not_ca}, dns("l.example.com")).status(), Status::ChainInvalid);
  // pathlen:0 on the intermediate forbids another CA below it.
  TestCert sub = issue({.subject = "/CN=sub ica", .ca = true}, TestKey::ec(), &pki.ica);
  TestCert deep = issue({.subject = "/CN=d", .dns = {"d.example.com"}, .eku = "serverAuth"}, TestKey::ec(), &sub);
  EXPECT_EQ(verify({pki.root}, {deep, sub, pki.ica}, dns("d.example.com")).error(),
            chain_invalid(X509_V_ERR_PATH_LENGTH_EXCEEDED));
}

TEST(VerifyServerChain, KeyUsage) {
  Pki pki;
  // An intermediate whose keyUsage does not allow keyCertSign cannot issue.
  TestCert no_sign = issue({.subject = "/CN=no sign", .ca = true, .key_usage = "critical,cRLSign"}, TestKey::ec(),
                           &pki.root);
  TestCert leaf = issue({.subject = "/CN=l", .dns = {"l.example.com"}, .eku = "serverAuth"}, TestKey::ec(), &no_sign);
  EXPECT_EQ(verify({pki.root}, {leaf, no_sign}, dns("l.example.com")).status(), Status::ChainInvalid);
  // A leaf key restricted to CRL signing is not a TLS key.
  EXPECT_EQ(pki.check(pki.leaf({.key_usage = "critical,cRLSign"})).error(), chain_invalid(X509_V_ERR_INVALID_PURPOSE));
  EXPECT_TRUE(pki.check(pki.leaf({.key_usage = "none"})).ok());
}

TEST(VerifyServerChain, ExtendedKeyUsageMustAllowServerAuth) {
  Pki pki;
  EXPECT_EQ(pki.check(pki.leaf({.eku = "clientAuth"})).error(), chain_invalid(X509_V_ERR_INVALID_PURPOSE));
  EXPECT_EQ(pki.check(pki.leaf({.eku = "anyExtendedKeyUsage"})).error(), chain_invalid(X509_V_ERR_INVALID_PURPOSE));
  EXPECT_TRUE(pki.check(pki.leaf({.eku = "clientAuth,serverAuth"})).ok());
  // No extendedKeyUsage at all means any use (RFC 5280 §4.2.1.12).
  TestCert no_eku = issue({.subject = "/CN=n", .dns = {"n.example.com"}}, TestKey::ec(), &pki.ica);
  EXPECT_TRUE(pki.check(no_eku, "n.example.com").ok());
  // An intermediate restricted to client authentication cannot vouch for servers.
  TestCert client_ica = issue({.subject = "/CN=client ica", .ca = true, .eku = "clientAuth"}, TestKey::ec(), &pki.root);
  TestCert leaf = issue({.subject = "/CN=c", .dns = {"c.example.com"}, .eku = "serverAuth"}, TestKey::ec(), &client_ica);
  EXPECT_EQ(verify({pki.root}, {leaf, client_ica}, dns("c.example.com")).error(),
            chain_invalid(X509_V_ERR_INVALID_PURPOSE));
}

TEST(VerifyServerChain, DnsNamesMatchTheSubjectAltNameOnly) {
  Pki pki;
  TestCert leaf = pki.leaf({.subject = "/CN=cn.example.com", .dns = {"a.example.com", "B.Example.com"}});
  EXPECT_TRUE(pki.check(leaf, "a.example.com").ok());
  EXPECT_TRUE(pki.check(leaf, "b.example.COM").ok()) << "DNS names compare case-insensitively";
  EXPECT_EQ(pki.check(leaf, "c.example.com").status(), Status::NameMismatch);
  EXPECT_EQ(pki.check(leaf, "cn.example.com").status(), Status::NameMismatch) << "the CN is never consulted";
  // No SAN at all: nothing matches, whatever the CN says.
  TestCert cn_only = issue({.subject = "/CN=cn.example.com", .eku = "serverAuth"}, TestKey::ec(), &pki.ica);
  EXPECT_EQ(pki.check(cn_only, "cn.example.com").status(), Status::NameMismatch);
}

TEST(VerifyServerChain, WildcardsCoverOneWholeLeftMostLabel) {
  Pki pki;
  TestCert wild = pki.leaf({.dns = {"*.example.com"}});
  EXPECT_TRUE(pki.check(wild, "www.example.com").ok());
  EXPECT_EQ(pki.check(wild, "a.b.example.com").status(), Status::NameMismatch);
  EXPECT_EQ(pki.check(wild, "example.com").status(), Status::NameMismatch);
  TestCert partial = pki.leaf({.dns = {"w*.example.com"}});
  EXPECT_EQ(pki.check(partial, "www.example.com").status(), Status::NameMismatch);
}

TEST(VerifyServerChain, IpAddressesMatchIpEntries) {
  Pki pki;
  TestCert leaf = pki.leaf({.dns = {"127.0.0.1"}, .ips = {"192.0.2.7", "2001:db8::1"}});
  auto check_ip = [&](const std::string& addr) { return verify({pki.root}, {leaf, pki.ica}, ip(addr)); };
  EXPECT_TRUE(check_ip("192.0.2.7").ok());
  EXPECT_TRUE(check_ip("2001:db8:0::1").ok());
  EXPECT_EQ(check_ip("192.0.2.8").status(), Status::NameMismatch);
  EXPECT_EQ(check_ip("127.0.0.1").status(), Status::NameMismatch) << "a DNS entry spelling an address is not an address";
  // And an address is never accepted as a DNS name.
  EXPECT_EQ(pki.check(leaf, "127.0.0.1").status(), Status::BadServerName);
}

TEST(VerifyServerChain, ServerNamesMustBeWellFormed) {
  Pki pki;
  TestCert leaf = pki.leaf();
  for (const char* bad : {"", "*.example.com", "a..example.com", ".example.com", "example.com.", "-a.example.com",
                          "exa mple.com", "ex_ample.com", "10.0.0.1"})
    EXPECT_EQ(pki.check(leaf, bad).status(), Status::BadServerName) << bad;
  EXPECT_EQ(verify({pki.root}, {leaf, pki.ica}, {ServerName::Kind::Ip, "", Bytes(5)}).status(), Status::BadServerName);
  EXPECT_EQ(pki.check(leaf, std::string(254, 'a')).status(), Status::BadServerName);
}

TEST(VerifyServerChain, NameConstraintsApplyToTheLeafAndToThePeerName) {
  Pki pki;
  TestCert nc_ica = issue({.subject = "/CN=nc ica",
                           .ca = true,
                           .extra = {"nameConstraints=critical,permitted;DNS:example.com,excluded;DNS:bar.example.com,"
                                     "permitted;IP:192.0.2.0/255.255.255.0"}},
                          TestKey::ec(), &pki.root);
  auto under_nc = [&](CertSpec spec, const ServerName& name) {
    spec.subject = "/CN=nc leaf";
    spec.eku = "serverAuth";
    return verify({pki.root}, {issue(spec, TestKey::ec(), &nc_ica), nc_ica}, name);
  };
  EXPECT_TRUE(under_nc({.dns = {"a.example.com"}}, dns("a.example.com")).ok());
  EXPECT_EQ(under_nc({.dns = {"a.example.org"}}, dns("a.example.org")).error(),
            chain_invalid(X509_V_ERR_PERMITTED_VIOLATION));
  EXPECT_EQ(under_nc({.dns = {"bar.example.com"}}, dns("bar.example.com")).error(),
            chain_invalid(X509_V_ERR_EXCLUDED_VIOLATION));
  // "*.example.com" is inside the constraints, but it would vouch for the excluded name.
  EXPECT_TRUE(under_nc({.dns = {"*.example.com"}}, dns("foo.example.com")).ok());
  EXPECT_EQ(under_nc({.dns = {"*.example.com"}}, dns("bar.example.com")).error(),
            chain_invalid(X509_V_ERR_EXCLUDED_VIOLATION));
  EXPECT_TRUE(under_nc({.ips = {"192.0.2.9"}}, ip("192.0.2.9")).ok());
  EXPECT_EQ(under_nc({.ips = {"198.51.100.1"}}, ip("198.51.100.1")).error(),
            chain_invalid(X509_V_ERR_PERMITTED_VIOLATION));
  // Under constraints, a malformed name in the leaf fails the chain.
  EXPECT_EQ(under_nc({.dns = {"a.example.com", ".example.com"}}, dns("a.example.com")).error(),
            chain_invalid(X509_V_ERR_UNSUPPORTED_NAME_SYNTAX));
  // A leading dot is not DNS constraint syntax (RFC 5280 §4.2.1.10).
  TestCert dotted = issue({.subject = "/CN=dotted", .ca = true, .extra = {"nameConstraints=critical,permitted;DNS:.example.com"}},
                          TestKey::ec(), &pki.root);
  TestCert leaf = issue({.subject = "/CN=x", .dns = {"a.example.com"}, .eku = "serverAuth"}, TestKey::ec(), &dotted);
  EXPECT_EQ(verify({pki.root}, {leaf, dotted}, dns("a.example.com")).error(),
            chain_invalid(X509_V_ERR_UNSUPPORTED_NAME_SYNTAX));
}

TEST(VerifyServerChain, TheLeafMustNotBeACa) {
  Pki pki;
  TestCert ca_leaf = issue({.subject = "/CN=ca leaf",
                            .ca = true,
                            .dns = {"ca.example.com"},
                            .eku = "serverAuth",
                            .key_usage = "critical,digitalSignature,keyCertSign"},
                           TestKey::ec(), &pki.ica);
  EXPECT_EQ(pki.check(ca_leaf, "ca.example.com").error(), chain_invalid(X509_V_ERR_INVALID_NON_CA));
  // basicConstraints cA without keyCertSign is still a CA marking.
  TestCert ca_no_sign = issue({.subject = "/CN=ca leaf", .ca = true, .dns = {"ca.example.com"}, .eku = "serverAuth",
                               .key_usage = "critical,digitalSignature"},
                              TestKey::ec(), &pki.ica);
  EXPECT_EQ(pki.check(ca_no_sign, "ca.example.com").error(), chain_invalid(X509_V_ERR_INVALID_NON_CA));
  EXPECT_EQ(pki.check(pki.leaf({.key_usage = "critical,digitalSignature,keyCertSign"})).status(), Status::ChainInvalid);
  TestCert constrained = pki.leaf({.extra = {"nameConstraints=critical,permitted;DNS:example.com"}});
  EXPECT_EQ(pki.check(constrained).error(), chain_invalid(X509_V_ERR_INVALID_NON_CA));
}

TEST(VerifyServerChain, NoVersion1Certificates) {
  Pki pki;
  TestCert v1_leaf = issue({.subject = "/CN=v1", .version = 1}, TestKey::ec(), &pki.ica);
  EXPECT_EQ(pki.check(v1_leaf, "v1.example.com").error(), (Error{Status::CertificateVersion, 0}));
  // A v1 root is not stored as an anchor, so nothing chains to it.
  TestCert v1_root = issue({.subject = "/CN=v1 root", .version = 1}, TestKey::ec(), nullptr);
  TestCert leaf = issue({.subject = "/CN=l", .dns = {"l.example.com"}, .eku = "serverAuth"}, TestKey::ec(), &v1_root);
  EXPECT_EQ(verify({v1_root}, {leaf}, dns("l.example.com")).status(), Status::ChainInvalid);
}

TEST(VerifyServerChain, SignatureAlgorithmsAndCaKeys) {
  Pki pki;
  EXPECT_EQ(pki.check(pki.leaf({.digest = "SHA1"})).error(), (Error{Status::WeakParameter, 0}));
  EXPECT_EQ(pki.check(pki.leaf({.digest = "SHA224"})).error(), (Error{Status::WeakParameter, 0}));
  EXPECT_TRUE(pki.check(pki.leaf({.digest = "SHA512"})).ok());
  // The intermediate's own signature, made by the root.
  TestCert sha1_ica = issue({.subject = "/CN=sha1 ica", .ca = true, .digest = "SHA1"}, TestKey::ec(), &pki.root);
  TestCert leaf = issue({.subject = "/CN=l", .dns = {"l.example.com"}, .eku = "serverAuth"}, TestKey::ec(), &sha1_ica);
  EXPECT_EQ(verify({pki.root}, {leaf, sha1_ica}, dns("l.example.com")).error(), (Error{Status::WeakParameter, 1}));
  // The anchor's self-signature is never checked, so its hash does not matter.
  TestCert sha1_root = issue({.subject = "/CN=sha1 root", .ca = true, .digest = "SHA1"}, TestKey::ec(), nullptr);
  TestCert leaf2 = issue({.subject = "/CN=l", .dns = {"l.example.com"}, .eku = "serverAuth"}, TestKey::ec(), &sha1_root);
  EXPECT_TRUE(verify({sha1_root}, {leaf2}, dns("l.example.com")).ok());

  // CA keys: RSA >= 2048 and P-521 are fine, RSA-1024 and P-192 are not.
  TestCert rsa_root = issue({.subject = "/CN=rsa root", .ca = true}, TestKey::rsa(2048), nullptr);
  TestCert p521_ica = issue({.subject = "/CN=p521 ica", .ca = true}, TestKey::ec_group("P-521"), &rsa_root);
  TestCert leaf3 = issue({.subject = "/CN=l", .dns = {"l.example.com"}, .eku = "serverAuth"}, TestKey::ec(), &p521_ica);
  EXPECT_TRUE(verify({rsa_root}, {leaf3, p521_ica}, dns("l.example.com")).ok());
  TestCert weak_ica = issue({.subject = "/CN=weak ica", .ca = true}, TestKey::rsa(1024), &rsa_root);
  TestCert leaf4 = issue({.subject = "/CN=l", .dns = {"l.example.com"}, .eku = "serverAuth"}, TestKey::ec(), &weak_ica);
  EXPECT_EQ(verify({rsa_root}, {leaf4, weak_ica}, dns("l.example.com")).error(), (Error{Status::WeakParameter, 1}));
  TestCert p192_ica = issue({.subject = "/CN=p192 ica", .ca = true}, TestKey::ec_group("P-192"), &rsa_root);
  TestCert leaf5 = issue({.subject = "/CN=l", .dns = {"l.example.com"}, .eku = "serverAuth"}, TestKey::ec(), &p192_ica);
  EXPECT_EQ(verify({rsa_root}, {leaf5, p192_ica}, dns("l.example.com")).status(), Status::WeakParameter);
}

TEST(VerifyServerChain, TheLeafKeyIsEcP256OrP384) {
  Pki pki;
  EXPECT_TRUE(pki.check(pki.leaf({}, TestKey::ec(Curve::P256))).ok());
  EXPECT_TRUE(pki.check(pki.leaf({}, TestKey::ec(Curve::P384))).ok());
  EXPECT_EQ(pki.check(pki.leaf({}, TestKey::rsa(2048))).error(), (Error{Status::WeakParameter, 0}));
  EXPECT_EQ(pki.check(pki.leaf({}, TestKey::ec_group("P-521"))).error(), (Error{Status::WeakParameter, 0}));
}

TEST(VerifyServerChain, BoundsOnWhatAServerPresents) {
  Pki pki;
  TestCert leaf = pki.leaf();
  std::vector<TestCert> nine(9, pki.ica);
  nine[0] = leaf;
  EXPECT_EQ(verify({pki.root}, nine, dns("server.example.com")).status(), Status::ChainTooLong);
  std::vector<TestCert> eight(8, pki.ica);
  eight[0] = leaf;
  EXPECT_TRUE(verify({pki.root}, eight, dns("server.example.com")).ok());
  TestCert huge = pki.leaf({.extra = {"nsComment=" + std::string(9000, 'x')}});
  EXPECT_EQ(pki.check(huge).status(), Status::ChainTooLong);
  EXPECT_EQ(verify({pki.root}, {}, dns("server.example.com")).status(), Status::BadArgument);
  TestCert garbage = pki.ica;
  garbage.der.resize(garbage.der.size() - 3);
  EXPECT_EQ(verify({pki.root}, {leaf, garbage}, dns("server.example.com")).error(),
            (Error{Status::BadCertificate, 1}));
}

TEST(VerifyServerChain, FindsTheGoodPathWhenTheServerSendsADeadEnd) {
  Pki pki;
  // The same intermediate (name and key) cross-signed by a root the chip
  // does not trust, sent first: libcrypto alone takes it and gives up.
  TestKey ica_key = TestKey::ec();
  TestCert stranger = issue({.subject = "/CN=stranger root", .ca = true}, TestKey::ec(), nullptr);
  TestCert dead_end = issue({.subject = "/CN=shared ica", .ca = true}, ica_key, &stranger);
  TestCert good = issue({.subject = "/CN=shared ica", .ca = true}, ica_key, &pki.root);
  TestCert leaf = issue({.subject = "/CN=l", .dns = {"l.example.com"}, .eku = "serverAuth"}, TestKey::ec(), &good);
  auto v = verify({pki.root}, {leaf, dead_end, good}, dns("l.example.com"));
  ASSERT_TRUE(v.ok()) << describe(v.error());
  EXPECT_EQ(v->subjects.size(), 3u);
  // With no good path the first error stands.
  EXPECT_EQ(verify({pki.root}, {leaf, dead_end}, dns("l.example.com")).status(), Status::ChainInvalid);
}

TEST(VerifyServerChain, DescribeNamesTheLibcryptoError) {
  std::string text = describe(chain_invalid(X509_V_ERR_CERT_HAS_EXPIRED));
  EXPECT_NE(text.find("ChainInvalid"), std::string::npos) << text;
  EXPECT_NE(text.find("certificate has expired"), std::string::npos) << text;
}

}  // namespace
}  // namespace setls::test
