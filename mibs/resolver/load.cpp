#include "mibs/resolver/load.hpp"

#include "mibs/index/index_file.hpp"

namespace trapsink::mibs {

std::shared_ptr<const resolver> load_resolver(const std::filesystem::path& path) {
  return std::make_shared<const resolver>(read_index(path));
}

}  // namespace trapsink::mibs
