#pragma once
// Well-known OIDs of notifications (RFC 3418 §2 SNMPv2-MIB, RFC 3584 §5.3 SNMP-COMMUNITY-MIB).
#include "snmp/ber/oid.hpp"

namespace trapsink::snmp::message::well_known {

/// sysUpTime.0 (SNMPv2-MIB, RFC 3418): first varbind of every SNMPv2 notification.
inline const ber::oid sys_up_time_0{1, 3, 6, 1, 2, 1, 1, 3, 0};
/// snmpTrapOID.0 (SNMPv2-MIB, RFC 3418): second varbind of every SNMPv2 notification.
inline const ber::oid snmp_trap_oid_0{1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};
/// snmpTrapEnterprise.0 (SNMPv2-MIB, RFC 3418).
inline const ber::oid snmp_trap_enterprise_0{1, 3, 6, 1, 6, 3, 1, 1, 4, 3, 0};
/// snmpTraps (SNMPv2-MIB, RFC 3418): the generic notifications are snmpTraps.1 .. .6.
inline const ber::oid snmp_traps{1, 3, 6, 1, 6, 3, 1, 1, 5};
/// snmpTrapAddress.0 (SNMP-COMMUNITY-MIB, RFC 3584 §5.3).
inline const ber::oid snmp_trap_address_0{1, 3, 6, 1, 6, 3, 18, 1, 3, 0};
/// snmpTrapCommunity.0 (SNMP-COMMUNITY-MIB, RFC 3584 §5.3).
inline const ber::oid snmp_trap_community_0{1, 3, 6, 1, 6, 3, 18, 1, 4, 0};

/// coldStart (snmpTraps.1, RFC 3418).
inline const ber::oid cold_start{1, 3, 6, 1, 6, 3, 1, 1, 5, 1};
/// warmStart (snmpTraps.2).
inline const ber::oid warm_start{1, 3, 6, 1, 6, 3, 1, 1, 5, 2};
/// linkDown (snmpTraps.3, IF-MIB RFC 2863).
inline const ber::oid link_down{1, 3, 6, 1, 6, 3, 1, 1, 5, 3};
/// linkUp (snmpTraps.4, IF-MIB RFC 2863).
inline const ber::oid link_up{1, 3, 6, 1, 6, 3, 1, 1, 5, 4};
/// authenticationFailure (snmpTraps.5).
inline const ber::oid authentication_failure{1, 3, 6, 1, 6, 3, 1, 1, 5, 5};
/// egpNeighborLoss (snmpTraps.6, RFC 1213).
inline const ber::oid egp_neighbor_loss{1, 3, 6, 1, 6, 3, 1, 1, 5, 6};

}  // namespace trapsink::snmp::message::well_known
