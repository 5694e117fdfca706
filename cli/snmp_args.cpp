#include "cli/snmp_args.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "core/hex.hpp"
#include "snmp/cmdgen/address.hpp"
#include "snmp/engine/local_engine.hpp"

namespace trapsink::cli {
namespace {

int to_int(const std::string& v, const char* opt) {
  int n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc{} || p != v.data() + v.size() || n < 0) {
    throw std::invalid_argument(std::string(opt) + ": '" + v + "' is not a non-negative number");
  }
  return n;
}

std::vector<std::byte> engine_id_arg(const std::string& v, const char* opt) {
  std::string why;
  auto id = snmp::engine::parse_engine_id(v, &why);
  if (!id) throw std::invalid_argument(std::string(opt) + ": " + why);
  return *id;
}

}  // namespace

snmp_args parse_snmp_args(const std::vector<std::string>& args, bool options_anywhere) {
  snmp_args a;
  std::vector<std::string> positional;
  std::size_t i = 0;
  auto value = [&](const std::string& arg, const char* opt) -> std::string {
    if (arg.size() > 2) return arg.substr(2);
    if (i + 1 >= args.size()) {
      throw std::invalid_argument(std::string(opt) + " needs a value");
    }
    return args[++i];
  };
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      positional.insert(positional.end(), args.begin() + static_cast<std::ptrdiff_t>(i + 1),
                        args.end());
      i = args.size();
      break;
    }
    if (arg == "--json") {
      a.json = true;
      continue;
    }
    if (arg == "--help" || arg == "-h" || arg == "-H") {
      a.help = true;
      continue;
    }
    if ((arg == "--objects" || arg.starts_with("--objects=")) &&
        (positional.empty() || options_anywhere)) {
      if (arg.size() > 9) {
        a.objects_index = arg.substr(10);
      } else if (i + 1 < args.size()) {
        a.objects_index = args[++i];
      } else {
        throw std::invalid_argument("--objects needs an instance index (e.g. --objects 3)");
      }
      if (a.objects_index->empty()) {
        throw std::invalid_argument("--objects needs an instance index (e.g. --objects 3)");
      }
      continue;
    }
    if (arg.size() < 2 || arg[0] != '-' || (arg[1] >= '0' && arg[1] <= '9') ||
        (!positional.empty() && !options_anywhere)) {
      positional.push_back(arg);
      continue;
    }
    switch (arg[1]) {
      case 'v': {
        auto v = value(arg, "-v");
        if (v == "1") {
          a.sec.version = snmp::message::version::v1;
        } else if (v == "2c" || v == "2") {
          a.sec.version = snmp::message::version::v2c;
        } else if (v == "3") {
          a.sec.version = snmp::message::version::v3;
        } else {
          throw std::invalid_argument("-v: '" + v + "' is not a version (1, 2c or 3)");
        }
        break;
      }
      case 'c':
        a.sec.community = value(arg, "-c");
        break;
      case 'u':
        a.sec.user = value(arg, "-u");
        break;
      case 'l': {
        auto v = value(arg, "-l");
        auto l = snmp::usm::parse_security_level(v);
        if (!l) {
          throw std::invalid_argument("-l: '" + v +
                                      "' is not a security level (noAuthNoPriv, authNoPriv or "
                                      "authPriv)");
        }
        a.sec.level = *l;
        break;
      }
      case 'a': {
        auto v = value(arg, "-a");
        auto p = snmp::usm::parse_auth_protocol(v);
        if (!p || *p == snmp::usm::auth_protocol::none) {
          throw std::invalid_argument("-a: '" + v +
                                      "' is not an authentication protocol (MD5, SHA, SHA-224, "
                                      "SHA-256, SHA-384, SHA-512)");
        }
        a.sec.auth = *p;
        break;
      }
      case 'A':
        a.sec.auth_passphrase = value(arg, "-A");
        break;
      case 'x': {
        auto v = value(arg, "-x");
        auto p = snmp::usm::parse_priv_protocol(v);
        if (!p || *p == snmp::usm::priv_protocol::none) {
          throw std::invalid_argument("-x: '" + v +
                                      "' is not a privacy protocol (DES, AES, AES-192, AES-256, "
                                      "AES-192-C, AES-256-C)");
        }
        a.sec.priv = *p;
        break;
      }
      case 'X':
        a.sec.priv_passphrase = value(arg, "-X");
        break;
      case 'e':
        a.sec.security_engine_id = engine_id_arg(value(arg, "-e"), "-e");
        break;
      case 'E':
        a.sec.context_engine_id = engine_id_arg(value(arg, "-E"), "-E");
        break;
      case 'n':
        a.sec.context = value(arg, "-n");
        break;
      case 'r':
        a.retries = to_int(value(arg, "-r"), "-r");
        break;
      case 't': {
        auto v = value(arg, "-t");
        char* end = nullptr;
        const double t = std::strtod(v.c_str(), &end);
        if (v.empty() || end != v.c_str() + v.size() || !(t > 0) || t > 3600) {
          throw std::invalid_argument("-t: '" + v +
                                      "' is not a timeout in seconds (e.g. 1 or 0.5)");
        }
        a.timeout_seconds = t;
        break;
      }
      case 'Z': {
        auto v = value(arg, "-Z");
        const auto comma = v.find(',');
        if (comma == std::string::npos) {
          throw std::invalid_argument("-Z: give BOOTS,TIME (e.g. -Z 1,0)");
        }
        const auto boots = static_cast<std::uint32_t>(to_int(v.substr(0, comma), "-Z boots"));
        const auto time = static_cast<std::uint32_t>(to_int(v.substr(comma + 1), "-Z time"));
        a.sec.boots_time = std::make_pair(boots, time);
        break;
      }
      case 'O': {
        for (char c : value(arg, "-O")) {
          switch (c) {
            case 'n':
              a.out.numeric = true;
              break;
            case 'f':
              a.out.full = true;
              break;
            case 's':
            case 'S':
              a.out.suffix = true;
              break;
            case 'q':
              a.out.quick = true;
              break;
            case 'Q':
              a.out.quick_equals = true;
              break;
            case 'v':
              a.out.value_only = true;
              break;
            case 't':
              a.out.raw_ticks = true;
              break;
            case 'e':
            case 'U':
            case 'b':
              break;  // enum / unit / index options: no effect without MIBs
            default:
              throw std::invalid_argument(std::string("-O") + c +
                                          ": not supported (use n, f, s, q, Q, v, t, e)");
          }
        }
        break;
      }
      case 'C':
        a.app_flags += value(arg, "-C");
        a.app_flags += ' ';
        break;
      case 'm':
        a.mib_modules.push_back(value(arg, "-m"));
        break;
      case 'M':
        a.mib_dirs.push_back(value(arg, "-M"));
        break;
      default:
        throw std::invalid_argument("unknown option '" + arg + "' (see --help)");
    }
  }
  if (!positional.empty()) {
    a.agent = positional.front();
    a.positional.assign(positional.begin() + 1, positional.end());
  }
  return a;
}

