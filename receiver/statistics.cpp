#include "receiver/statistics.hpp"

#include <fmt/format.h>

namespace trapsink::receiver {

snmp_statistics::snmp_statistics(core::metrics_registry& reg)
    : in_pkts(reg.get("snmp_in_pkts_total", {}, "snmpInPkts: messages delivered (RFC 3418)")),
      in_bad_versions(reg.get("snmp_in_bad_versions_total", {},
                              "snmpInBadVersions: messages of an unsupported version")),
      in_bad_community_names(
          reg.get("snmp_in_bad_community_names_total", {},
                  "snmpInBadCommunityNames: community-based messages with an unknown community")),
      in_asn_parse_errs(reg.get("snmp_in_asn_parse_errs_total", {},
                                "snmpInASNParseErrs: BER errors while decoding messages")),
      silent_drops(reg.get("snmp_silent_drops_total", {},
                           "snmpSilentDrops: confirmed-class PDUs dropped without a response")) {}

listener_statistics::listener_statistics(core::metrics_registry& reg, std::string listener)
    : reg_(reg),
      name_(std::move(listener)),
      labels_(fmt::format("listener=\"{}\"", name_)),
      received_(
          reg.get("trapsink_listener_received_total", labels_, "datagrams received per listener")),
      recorded_(reg.get("trapsink_listener_recorded_total", labels_,
                        "notifications turned into records per listener")),
      acknowledged_(reg.get("trapsink_listener_informs_acknowledged_total", labels_,
                            "inform Response-PDUs sent per listener")),
      duplicates_(reg.get("trapsink_listener_inform_retransmissions_total", labels_,
                          "retransmitted informs acknowledged again but recorded once")),
      reports_(reg.get("trapsink_listener_reports_sent_total", labels_,
                       "SNMPv3 Report-PDUs sent (discovery, time synchronisation, refusals)")),
      kernel_drops_(reg.get("trapsink_listener_kernel_drops_total", labels_,
                            "datagrams the kernel dropped because the listener's socket receive "
                            "buffer was full (SO_RXQ_OVFL), per listener")) {}

void listener_statistics::dropped(std::string_view reason) {
  std::lock_guard lock(drop_mu_);
  for (auto& [r, c] : drop_counters_) {
    if (r == reason) {
      c->inc();
      return;
    }
  }
  auto& c =
      reg_.get("trapsink_listener_dropped_total", fmt::format("{},reason=\"{}\"", labels_, reason),
               "datagrams that produced no record, per listener and reason");
  drop_counters_.emplace_back(std::string(reason), &c);
  c.inc();
}

std::string summary_line(const core::metrics_registry& reg) {
  std::string out;
  for (const auto& s : reg.snapshot()) {
    if (s.value == 0) continue;
    if (!out.empty()) out += ' ';
    if (s.labels.empty()) {
      out += fmt::format("{}={}", s.name, s.value);
    } else {
      out += fmt::format("{}{{{}}}={}", s.name, s.labels, s.value);
    }
  }
  return out.empty() ? std::string("no traffic") : out;
}

}  // namespace trapsink::receiver
