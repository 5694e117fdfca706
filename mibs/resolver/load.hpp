#pragma once
// Loading a compiled index file into a resolver (for serve and the mib commands).
#include <filesystem>
#include <memory>

#include "mibs/resolver/resolver.hpp"

namespace trapsink::mibs {

/// Read the index at path (mibs/index/index_file.hpp) and build its resolver. Throws
/// std::runtime_error("PATH: reason") when the file is missing, truncated or corrupt.
std::shared_ptr<const resolver> load_resolver(const std::filesystem::path& path);

}  // namespace trapsink::mibs
