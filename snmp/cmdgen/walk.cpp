#include "snmp/cmdgen/walk.hpp"

namespace trapsink::snmp::cmdgen {
namespace {

constexpr std::int32_t no_such_name = 2;  // RFC 1157 §4.1 error-status

bool is_exception(const message::value& v) {
  return v.type == ber::tag::no_such_object || v.type == ber::tag::no_such_instance ||
         v.type == ber::tag::end_of_mib_view;
}

struct walker : std::enable_shared_from_this<walker> {
  session* s = nullptr;
  std::shared_ptr<agent> a;
  ber::oid root;
  ber::oid next;
  walk_options opts;
  std::function<void(const message::varbind&)> on_varbind;
  std::function<void(walk_outcome)> done;
  walk_outcome out;

  void step() {
    message::pdu p;
    const bool bulk = opts.bulk && a->options().sec.version != message::version::v1;
    p.type = bulk ? message::pdu_type::get_bulk_request : message::pdu_type::get_next_request;
    if (bulk) {
      p.error_status = 0;  // non-repeaters
      p.error_index = std::max<std::int32_t>(opts.max_repetitions, 1);
    }
    p.varbinds.push_back({next, message::value::null()});
    ++out.requests;
    s->request(a, std::move(p),
               [self = shared_from_this()](boost::system::error_code ec, message::pdu r) {
                 self->on_response(ec, std::move(r));
               });
  }

  void finish() { done(std::move(out)); }

  void on_response(boost::system::error_code ec, message::pdu r) {
    if (ec) {
      out.ec = ec;
      return finish();
    }
    if (r.error_status != 0) {
      if (r.error_status == no_such_name && a->options().sec.version == message::version::v1) {
        out.end_of_mib = true;
      } else {
        out.error_status = r.error_status;
        out.error_index = r.error_index;
        if (r.error_index > 0 && static_cast<std::size_t>(r.error_index) <= r.varbinds.size())
          out.failed_oid = r.varbinds[static_cast<std::size_t>(r.error_index - 1)].name;
      }
      return finish();
    }
    if (r.varbinds.empty()) return finish();
    bool running = true;
    for (std::size_t i = 0; i < r.varbinds.size(); ++i) {
      const auto& vb = r.varbinds[i];
      if (!vb.name.starts_with(root)) {
        running = false;
        break;  // the rest of a bulk answer lies beyond the subtree too
      }
      ++out.count;
      on_varbind(vb);
      if (is_exception(vb.val)) {
        running = false;
        break;
      }
      if (opts.check_increasing && vb.name <= next) {
        out.ec = errc::oid_not_increasing;
        out.previous = next;
        out.offending = vb.name;
        return finish();
      }
      next = vb.name;
    }
    if (!running) return finish();
    step();
  }
};

}  // namespace

void async_walk(session& s, std::shared_ptr<agent> a, ber::oid root, walk_options opts,
                std::function<void(const message::varbind&)> on_varbind,
                std::function<void(walk_outcome)> done) {
  auto w = std::make_shared<walker>();
  w->s = &s;
  w->a = std::move(a);
  w->next = root;
  w->root = std::move(root);
  w->opts = opts;
  w->on_varbind = std::move(on_varbind);
  w->done = std::move(done);
  w->step();
}

}  // namespace trapsink::snmp::cmdgen
