#include "mibs/compiler/compiler.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include "mibs/compiler/linker.hpp"
#include "mibs/compiler/parser.hpp"

namespace trapsink::mibs::compiler {
namespace fs = std::filesystem;

std::vector<fs::path> discover_files(const std::vector<fs::path>& paths) {
  std::vector<fs::path> out;
  for (const auto& p : paths) {
    std::error_code ec;
    const auto st = fs::status(p, ec);
    if (ec || !fs::exists(st))
      throw std::runtime_error(p.string() + ": " +
                               (ec ? ec.message() : std::string("No such file or directory")));
    if (fs::is_directory(st)) {
      std::vector<fs::path> files;
      for (fs::directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec)) {
        const auto name = it->path().filename().string();
        if (name.empty() || name.front() == '.') continue;
        std::error_code fec;
        if (it->is_regular_file(fec)) files.push_back(it->path());
      }
      if (ec) throw std::runtime_error(p.string() + ": " + ec.message());
      std::sort(files.begin(), files.end());
      out.insert(out.end(), files.begin(), files.end());
    } else {
      out.push_back(p);
    }
  }
  return out;
}

namespace {

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error(p.string() + ": " + std::strerror(errno));
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw std::runtime_error(p.string() + ": read error");
  return s;
}

}  // namespace

compile_result compile_files(const std::vector<fs::path>& files, const leniency& options) {
  compile_result r;
  std::vector<module_ast> parsed;
  for (const auto& f : files) {
    const auto text = read_text(f);
    ++r.files_read;
    auto ms = parse_modules(text, f.string(), options);
    if (ms.empty()) r.files_without_module.push_back(f.string());
    for (auto& m : ms) parsed.push_back(std::move(m));
  }
  r.set = link(std::move(parsed), options);
  return r;
}

compile_result compile_texts(const std::vector<source_text>& sources, const leniency& options) {
  compile_result r;
  std::vector<module_ast> parsed;
  for (const auto& s : sources) {
    ++r.files_read;
    auto ms = parse_modules(s.text, s.file, options);
    if (ms.empty()) r.files_without_module.push_back(s.file);
    for (auto& m : ms) parsed.push_back(std::move(m));
  }
  r.set = link(std::move(parsed), options);
  return r;
}

}  // namespace trapsink::mibs::compiler
