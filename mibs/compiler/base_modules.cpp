#include "mibs/compiler/base_modules.hpp"

namespace trapsink::mibs::compiler {
namespace {

// RFC 2578 §2 and §7.1 (SNMPv2-SMI): the roots and the application types.
constexpr std::string_view snmpv2_smi = R"(
SNMPv2-SMI DEFINITIONS ::= BEGIN
ccitt OBJECT IDENTIFIER ::= { 0 }
iso OBJECT IDENTIFIER ::= { 1 }
joint-iso-ccitt OBJECT IDENTIFIER ::= { 2 }
org OBJECT IDENTIFIER ::= { iso 3 }
dod OBJECT IDENTIFIER ::= { org 6 }
internet OBJECT IDENTIFIER ::= { dod 1 }
directory OBJECT IDENTIFIER ::= { internet 1 }
mgmt OBJECT IDENTIFIER ::= { internet 2 }
mib-2 OBJECT IDENTIFIER ::= { mgmt 1 }
transmission OBJECT IDENTIFIER ::= { mib-2 10 }
experimental OBJECT IDENTIFIER ::= { internet 3 }
private OBJECT IDENTIFIER ::= { internet 4 }
enterprises OBJECT IDENTIFIER ::= { private 1 }
security OBJECT IDENTIFIER ::= { internet 5 }
snmpV2 OBJECT IDENTIFIER ::= { internet 6 }
snmpDomains OBJECT IDENTIFIER ::= { snmpV2 1 }
snmpProxys OBJECT IDENTIFIER ::= { snmpV2 2 }
snmpModules OBJECT IDENTIFIER ::= { snmpV2 3 }
zeroDotZero OBJECT-IDENTITY
    STATUS current
    DESCRIPTION "A value used for null identifiers."
    ::= { 0 0 }
Integer32 ::= INTEGER (-2147483648..2147483647)
IpAddress ::= [APPLICATION 0] IMPLICIT OCTET STRING (SIZE (4))
Counter32 ::= [APPLICATION 1] IMPLICIT INTEGER (0..4294967295)
Gauge32 ::= [APPLICATION 2] IMPLICIT INTEGER (0..4294967295)
Unsigned32 ::= [APPLICATION 2] IMPLICIT INTEGER (0..4294967295)
TimeTicks ::= [APPLICATION 3] IMPLICIT INTEGER (0..4294967295)
Opaque ::= [APPLICATION 4] IMPLICIT OCTET STRING
Counter64 ::= [APPLICATION 6] IMPLICIT INTEGER (0..18446744073709551615)
ObjectName ::= OBJECT IDENTIFIER
NotificationName ::= OBJECT IDENTIFIER
ExtUTCTime ::= OCTET STRING (SIZE (11 | 13))
UInteger32 ::= [APPLICATION 7] IMPLICIT INTEGER (0..4294967295)
END
)";

// RFC 1155 §6 (RFC1155-SMI). Its OIDs are SNMPv2-SMI's, which loads first and keeps them.
constexpr std::string_view rfc1155_smi = R"(
RFC1155-SMI DEFINITIONS ::= BEGIN
internet OBJECT IDENTIFIER ::= { iso org(3) dod(6) 1 }
directory OBJECT IDENTIFIER ::= { internet 1 }
mgmt OBJECT IDENTIFIER ::= { internet 2 }
experimental OBJECT IDENTIFIER ::= { internet 3 }
private OBJECT IDENTIFIER ::= { internet 4 }
enterprises OBJECT IDENTIFIER ::= { private 1 }
NetworkAddress ::= CHOICE { internet IpAddress }
IpAddress ::= [APPLICATION 0] IMPLICIT OCTET STRING (SIZE (4))
Counter ::= [APPLICATION 1] IMPLICIT INTEGER (0..4294967295)
Gauge ::= [APPLICATION 2] IMPLICIT INTEGER (0..4294967295)
TimeTicks ::= [APPLICATION 3] IMPLICIT INTEGER (0..4294967295)
Opaque ::= [APPLICATION 4] IMPLICIT OCTET STRING
ObjectName ::= OBJECT IDENTIFIER
END
)";

