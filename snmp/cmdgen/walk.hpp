#pragma once
// Walking a subtree (RFC 3416 §4.2.2 GetNext, §4.2.3 GetBulk) the way Net-SNMP's snmpwalk and
// snmpbulkwalk do: GETNEXT (v1) or GETBULK (v2c, v3) from the root; every varbind inside the
// subtree is delivered; the walk stops at the first varbind outside it, at an exception value
// (endOfMibView, noSuchObject, noSuchInstance — delivered first when inside the subtree, as
// Net-SNMP prints it), at an error-status (v1 noSuchName: the end of the MIB), or at an OID
// not greater than the previous one (errc::oid_not_increasing, unless check_increasing is off).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "snmp/cmdgen/session.hpp"

namespace trapsink::snmp::cmdgen {

/// How to walk.
struct walk_options {
  bool bulk = false;                  ///< GETBULK (v2c/v3 only) instead of GETNEXT
  std::int32_t max_repetitions = 10;  ///< -Cr
  bool check_increasing = true;       ///< -Cc turns it off
};

/// How a walk ended.
struct walk_outcome {
  boost::system::error_code ec;   ///< request failure or errc::oid_not_increasing
  std::int32_t error_status = 0;  ///< the agent's error-status (0: none)
  std::int32_t error_index = 0;
  std::optional<ber::oid> failed_oid;  ///< the varbind error_index names, when present
  bool end_of_mib = false;             ///< v1 noSuchName: past the last object
  std::size_t count = 0;               ///< varbinds delivered
  ber::oid previous;                   ///< for oid_not_increasing: the last OID seen ...
  ber::oid offending;                  ///< ... and the one that was not greater
  std::size_t requests = 0;            ///< requests sent (one per round trip)
};

/// Walk root on a. on_varbind is called for every varbind to show, in order; done once at the
/// end. Both run on the session's executor.
void async_walk(session& s, std::shared_ptr<agent> a, ber::oid root, walk_options opts,
                std::function<void(const message::varbind&)> on_varbind,
                std::function<void(walk_outcome)> done);

}  // namespace trapsink::snmp::cmdgen
