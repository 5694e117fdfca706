// Log setup (logging.hpp): the text pattern or the JSON-lines formatter, on standard error or
// on a file that can be reopened.
#include "service/logging.hpp"

#include <fcntl.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string_view>

#include "pipeline/record/json_writer.hpp"

namespace trapsink::service {
namespace {

constexpr const char* text_pattern = "%Y-%m-%dT%H:%M:%S.%fZ %^%l%$ %v";

/// "warn" rather than spdlog's "warning", so levels read as --log-level spells them.
std::string_view level_name(spdlog::level::level_enum l) noexcept {
  switch (l) {
    case spdlog::level::trace:
      return "trace";
    case spdlog::level::debug:
      return "debug";
    case spdlog::level::info:
      return "info";
    case spdlog::level::warn:
      return "warn";
    case spdlog::level::err:
      return "error";
    case spdlog::level::critical:
      return "critical";
    default:
      return "off";
  }
}

/// A JSON string from log text: invalid UTF-8 (a community or user name of raw octets in a
/// message) would make the line unparsable, so its non-ASCII octets become '?' then.
void put_text(pipeline::json::writer& w, std::string_view s) {
  bool ascii_or_utf8 = true;
  for (const char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii_or_utf8 = false;
      break;
    }
  }
  if (!ascii_or_utf8) {
    // Control characters are escaped by the writer; only the UTF-8 well-formedness matters.
    std::string probe;
    for (const char c : s) {
      if (static_cast<unsigned char>(c) >= 0x20 || c == '\t') probe.push_back(c);
    }
    ascii_or_utf8 = pipeline::json::is_printable_utf8(probe);
  }
  if (ascii_or_utf8) {
    w.string(s);
    return;
  }
  std::string fixed(s);
  for (char& c : fixed) {
    if (static_cast<unsigned char>(c) >= 0x80) c = '?';
  }
  w.string(fixed);
}

/// One JSON object per message: ts, level, logger, msg.
class json_formatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& m, spdlog::memory_buf_t& dest) override {
    std::string line;
    {
      pipeline::json::writer w(line);
      w.raw("{\"ts\":");
      w.time(m.time);
      w.raw(",\"level\":\"");
      w.raw(level_name(m.level));
      w.raw("\",\"logger\":");
      put_text(w, std::string_view(m.logger_name.data(), m.logger_name.size()));
      w.raw(",\"msg\":");
      put_text(w, std::string_view(m.payload.data(), m.payload.size()));
      w.raw("}\n");
    }
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<json_formatter>();
  }
};

/// Open path for appending (created 0640: logs can name users and sources).
std::FILE* open_append(const std::string& path, int& err) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) {
    err = errno;
    return nullptr;
  }
  std::FILE* f = ::fdopen(fd, "a");
  if (f == nullptr) {
    err = errno;
    ::close(fd);
  }
  return f;
}

/// A file sink whose file can be reopened under the sink's lock; every line is flushed.
class reopenable_file_sink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit reopenable_file_sink(std::string path) : path_(std::move(path)) {
    int err = 0;
    file_ = open_append(path_, err);
    if (file_ == nullptr) {
      throw std::runtime_error("log_file: cannot open '" + path_ + "': " + std::strerror(err));
    }
  }
  ~reopenable_file_sink() override {
    if (file_ != nullptr) std::fclose(file_);
  }
  reopenable_file_sink(const reopenable_file_sink&) = delete;
  reopenable_file_sink& operator=(const reopenable_file_sink&) = delete;

  /// Reopen the path; false (err set) when it cannot be opened: the old file stays.
  bool reopen(int& err) {
    std::lock_guard lock(mutex_);
    std::FILE* f = open_append(path_, err);
    if (f == nullptr) return false;
    std::fclose(file_);
    file_ = f;
    return true;
  }
  const std::string& path() const noexcept { return path_; }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t buf;
    formatter_->format(msg, buf);
    std::fwrite(buf.data(), 1, buf.size(), file_);
    std::fflush(file_);
  }
  void flush_() override { std::fflush(file_); }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

/// What is in force, and what the command line said.
struct state {
  log_settings command_line;
  std::string format = "text";
  std::string file;
  std::string level = "info";
  std::shared_ptr<reopenable_file_sink> file_sink;
};

state& current() {
  static state s;
  return s;
}

}  // namespace

bool valid_log_format(const std::string& format) noexcept {
  return format == "text" || format == "json";
}

bool valid_log_level(const std::string& level) noexcept {
  for (const char* l : {"trace", "debug", "info", "warn", "error", "critical", "off"}) {
    if (level == l) return true;
  }
  return false;
}

void init_logging() {
  // Logs go to stderr: stdout carries records when --jsonl is '-'.
  auto logger = spdlog::stderr_color_mt("trapsink");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern(text_pattern, spdlog::pattern_time_type::utc);
}

void set_command_line_logging(const log_settings& s) { current().command_line = s; }

void apply_logging(const log_settings& file_values) {
  state& st = current();
  auto pick = [](const std::optional<std::string>& flag, const std::optional<std::string>& file,
                 const std::string& now) {
    return flag ? *flag : file ? *file : now;
  };
  const std::string format = pick(st.command_line.format, file_values.format, st.format);
  std::string file = pick(st.command_line.file, file_values.file, st.file);
  const std::string level = pick(st.command_line.level, file_values.level, st.level);
  if (!valid_log_format(format)) {
    throw std::invalid_argument("log_format: '" + format + "' is not text or json");
  }
  if (!valid_log_level(level)) {
    throw std::invalid_argument("log_level: '" + level +
                                "' is not trace, debug, info, warn, error, critical or off");
  }
  if (file == "-") file.clear();

  std::shared_ptr<spdlog::logger> logger;
  std::shared_ptr<reopenable_file_sink> file_sink;
  if (file.empty()) {
    if (format == st.format && st.file.empty()) {
      logger = spdlog::default_logger();  // keep the colour sink
    } else {
      logger = std::make_shared<spdlog::logger>(
          "trapsink", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    }
  } else {
    file_sink = std::make_shared<reopenable_file_sink>(file);
    logger = std::make_shared<spdlog::logger>("trapsink", file_sink);
  }
  if (format == "json") {
    logger->set_formatter(std::make_unique<json_formatter>());
  } else {
    logger->set_formatter(
        std::make_unique<spdlog::pattern_formatter>(text_pattern, spdlog::pattern_time_type::utc));
  }
  logger->set_level(spdlog::level::from_str(level));
  if (logger != spdlog::default_logger()) {
    spdlog::set_default_logger(logger);  // replaces the registry's "trapsink" entry
  }
  st.format = format;
  st.file = file;
  st.level = level;
  st.file_sink = std::move(file_sink);
}

void reopen_log_file() noexcept {
  const auto sink = current().file_sink;
  if (!sink) return;
  try {
    int err = 0;
    if (sink->reopen(err)) {
      spdlog::info("SIGHUP: reopened the log file {}", sink->path());
    } else {
      spdlog::error("SIGHUP: cannot reopen the log file '{}': {}; still writing to the old one",
                    sink->path(), std::strerror(err));
    }
  } catch (...) {  // logging failed: nothing more to do
  }
}

std::string log_file_path() { return current().file; }

}  // namespace trapsink::service