// RFC 1212 (the OBJECT-TYPE macro), RFC 1215 (TRAP-TYPE) and RFC 2580 (SNMPv2-CONF) define
// only macros, which the parser knows.
constexpr std::string_view rfc_1212 = "RFC-1212 DEFINITIONS ::= BEGIN END";
constexpr std::string_view rfc_1215 = "RFC-1215 DEFINITIONS ::= BEGIN END";
constexpr std::string_view snmpv2_conf = "SNMPv2-CONF DEFINITIONS ::= BEGIN END";

// RFC 2579 (SNMPv2-TC): the textual conventions with their syntax and DISPLAY-HINT, without
// their descriptions. Used only when no SNMPv2-TC file is loaded.
constexpr std::string_view snmpv2_tc = R"(
SNMPv2-TC DEFINITIONS ::= BEGIN
IMPORTS TimeTicks FROM SNMPv2-SMI;
DisplayString ::= TEXTUAL-CONVENTION DISPLAY-HINT "255a" STATUS current DESCRIPTION ""
    SYNTAX OCTET STRING (SIZE (0..255))
PhysAddress ::= TEXTUAL-CONVENTION DISPLAY-HINT "1x:" STATUS current DESCRIPTION ""
    SYNTAX OCTET STRING
MacAddress ::= TEXTUAL-CONVENTION DISPLAY-HINT "1x:" STATUS current DESCRIPTION ""
    SYNTAX OCTET STRING (SIZE (6))
TruthValue ::= TEXTUAL-CONVENTION STATUS current DESCRIPTION ""
    SYNTAX INTEGER { true(1), false(2) }
TestAndIncr ::= TEXTUAL-CONVENTION STATUS current DESCRIPTION ""
    SYNTAX INTEGER (0..2147483647)
AutonomousType ::= TEXTUAL-CONVENTION STATUS current DESCRIPTION ""
    SYNTAX OBJECT IDENTIFIER
InstancePointer ::= TEXTUAL-CONVENTION STATUS obsolete DESCRIPTION ""
    SYNTAX OBJECT IDENTIFIER
VariablePointer ::= TEXTUAL-CONVENTION STATUS current DESCRIPTION ""
    SYNTAX OBJECT IDENTIFIER
RowPointer ::= TEXTUAL-CONVENTION STATUS current DESCRIPTION ""
    SYNTAX OBJECT IDENTIFIER
RowStatus ::= TEXTUAL-CONVENTION STATUS current DESCRIPTION ""
    SYNTAX INTEGER { active(1), notInService(2), notReady(3), createAndGo(4),
                     createAndWait(5), destroy(6) }
TimeStamp ::= TEXTUAL-CONVENTION STATUS current DESCRIPTION ""
    SYNTAX TimeTicks
TimeInterval ::= TEXTUAL-CONVENTION STATUS current DESCRIPTION ""
    SYNTAX INTEGER (0..2147483647)
DateAndTime ::= TEXTUAL-CONVENTION DISPLAY-HINT "2d-1d-1d,1d:1d:1d.1d,1a1d:1d"
    STATUS current DESCRIPTION ""
    SYNTAX OCTET STRING (SIZE (8 | 11))
StorageType ::= TEXTUAL-CONVENTION STATUS current DESCRIPTION ""
    SYNTAX INTEGER { other(1), volatile(2), nonVolatile(3), permanent(4), readOnly(5) }
TDomain ::= TEXTUAL-CONVENTION STATUS current DESCRIPTION ""
    SYNTAX OBJECT IDENTIFIER
TAddress ::= TEXTUAL-CONVENTION STATUS current DESCRIPTION ""
    SYNTAX OCTET STRING (SIZE (1..255))
END
)";

}  // namespace

const std::vector<base_module>& base_modules() {
  static const std::vector<base_module> all{
      {"SNMPv2-SMI", snmpv2_smi}, {"RFC1155-SMI", rfc1155_smi}, {"RFC-1212", rfc_1212},
      {"RFC-1215", rfc_1215},     {"SNMPv2-CONF", snmpv2_conf}, {"SNMPv2-TC", snmpv2_tc, true}};
  return all;
}

bool is_base_module(std::string_view name) noexcept {
  return name == "SNMPv2-SMI" || name == "RFC1155-SMI" || name == "RFC-1212" ||
         name == "RFC-1215" || name == "SNMPv2-CONF";
}

}  // namespace trapsink::mibs::compiler
