#pragma once
// The web page's files (http/web/), embedded in the binary at build time by
// cmake/EmbedFiles.cmake into web_assets.cpp.
#include <string_view>

namespace trapsink::http {

/// One embedded file.
struct web_asset {
  std::string_view path;          ///< "/index.html", "/app.js", "/style.css"
  std::string_view content_type;  ///< by extension
  std::string_view data;
};

/// The asset served at this path ("/" is "/index.html"), or nullptr.
const web_asset* find_web_asset(std::string_view path) noexcept;

}  // namespace trapsink::http
