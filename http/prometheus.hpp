#pragma once
// The metrics registry in the Prometheus text exposition format 0.0.4: one `# HELP` and one
// `# TYPE` line per metric name, then its samples; label values escaped (\\, \", \n).
#include <string>
#include <string_view>

#include "core/metrics.hpp"

namespace trapsink::http {

/// The Content-Type of the text format.
inline constexpr const char* prometheus_content_type = "text/plain; version=0.0.4; charset=utf-8";

/// Every counter (TYPE counter) and gauge (TYPE gauge) of the registry.
std::string render_prometheus(const core::metrics_registry& metrics);

/// A registry label set (`a="x",b="y"`, raw values) as exposition text with escaped values.
std::string escape_labels(std::string_view labels);

/// A HELP text with \\ and newlines escaped.
std::string escape_help(std::string_view help);

}  // namespace trapsink::http
