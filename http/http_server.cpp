#include "http/http_server.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <stdexcept>

#include "http/events_api.hpp"
#include "http/prometheus.hpp"
#include "http/web_assets.hpp"
#include "store/event_store.hpp"

namespace trapsink::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

constexpr std::chrono::seconds request_timeout{30};
constexpr std::chrono::seconds keepalive_interval{15};
constexpr std::uint32_t header_limit = 8192;

using request = bhttp::request<bhttp::empty_body>;
using response = bhttp::response<bhttp::string_body>;

/// The route label of a path in trapsink_http_requests_total (a fixed set: no cardinality
/// from what clients send).
std::string_view route_of(std::string_view path) {
  for (std::string_view r :
       {"/metrics", "/healthz", "/readyz", "/api/events", "/api/events/stream"}) {
    if (path == r) return r;
  }
  if (find_web_asset(path) != nullptr) return "/";
  return "other";
}

bool iequals_prefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

struct http_server::impl {
  impl(http_options o, core::metrics_registry& m, event_broadcaster& e, server_hooks h)
      : options(std::move(o)),
        metrics(m),
        events(e),
        hooks(std::move(h)),
        token(std::make_shared<const std::string>(options.token)),
        connections_rejected(m.get("trapsink_http_connections_rejected_total", {},
                                   "HTTP connections refused (503) because max_connections were "
                                   "open.")),
        bad_requests(m.get("trapsink_http_bad_requests_total", {},
                           "HTTP requests that could not be parsed (4xx, connection closed).")) {}

  http_options options;
  core::metrics_registry& metrics;
  event_broadcaster& events;
  server_hooks hooks;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::string bound;

  std::mutex token_mu;
  std::shared_ptr<const std::string> token;

  // io thread only
  std::size_t connections = 0;
  std::set<beast::tcp_stream*> live;
  std::optional<store::event_store> store;
  bool stopping = false;

  core::counter& connections_rejected;
  core::counter& bad_requests;

  std::shared_ptr<const std::string> current_token() {
    std::lock_guard lock(token_mu);
    return token;
  }

  void count(std::string_view path, unsigned status) {
    metrics
        .get("trapsink_http_requests_total",
             fmt::format("route=\"{}\",code=\"{}\"", route_of(path), status),
             "HTTP requests answered, by route and status code.")
        .inc();
  }

  awaitable<void> accept_loop();
  awaitable<void> session(tcp::socket socket);
  awaitable<void> stream_events(beast::tcp_stream& stream, const request& req);
  response handle(const request& req, std::string_view path, std::string_view query);
  response events_api(const request& req, std::string_view query);
  bool authorized(const request& req, std::string_view query);
};

