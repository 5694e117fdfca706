#pragma once
// USM users from Net-SNMP configuration files (snmptrapd.conf, snmpd.conf): the createUser lines
// (snmpd.conf(5), "SNMPv3 USM Users"), so an existing snmptrapd user list can be reused as is.
//
//   createUser [-e ENGINEID] NAME [(MD5|SHA|SHA-224|SHA-256|SHA-384|SHA-512) AUTH
//              [(DES|AES|AES-192|AES-256|...) [PRIV]]]
//   AUTH, PRIV: a passphrase, "-m 0xHEX" (master key Ku) or "-l 0xHEX" (localized key Kul)
//
// As in Net-SNMP: PRIV omitted means the same secret as AUTH; words may be quoted ("..." or
// '...', backslash escapes the next character); a word starting with '#' ends the line; the
// directive name is case-insensitive; "-e ENGINEID" binds the user to that engine, which for
// trapsink means pinning: the user is accepted only from that authoritative engine ID. Several
// lines for the same user and the same secrets but different -e engine IDs make one user pinned
// to all of them. Protocols trapsink knows beyond Net-SNMP's (3DES, AES-192-C, ...) are
// accepted. Other directives are skipped.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "snmp/usm/user.hpp"

namespace trapsink::config {

/// The users of the createUser lines in text, in order; origin_file names the file in each
/// user's origin ("FILE:LINE") and in messages. Throws config_error ("FILE:LINE: createUser:
/// reason", never repeating a passphrase or key) for a malformed createUser line or a user
/// defined twice. When skipped_lines is given it receives the number of non-empty,
/// non-comment lines that are not createUser lines (logged at debug level too).
std::vector<snmp::usm::user_config> parse_netsnmp_users(std::string_view text,
                                                        const std::string& origin_file,
                                                        std::size_t* skipped_lines = nullptr);

/// parse_netsnmp_users on the file at path; config_error "PATH: cannot read: reason" when it
/// cannot be read.
std::vector<snmp::usm::user_config> read_netsnmp_users(const std::string& path,
                                                       std::size_t* skipped_lines = nullptr);

}  // namespace trapsink::config
