// The extension table, row by row, against an independent transcription of
// RFC 8446 §4.2 (and, for the TLS 1.2 ServerHello, of each extension's RFC),
// written as the RFC prints it.
#include <gtest/gtest.h>

#include <array>
#include <set>
#include <string>

#include "common/tls/extension_rules.h"
#include "tests/tls/codec_checks.h"

namespace setls::tls {
namespace {

struct Expected {
  uint16_t type;
  const char* where;  // "CH, SH, HRR, EE, CT, CR, NST" and "SH12" for a TLS 1.2 ServerHello
};

constexpr Expected kExpected[] = {
    {0, "CH, EE, SH12"},                 // server_name
    {1, "CH, EE, SH12"},                 // max_fragment_length
    {5, "CH, CR, CT, SH12"},             // status_request
    {10, "CH, EE"},                      // supported_groups
    {11, "CH, SH12"},                    // ec_point_formats
    {13, "CH, CR"},                      // signature_algorithms
    {14, "CH, EE, SH12"},                // use_srtp
    {15, "CH, EE, SH12"},                // heartbeat
    {16, "CH, EE, SH12"},                // application_layer_protocol_negotiation
    {18, "CH, CR, CT, SH12"},            // signed_certificate_timestamp
    {19, "CH, EE, SH12"},                // client_certificate_type
    {20, "CH, EE, SH12"},                // server_certificate_type
    {21, "CH"},                          // padding
    {22, "CH, SH12"},                    // encrypt_then_mac
    {23, "CH, SH12"},                    // extended_master_secret
    {28, "CH, EE, SH12"},                // record_size_limit
    {35, "CH, SH12"},                    // session_ticket
    {41, "CH, SH"},                      // pre_shared_key
    {42, "CH, EE, NST"},                 // early_data
    {43, "CH, SH, HRR"},                 // supported_versions
    {44, "CH, HRR"},                     // cookie
    {45, "CH"},                          // psk_key_exchange_modes
    {47, "CH, CR"},                      // certificate_authorities
    {48, "CR"},                          // oid_filters
    {49, "CH"},                          // post_handshake_auth
    {50, "CH, CR"},                      // signature_algorithms_cert
    {51, "CH, SH, HRR"},                 // key_share
    {0xff01, "CH, SH12"},                // renegotiation_info
};

constexpr ExtensionContext kContexts[] = {
    ExtensionContext::ClientHello,         ExtensionContext::ServerHello,        ExtensionContext::HelloRetryRequest,
    ExtensionContext::EncryptedExtensions, ExtensionContext::Certificate,        ExtensionContext::CertificateRequest,
    ExtensionContext::NewSessionTicket,    ExtensionContext::ServerHello12,
};

std::set<std::string> split(const char* where) {
  std::set<std::string> out;
  std::string s(where), cur;
  for (char c : s + ",") {
    if (c == ',') {
      out.insert(cur);
      cur.clear();
    } else if (c != ' ') {
      cur.push_back(c);
    }
  }
  return out;
}

// An extensions block holding one empty extension of `type`.
ExtensionList one(uint16_t type, std::array<Extension, 1>& storage) {
  storage[0] = Extension{type, {}};
  return ExtensionList(storage);
}

TEST(ExtensionRules, TableMatchesTheRfcs) {
  EXPECT_EQ(extension_rules().size(), std::size(kExpected));
  for (const Expected& row : kExpected) {
    const ExtensionRule* rule = find_extension_rule(row.type);
    ASSERT_NE(rule, nullptr) << row.type;
    std::set<std::string> where = split(row.where);
    for (ExtensionContext c : kContexts)
      EXPECT_EQ(extension_allowed(c, row.type), where.count(context_name(c)) == 1)
          << rule->name << " in " << context_name(c);
  }
}

TEST(ExtensionRules, EveryRowInEveryMessage) {
  for (const Expected& row : kExpected) {
    std::set<std::string> where = split(row.where);
    std::array<Extension, 1> received_storage, offered_storage;
    ExtensionList received = one(row.type, received_storage);
    ExtensionList offered = one(row.type, offered_storage);
    ExtensionList nothing;
    for (ExtensionContext c : kContexts) {
      std::string name = context_name(c);
      bool allowed = where.count(name) == 1;
      // Offered by the client: only placement matters.
      EXPECT_EQ(check_extensions(c, received, offered).status(), allowed ? Status::Ok : Status::TlsIllegalParameter)
          << row.type << " in " << name;
      // Not offered: refused where the server may only answer.
      bool answer_only = name == "SH" || name == "HRR" || name == "EE" || name == "CT" || name == "SH12";
      bool unsolicited_ok = name == "CH" || name == "CR" || name == "NST" || (name == "HRR" && row.type == 44);
      Status expected = !allowed ? Status::TlsIllegalParameter
                        : (answer_only && !unsolicited_ok) ? Status::TlsUnsupportedExtension
                                                           : Status::Ok;
      EXPECT_EQ(check_extensions(c, received, nothing).status(), expected) << row.type << " in " << name;
    }
  }
}

TEST(ExtensionRules, UnknownTypes) {
  constexpr uint16_t kGrease = 0x0a0a;
  std::array<Extension, 1> storage;
  ExtensionList unknown = one(kGrease, storage);
  ExtensionList nothing;
  EXPECT_EQ(find_extension_rule(kGrease), nullptr);
  // Fine in a ClientHello, ignored in CR and NST, unsolicited elsewhere.
  EXPECT_TRUE(check_extensions(ExtensionContext::ClientHello, unknown, nothing).ok());
  EXPECT_TRUE(check_extensions(ExtensionContext::CertificateRequest, unknown, nothing).ok());
  EXPECT_TRUE(check_extensions(ExtensionContext::NewSessionTicket, unknown, nothing).ok());
  for (ExtensionContext c : {ExtensionContext::ServerHello, ExtensionContext::HelloRetryRequest,
                             ExtensionContext::EncryptedExtensions, ExtensionContext::Certificate,
                             ExtensionContext::ServerHello12})
    EXPECT_EQ(check_extensions(c, unknown, nothing).status(), Status::TlsUnsupportedExtension) << context_name(c);
  // An unknown type the client did offer may be answered.
  EXPECT_TRUE(check_extensions(ExtensionContext::EncryptedExtensions, unknown, unknown).ok());
}

TEST(ExtensionRules, ChecksEveryExtensionOfTheMessage) {
  std::array<Extension, 3> sent = {Extension{43, {}}, Extension{51, {}}, Extension{13, {}}};
  std::array<Extension, 2> answer = {Extension{43, {}}, Extension{51, {}}};
  EXPECT_TRUE(check_extensions(ExtensionContext::ServerHello, ExtensionList(answer), ExtensionList(sent)).ok());
  // The third is misplaced: signature_algorithms in a ServerHello.
  std::array<Extension, 3> bad = {Extension{43, {}}, Extension{51, {}}, Extension{13, {}}};
  EXPECT_EQ(check_extensions(ExtensionContext::ServerHello, ExtensionList(bad), ExtensionList(sent)).status(),
            Status::TlsIllegalParameter);
  // A TLS 1.2 extension in a TLS 1.3 EncryptedExtensions.
  std::array<Extension, 2> ems = {Extension{23, {}}, Extension{0xff01, {}}};
  EXPECT_EQ(check_extensions(ExtensionContext::EncryptedExtensions, ExtensionList(std::span(ems).first(1)),
                             ExtensionList(ems))
                .status(),
            Status::TlsIllegalParameter);
  EXPECT_TRUE(check_extensions(ExtensionContext::ServerHello12, ExtensionList(ems), ExtensionList(ems)).ok());
}

TEST(ExtensionRules, NamesAndSources) {
  for (const ExtensionRule& rule : extension_rules()) {
    EXPECT_NE(std::string(rule.name), "");
    EXPECT_NE(std::string(rule.source).find("RFC"), std::string::npos);
  }
  EXPECT_STREQ(find_extension_rule(51)->name, "key_share");
}

}  // namespace
}  // namespace setls::tls