namespace {

response make_response(const request& req, bhttp::status status, std::string body,
                       std::string_view content_type) {
  response res{status, req.version()};
  res.set(bhttp::field::server, "trapsink");
  res.set(bhttp::field::content_type, content_type);
  res.set(bhttp::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  if (req.method() == bhttp::verb::head) res.body().clear();
  return res;
}

response json_response(const request& req, bhttp::status status, std::string body) {
  return make_response(req, status, std::move(body), "application/json");
}

/// A response for a request that could not be parsed (no request object to answer to).
response error_response(bhttp::status status, std::string_view message) {
  response res{status, 11};
  res.set(bhttp::field::server, "trapsink");
  res.set(bhttp::field::content_type, "application/json");
  res.set(bhttp::field::connection, "close");
  res.keep_alive(false);
  res.body() = error_json(message);
  res.prepare_payload();
  return res;
}

}  // namespace

bool http_server::impl::authorized(const request& req, std::string_view query) {
  const auto t = current_token();
  if (t->empty()) return true;
  const auto h = req[bhttp::field::authorization];
  if (iequals_prefix(h, "bearer ")) {
    std::string_view presented(h.data() + 7, h.size() - 7);
    while (!presented.empty() && presented.front() == ' ') presented.remove_prefix(1);
    return constant_time_equal(*t, presented);
  }
  // RFC 6750 §2.3: the token as the access_token query parameter, for EventSource (which
  // cannot send headers). Documented in docs/http.md with its drawbacks.
  if (query.find("access_token=") != std::string_view::npos) {
    try {
      const auto params = parse_query_string(query);
      const auto it = params.find("access_token");
      if (it != params.end()) return constant_time_equal(*t, it->second);
    } catch (const store::usage_error&) {
      return false;
    }
  }
  return false;
}

response http_server::impl::events_api(const request& req, std::string_view query) {
  const std::string path = hooks.sqlite_path ? hooks.sqlite_path() : std::string();
  if (path.empty()) {
    return json_response(
        req, bhttp::status::not_found,
        error_json("no SQLite store: /api/events reads the events trapsink stores in SQLite; "
                   "start `trapsink serve` with --sqlite FILE (or 'sqlite: FILE' in the "
                   "configuration file)"));
  }
  store::query q;
  try {
    q = build_events_query(parse_query_string(query));
  } catch (const store::usage_error& e) {
    return json_response(req, bhttp::status::bad_request, error_json(e.what()));
  }
  try {
    if (!store || store->path() != path) {
      store.reset();
      store.emplace(path);
    }
    const auto rows = store->newest(q);
    return json_response(req, bhttp::status::ok, events_json(rows, q.limit));
  } catch (const store::store_error& e) {
    store.reset();
    return json_response(req, bhttp::status::service_unavailable, error_json(e.what()));
  }
}

response http_server::impl::handle(const request& req, std::string_view path,
                                   std::string_view query) {
  if (path == "/healthz") {
    return json_response(req, bhttp::status::ok, "{\"status\":\"ok\"}\n");
  }
  const web_asset* asset = find_web_asset(path);
  if (asset != nullptr) {
    // The page's files hold no data (the page asks the API, with the token, for everything).
    return make_response(req, bhttp::status::ok, std::string(asset->data), asset->content_type);
  }
  if (!authorized(req, query)) {
    auto res = json_response(req, bhttp::status::unauthorized,
                             error_json("this endpoint needs 'Authorization: Bearer TOKEN' with "
                                        "the token of the http configuration"));
    res.set(bhttp::field::www_authenticate, "Bearer realm=\"trapsink\"");
    return res;
  }
  if (path == "/metrics") {
    return make_response(req, bhttp::status::ok, render_prometheus(metrics),
                         prometheus_content_type);
  }
  if (path == "/readyz") {
    const readiness r = hooks.ready ? hooks.ready() : readiness{};
    nlohmann::json j;
    j["ready"] = r.ready;
    j["problems"] = r.problems;
    return json_response(req, r.ready ? bhttp::status::ok : bhttp::status::service_unavailable,
                         j.dump() + "\n");
  }
  if (path == "/api/events") return events_api(req, query);
  if (path == "/api/events/stream") {
    auto res = json_response(req, bhttp::status::method_not_allowed,
                             error_json("the event stream is read with GET"));
    res.set(bhttp::field::allow, "GET");
    return res;
  }
  return json_response(
      req, bhttp::status::not_found,
      error_json(fmt::format("no such endpoint '{}'; see docs/http.md (/, /metrics, /healthz, "
                             "/readyz, /api/events, /api/events/stream)",
                             path)));
}

awaitable<void> http_server::impl::stream_events(beast::tcp_stream& stream, const request& req) {
  if (events.clients() >= options.max_stream_clients) {
    auto res =
        json_response(req, bhttp::status::service_unavailable,
                      error_json(fmt::format("{} streaming clients are connected, the most allowed",
                                             options.max_stream_clients)));
    res.keep_alive(false);
    count("/api/events/stream", 503);
    stream.expires_after(request_timeout);
    co_await bhttp::async_write(stream, res, use_tuple);
    co_return;
  }
  count("/api/events/stream", 200);
  auto client = events.subscribe();
  asio::steady_timer wake(io);
  client->wake = [&wake] { wake.cancel(); };
  std::string out =
      "HTTP/1.1 200 OK\r\nServer: trapsink\r\nContent-Type: text/event-stream\r\n"
      "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n"
      ": trapsink event stream\nretry: 2000\n\n";
  for (;;) {
    stream.expires_after(request_timeout);
    auto [ec, n] = co_await asio::async_write(stream, asio::buffer(out), use_tuple);
    if (ec) break;
    out.clear();
    while (client->pending.empty() && !client->overflowed) {
      wake.expires_after(keepalive_interval);
      auto [wec] = co_await wake.async_wait(use_tuple);
      if (!wec) {
        client->pending = ": keep-alive\n\n";
      }
    }
    if (client->overflowed) break;
    out.swap(client->pending);
  }
  client->wake = nullptr;
  events.unsubscribe(client);
}

awaitable<void> http_server::impl::session(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  if (stopping) co_return;  // accepted just before stop(): its close pass did not see it
  live.insert(&stream);
  struct guard {
    impl* self;
    beast::tcp_stream* s;
    ~guard() {
      self->live.erase(s);
      --self->connections;
    }
  } g{this, &stream};
  beast::flat_buffer buffer(header_limit);
  for (;;) {
    bhttp::request_parser<bhttp::empty_body> parser;
    parser.header_limit(header_limit);
    stream.expires_after(request_timeout);
    auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
    if (ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted ||
        ec == beast::error::timeout || ec == asio::error::eof ||
        ec == asio::error::connection_reset || stopping) {
      break;
    }
    if (ec) {
      bad_requests.inc();
      bhttp::status st = bhttp::status::bad_request;
      std::string msg = fmt::format("bad HTTP request: {}", ec.message());
      if (ec == bhttp::error::header_limit) {
        st = bhttp::status::request_header_fields_too_large;
        msg = fmt::format("the request's headers exceed {} bytes", header_limit);
      } else if (ec == bhttp::error::unexpected_body || ec == bhttp::error::body_limit) {
        st = bhttp::status::payload_too_large;
        msg = "requests to this server carry no body";
      }
      count("other", static_cast<unsigned>(st));
      auto res = error_response(st, msg);
      stream.expires_after(request_timeout);
      co_await bhttp::async_write(stream, res, use_tuple);
      break;
    }
    const request& req = parser.get();
    const std::string_view target(req.target().data(), req.target().size());
    const auto qm = target.find('?');
    const std::string_view path = target.substr(0, qm);
    const std::string_view query =
        qm == std::string_view::npos ? std::string_view{} : target.substr(qm + 1);
    if (req.method() != bhttp::verb::get && req.method() != bhttp::verb::head) {
      auto res = json_response(
          req, bhttp::status::method_not_allowed,
          error_json(fmt::format(
              "method {} is not allowed: this API is read-only (GET, HEAD)",
              std::string_view(req.method_string().data(), req.method_string().size()))));
      res.set(bhttp::field::allow, "GET, HEAD");
      count(path, 405);
      stream.expires_after(request_timeout);
      auto [wec, wn] = co_await bhttp::async_write(stream, res, use_tuple);
      if (wec || !res.keep_alive()) break;
      continue;
    }
    if (path == "/api/events/stream" && req.method() == bhttp::verb::get) {
      if (!authorized(req, query)) {
        auto res = json_response(req, bhttp::status::unauthorized,
                                 error_json("this endpoint needs 'Authorization: Bearer TOKEN' "
                                            "(or ?access_token=TOKEN)"));
        res.set(bhttp::field::www_authenticate, "Bearer realm=\"trapsink\"");
        res.keep_alive(false);
        count(path, 401);
        stream.expires_after(request_timeout);
        co_await bhttp::async_write(stream, res, use_tuple);
        break;
      }
      co_await stream_events(stream, req);
      break;
    }
    response res = handle(req, path, query);
    count(path, res.result_int());
    stream.expires_after(request_timeout);
    auto [wec, wn] = co_await bhttp::async_write(stream, res, use_tuple);
    if (wec || !res.keep_alive()) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

awaitable<void> http_server::impl::accept_loop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
    if (ec == asio::error::operation_aborted || stopping) co_return;
    if (ec) continue;  // e.g. EMFILE: try the next one
    if (connections >= options.max_connections) {
      connections_rejected.inc();
      auto res = error_response(
          bhttp::status::service_unavailable,
          fmt::format("{} connections are open, the most allowed; retry", options.max_connections));
      beast::error_code ignored;
      bhttp::write(socket, res, ignored);  // small; the socket buffer takes it at once
      socket.close(ignored);
      continue;
    }
    ++connections;
    asio::co_spawn(io, session(std::move(socket)), asio::detached);
  }
}

http_server::http_server(http_options options, core::metrics_registry& metrics,
                         event_broadcaster& events, server_hooks hooks)
    : impl_(std::make_shared<impl>(std::move(options), metrics, events, std::move(hooks))) {}

http_server::~http_server() { stop(); }

void http_server::start() {
  auto& i = *impl_;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(i.options.listen.address, ec);
  if (ec) throw std::runtime_error("HTTP: bad listen address " + i.options.listen.to_string());
  const tcp::endpoint ep(address, i.options.listen.port);
  auto fail = [&](std::string_view what) {
    throw std::runtime_error(
        fmt::format("HTTP: cannot {} {}: {}", what, i.options.listen.to_string(), ec.message()));
  };
  if (i.acceptor.open(ep.protocol(), ec)) fail("open a socket for");
  if (i.acceptor.set_option(tcp::acceptor::reuse_address(true), ec)) fail("set SO_REUSEADDR on");
  if (address.is_v6()) i.acceptor.set_option(asio::ip::v6_only(true), ec);
  if (i.acceptor.bind(ep, ec)) fail("bind");
  if (i.acceptor.listen(asio::socket_base::max_listen_connections, ec)) fail("listen on");
  const auto local = i.acceptor.local_endpoint(ec);
  http_endpoint b{local.address().to_string(), local.port()};
  i.bound = b.to_string();
  i.events.bind(i.io.get_executor());
  asio::co_spawn(i.io, i.accept_loop(), asio::detached);
  thread_ = std::thread([p = impl_] {
    try {
      p->io.run();
    } catch (const std::exception& e) {
      spdlog::error("HTTP server stopped: {}", e.what());
    }
  });
}

void http_server::stop() {
  if (!thread_.joinable()) return;
  auto p = impl_;
  asio::post(p->io, [p] {
    p->stopping = true;
    boost::system::error_code ignored;
    p->acceptor.close(ignored);
    p->events.close_all();
    for (auto* s : p->live) s->socket().close(ignored);
  });
  thread_.join();
}

std::string http_server::bound() const { return impl_->bound; }

void http_server::set_token(std::string token) {
  std::lock_guard lock(impl_->token_mu);
  impl_->token = std::make_shared<const std::string>(std::move(token));
}

}  // namespace trapsink::http