const char* snmp_args_help() {
  return R"(Options (as Net-SNMP's):
  -v 1|2c|3           SNMP version (default 2c)
  -c COMMUNITY        community (v1, v2c; default public)
  -u USER             SNMPv3 user
  -l LEVEL            noAuthNoPriv | authNoPriv | authPriv
  -a PROTOCOL         MD5 | SHA | SHA-224 | SHA-256 | SHA-384 | SHA-512
  -A PASSPHRASE       authentication passphrase
  -x PROTOCOL         DES | AES | AES-192 | AES-256 | AES-192-C | AES-256-C
  -X PASSPHRASE       privacy passphrase
  -e ENGINEID         authoritative engine ID in hex (skips discovery; ours for traps)
  -E ENGINEID         context engine ID in hex
  -n CONTEXT          context name
  -Z BOOTS,TIME       engine boots and time of the authoritative engine
  -r RETRIES          retries (default 5)
  -t SECONDS          timeout per try (default 1)
  -O FLAGS            output: n numeric, f full, s suffix, q quick, Q quick with '=',
                      v value only, t TimeTicks as a number
  -C FLAGS            command flags (walk: c no increase check, i include the root,
                      I no GET of the root, p print the count; bulk: nN non-repeaters,
                      rN max-repetitions; get: f do not fix v1 errors)
  --json              one JSON object per varbind and line
Agent: HOST[:PORT], udp:HOST[:PORT], udp6:[ADDR]:PORT
)";
}

bool has_app_flag(const snmp_args& a, char c) {
  for (std::size_t i = 0; i < a.app_flags.size(); ++i) {
    if (a.app_flags[i] != c) continue;
    // a letter, not a digit argument of r/n
    return true;
  }
  return false;
}

int app_flag_number(const snmp_args& a, char c, int fallback) {
  int result = fallback;
  for (std::size_t i = 0; i < a.app_flags.size(); ++i) {
    if (a.app_flags[i] != c) continue;
    std::size_t j = i + 1;
    while (j < a.app_flags.size() && a.app_flags[j] == ' ') ++j;  // "-C r 10" is not used
    std::size_t k = j;
    while (k < a.app_flags.size() && a.app_flags[k] >= '0' && a.app_flags[k] <= '9') ++k;
    if (k == j) {
      throw std::invalid_argument(std::string("-C") + c + " needs a number (e.g. -C" + c + "10)");
    }
    result = to_int(a.app_flags.substr(j, k - j), "-C");
  }
  return result;
}

snmp::cmdgen::agent_options make_agent_options(const snmp_args& a, std::uint16_t default_port) {
  if (a.agent.empty()) throw std::invalid_argument("no agent given (HOST[:PORT])");
  auto addr = snmp::cmdgen::parse_agent_address(a.agent, default_port);
  auto ep = snmp::cmdgen::resolve(addr);
  if (!ep) {
    throw std::runtime_error("Unknown host (" + a.agent + "): " + ep.error().message());
  }
  snmp::cmdgen::agent_options o;
  o.endpoint = *ep;
  o.display = a.agent;
  o.sec = a.sec;
  o.timeout = std::chrono::milliseconds(
      static_cast<std::int64_t>(std::llround(a.timeout_seconds * 1000.0)));
  o.retries = a.retries;
  return o;
}

}  // namespace trapsink::cli
