#pragma once
// Error codes of the BER layer (X.690 as profiled by RFC 3416 / RFC 2578). Every way a datagram
// can be malformed has its own code, so that the receiver can count and log it precisely.
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <system_error>
#include <type_traits>

namespace trapsink::snmp::ber {

/// Why BER decoding (or encoding) failed.
enum class errc {
  ok = 0,
  truncated = 1,        ///< the input ends inside a tag or a length
  length_past_end,      ///< a length runs beyond the enclosing element / datagram
  indefinite_length,    ///< 0x80 length form; SNMP requires definite lengths
  length_too_long,      ///< a length field longer than 4 octets, or a length over the limit
  multibyte_tag,        ///< high tag number form (0x1f); never used by SNMP
  depth_exceeded,       ///< constructed elements nested deeper than the limit
  too_many_elements,    ///< more elements in one sequence than the limit
  unexpected_tag,       ///< a tag other than the one the grammar requires here
  empty_integer,        ///< an INTEGER/Counter/... with zero content octets
  integer_too_wide,     ///< an integer value that does not fit its SMI type
  oid_empty,            ///< an OBJECT IDENTIFIER with zero content octets
  oid_subid_too_large,  ///< a sub-identifier over 2^32-1
  oid_too_long,         ///< more than 128 sub-identifiers (RFC 2578 §3.5)
  oid_bad_padding,      ///< a sub-identifier starting with 0x80 (non-minimal)
  oid_truncated,        ///< the last sub-identifier octet has its continuation bit set
  bad_null,             ///< NULL (or an exception value) with content octets
  trailing_data,        ///< octets after the outermost element, or after the last element
                        ///< a SEQUENCE / PDU / VarBind may hold
  bad_ip_address,       ///< IpAddress not exactly 4 octets
};

/// The error category for ber::errc.
const boost::system::error_category& ber_category() noexcept;

/// Make an error_code from a ber::errc.
inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), ber_category()};
}

template <class T>
using result = boost::system::result<T>;

}  // namespace trapsink::snmp::ber

namespace boost::system {
template <>
struct is_error_code_enum<trapsink::snmp::ber::errc> : std::true_type {};
}  // namespace boost::system
