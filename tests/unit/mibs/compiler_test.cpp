// The MIB compiler, construct by construct, with the MIB text inline.
#include "mibs/compiler/compiler.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "mibs/compiler/lexer.hpp"
#include "mibs/compiler/parser.hpp"

namespace trapsink::mibs::compiler {
namespace {

using oid_t = std::vector<std::uint32_t>;

const node* find(const mib_set& s, std::string_view name) {
  for (const auto& n : s.nodes)
    if (n.name == name) return &n;
  return nullptr;
}

const module_info* module(const mib_set& s, std::string_view name) {
  for (const auto& m : s.modules)
    if (m.name == name) return &m;
  return nullptr;
}

std::string diagnostics(const mib_set& s) {
  std::string out;
  for (const auto& m : s.modules)
    for (const auto& d : m.diagnostics)
      out += d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) + ": " +
             std::string(to_string(d.severity)) + ": " + d.message + "\n";
  return out;
}

mib_set compile(std::vector<source_text> sources, const leniency& l = {}) {
  return compile_texts(sources, l).set;
}

// ---- lexer ---------------------------------------------------------------------------------

TEST(MibLexer, TokensAndPositions) {
  const auto t = tokenize(
      "A-B ::= { x 1 } -- comment -- c\n"
      "  \"two\nlines\" 'FF'H '0101'B -5 99999999999999999999 0..7 |;\n"
      "x_y");
  using k = token::kind;
  const std::vector<std::pair<k, std::string_view>> want{
      {k::word, "A-B"},      {k::assign, "::="},
      {k::lbrace, "{"},      {k::word, "x"},
      {k::number, "1"},      {k::rbrace, "}"},
      {k::word, "c"},        {k::string, "two\nlines"},
      {k::hex_string, "FF"}, {k::bin_string, "0101"},
      {k::number, "-5"},     {k::number, "99999999999999999999"},
      {k::number, "0"},      {k::range, ".."},
      {k::number, "7"},      {k::pipe, "|"},
      {k::semicolon, ";"},   {k::word, "x_y"},
      {k::end, ""}};
  ASSERT_EQ(t.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(t[i].type, want[i].first) << i;
    EXPECT_EQ(t[i].text, want[i].second) << i;
  }
  EXPECT_EQ(t[6].line, 1u);  // "c" after the comment that ends at "--"
  EXPECT_EQ(t[6].column, 31u);
  EXPECT_EQ(t[7].line, 2u);
  EXPECT_EQ(t[7].column, 3u);
  EXPECT_EQ(t[8].line, 3u);  // after the string over two lines
  EXPECT_EQ(t[17].line, 4u);
  EXPECT_EQ(t[17].column, 1u);
}

TEST(MibLexer, CommentToEndOfLineAndUnterminatedString) {
  auto t = tokenize("a -- b c\nd");
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[1].text, "d");
  t = tokenize("a \"never ends");
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[1].type, token::kind::bad_string);
  EXPECT_EQ(t[2].type, token::kind::end);
}

// ---- SMIv2 ---------------------------------------------------------------------------------

constexpr const char* tc_mib = R"(
TEST-TC DEFINITIONS ::= BEGIN
IMPORTS TEXTUAL-CONVENTION FROM SNMPv2-TC;
HexThing ::= TEXTUAL-CONVENTION
    DISPLAY-HINT "1x:"
    STATUS current
    DESCRIPTION "hex"
    SYNTAX OCTET STRING (SIZE (0..6))
Inner ::= TEXTUAL-CONVENTION
    STATUS current
    DESCRIPTION "no hint of its own"
    SYNTAX HexThing
Level ::= TEXTUAL-CONVENTION
    STATUS current
    DESCRIPTION "enum TC"
    SYNTAX INTEGER { low(1), high(2), neg(-3) }
END
)";

constexpr const char* v2_mib = R"(
TEST-MIB DEFINITIONS ::= BEGIN
IMPORTS
    MODULE-IDENTITY, OBJECT-TYPE, NOTIFICATION-TYPE, OBJECT-IDENTITY,
    Integer32, Unsigned32, Counter64, enterprises   FROM SNMPv2-SMI
    OBJECT-GROUP, MODULE-COMPLIANCE                 FROM SNMPv2-CONF
    HexThing, Inner, Level                          FROM TEST-TC;

testMib MODULE-IDENTITY
    LAST-UPDATED "202601010000Z"
    ORGANIZATION "x"
    CONTACT-INFO "y"
    DESCRIPTION "The test module."
    REVISION "202601010000Z"
    DESCRIPTION "A revision, not the module's description."
    ::= { enterprises 99999 }

testObjects OBJECT IDENTIFIER ::= { testMib 1 }

testIdentity OBJECT-IDENTITY
    STATUS current
    DESCRIPTION "an identity"
    ::= { testMib 3 }

testScalar OBJECT-TYPE
    SYNTAX Integer32 (1..10 | 20)
    UNITS "seconds"
    MAX-ACCESS read-write
    STATUS current
    DESCRIPTION "a scalar"
    DEFVAL { 5 }
    ::= { testObjects 1 }

testTable OBJECT-TYPE
    SYNTAX SEQUENCE OF TestEntry
    MAX-ACCESS not-accessible
    STATUS current
    DESCRIPTION "a table"
    ::= { testObjects 2 }

testEntry OBJECT-TYPE
    SYNTAX TestEntry
    MAX-ACCESS not-accessible
    STATUS current
    DESCRIPTION "a row"
    INDEX { testIndex, IMPLIED testName }
    ::= { testTable 1 }

TestEntry ::= SEQUENCE { testIndex Unsigned32, testName Inner, testLevel Level,
                         testBits BITS, testBig Counter64 }

testIndex OBJECT-TYPE
    SYNTAX Unsigned32 (1..4294967295)
    MAX-ACCESS not-accessible
    STATUS current
    DESCRIPTION "index"
    ::= { testEntry 1 }

testName OBJECT-TYPE
    SYNTAX Inner
    MAX-ACCESS not-accessible
    STATUS current
    DESCRIPTION "name"
    ::= { testEntry 2 }

testLevel OBJECT-TYPE
    SYNTAX Level
    MAX-ACCESS read-create
    STATUS deprecated
    DESCRIPTION "level"
    DEFVAL { high }
    ::= { testEntry 3 }

testBits OBJECT-TYPE
    SYNTAX BITS { first(0), second(1), ninth(8) }
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION "bits"
    ::= { testEntry 4 }

testBig OBJECT-TYPE
    SYNTAX Counter64
    MAX-ACCESS read-only
    STATUS obsolete
    DESCRIPTION "big"
    ::= { testEntry 5 }

testExtEntry OBJECT-TYPE
    SYNTAX TestExtEntry
    MAX-ACCESS not-accessible
    STATUS current
    DESCRIPTION "an augmenting row"
    AUGMENTS { testEntry }
    ::= { testObjects 3 }

TestExtEntry ::= SEQUENCE { testExtra OCTET STRING }

testExtra OBJECT-TYPE
    SYNTAX OCTET STRING (SIZE (0..255))
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION "extra"
    ::= { testExtEntry 1 }

testEvent NOTIFICATION-TYPE
    OBJECTS { testLevel, testBits }
    STATUS current
    DESCRIPTION "an event"
    ::= { testMib 0 1 }

testGroup OBJECT-GROUP
    OBJECTS { testScalar, testLevel }
    STATUS current
    DESCRIPTION "group"
    ::= { testMib 4 }

testCompliance MODULE-COMPLIANCE
    STATUS current
    DESCRIPTION "compliance"
    MODULE -- this module
        MANDATORY-GROUPS { testGroup }
        OBJECT testLevel
            SYNTAX INTEGER { low(1) }
            MIN-ACCESS read-only
            DESCRIPTION "only low"
    ::= { testMib 5 }
END
)";

TEST(MibCompiler, Smiv2Constructs) {
  const auto s = compile({{"tc.txt", tc_mib}, {"test.txt", v2_mib}});
  const auto* m = module(s, "TEST-MIB");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->outcome, module_outcome::compiled) << diagnostics(s);
  EXPECT_EQ(module(s, "TEST-TC")->outcome, module_outcome::compiled) << diagnostics(s);
  EXPECT_EQ(diagnostics(s), "");

  const oid_t base{1, 3, 6, 1, 4, 1, 99999};
  const auto* mi = find(s, "testMib");
  ASSERT_NE(mi, nullptr);
  EXPECT_EQ(mi->oid, base);
  EXPECT_EQ(mi->kind, node_kind::module_identity);
  EXPECT_EQ(mi->description, "The test module.");
  EXPECT_EQ(s.modules[mi->module].name, "TEST-MIB");

  EXPECT_EQ(find(s, "testObjects")->kind, node_kind::oid);
  EXPECT_EQ(find(s, "testIdentity")->kind, node_kind::object_identity);

  const auto* sc = find(s, "testScalar");
  ASSERT_NE(sc, nullptr);
  EXPECT_EQ(sc->oid, (oid_t{1, 3, 6, 1, 4, 1, 99999, 1, 1}));
  EXPECT_EQ(sc->kind, node_kind::scalar);
  EXPECT_EQ(sc->access, access::read_write);
  EXPECT_EQ(sc->syntax.base, base_type::integer32);
  ASSERT_EQ(sc->syntax.ranges.size(), 2u);
  EXPECT_EQ(sc->syntax.ranges[0].min, 1);
  EXPECT_EQ(sc->syntax.ranges[0].max, 10);
  EXPECT_EQ(sc->syntax.ranges[1].min, 20);
  EXPECT_EQ(sc->syntax.ranges[1].max, 20);
  EXPECT_EQ(sc->syntax.units, "seconds");
  EXPECT_EQ(sc->defval, "5");
  EXPECT_TRUE(sc->syntax.tc_name.empty());

  EXPECT_EQ(find(s, "testTable")->kind, node_kind::table);
  EXPECT_EQ(find(s, "testTable")->syntax.base, base_type::sequence_of);
  const auto* row = find(s, "testEntry");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->kind, node_kind::row);
  ASSERT_EQ(row->index.size(), 2u);
  EXPECT_EQ(row->index[0].name, "testIndex");
  EXPECT_EQ(row->index[0].module, "TEST-MIB");
  ASSERT_NE(row->index[0].node, node_ref::npos);
  EXPECT_EQ(s.nodes[row->index[0].node].name, "testIndex");
  EXPECT_EQ(s.nodes[row->index[1].node].name, "testName");
  EXPECT_TRUE(row->implied);

  const auto* idx = find(s, "testIndex");
  EXPECT_EQ(idx->kind, node_kind::column);
  EXPECT_EQ(idx->syntax.base, base_type::unsigned32);
  EXPECT_EQ(idx->access, access::not_accessible);

  // The TC chain: Inner has no hint, the nearest is HexThing's; Inner is the nearest TC.
  const auto* name = find(s, "testName");
  EXPECT_EQ(name->syntax.base, base_type::octet_string);
  EXPECT_EQ(name->syntax.tc_module, "TEST-TC");
  EXPECT_EQ(name->syntax.tc_name, "Inner");
  EXPECT_EQ(name->syntax.display_hint, "1x:");
  ASSERT_EQ(name->syntax.ranges.size(), 1u);
  EXPECT_EQ(name->syntax.ranges[0].max, 6);

  const auto* level = find(s, "testLevel");
  EXPECT_EQ(level->syntax.base, base_type::integer32);
  EXPECT_EQ(level->syntax.tc_name, "Level");
  ASSERT_EQ(level->syntax.enums.size(), 3u);
  EXPECT_EQ(level->syntax.enums[2].label, "neg");
  EXPECT_EQ(level->syntax.enums[2].value, -3);
  EXPECT_EQ(level->status, status::deprecated);
  EXPECT_EQ(level->access, access::read_create);
  EXPECT_EQ(level->defval, "high");

  const auto* bits = find(s, "testBits");
  EXPECT_EQ(bits->syntax.base, base_type::bits);
  ASSERT_EQ(bits->syntax.enums.size(), 3u);
  EXPECT_EQ(bits->syntax.enums[2].label, "ninth");
  EXPECT_EQ(bits->syntax.enums[2].value, 8);
  EXPECT_EQ(find(s, "testBig")->syntax.base, base_type::counter64);
  EXPECT_EQ(find(s, "testBig")->status, status::obsolete);

  // AUGMENTS: the augmented row's INDEX items.
  const auto* ext = find(s, "testExtEntry");
  EXPECT_EQ(ext->kind, node_kind::row);
  ASSERT_TRUE(ext->augments.has_value());
  EXPECT_EQ(s.nodes[ext->augments->node].name, "testEntry");
  ASSERT_EQ(ext->index.size(), 2u);
  EXPECT_EQ(ext->index[1].name, "testName");
  EXPECT_TRUE(ext->implied);
  EXPECT_EQ(find(s, "testExtra")->kind, node_kind::column);

  const auto* ev = find(s, "testEvent");
  EXPECT_EQ(ev->kind, node_kind::notification);
  EXPECT_EQ(ev->oid, (oid_t{1, 3, 6, 1, 4, 1, 99999, 0, 1}));
  ASSERT_EQ(ev->objects.size(), 2u);
  EXPECT_EQ(s.nodes[ev->objects[0].node].name, "testLevel");
  EXPECT_FALSE(ev->trap_type);

  EXPECT_EQ(find(s, "testGroup")->kind, node_kind::group);
  EXPECT_EQ(find(s, "testCompliance")->kind, node_kind::compliance);
  // The compliance statement's OBJECT refinement does not define a node.
  EXPECT_EQ(find(s, "testCompliance")->description, "compliance");

  // Sorted by OID, unique.
  for (std::size_t i = 1; i < s.nodes.size(); ++i) EXPECT_LT(s.nodes[i - 1].oid, s.nodes[i].oid);
}

// ---- SMIv1 ---------------------------------------------------------------------------------

constexpr const char* v1_mib = R"(
OLD-MIB DEFINITIONS ::= BEGIN
IMPORTS enterprises, Counter, IpAddress FROM RFC1155-SMI
        OBJECT-TYPE FROM RFC-1212
        TRAP-TYPE FROM RFC-1215
        DisplayString FROM RFC1213-MIB;
acme OBJECT IDENTIFIER ::= { enterprises 4242 }
acmeHits OBJECT-TYPE
    SYNTAX Counter
    ACCESS read-only
    STATUS mandatory
    DESCRIPTION "hits"
    ::= { acme 1 }
acmeAddr OBJECT-TYPE
    SYNTAX IpAddress
    ACCESS read-write
    STATUS optional
    ::= { acme 2 }
acmeLabel OBJECT-TYPE
    SYNTAX DisplayString (SIZE (0..32))
    ACCESS read-only
    STATUS mandatory
    ::= { acme 3 }
acmeDown TRAP-TYPE
    ENTERPRISE acme
    VARIABLES { acmeHits, acmeAddr }
    DESCRIPTION "down"
    ::= 7
END
)";

constexpr const char* rfc1213_fragment = R"(
RFC1213-MIB DEFINITIONS ::= BEGIN
DisplayString ::= OCTET STRING
END
)";

TEST(MibCompiler, Smiv1ConstructsWithoutAnRfc1212File) {
  const auto s = compile({{"rfc1213.txt", rfc1213_fragment}, {"old.my", v1_mib}});
  EXPECT_EQ(module(s, "OLD-MIB")->outcome, module_outcome::compiled) << diagnostics(s);
  EXPECT_EQ(module(s, "RFC-1212")->file, "<built-in>");
  const auto* hits = find(s, "acmeHits");
  ASSERT_NE(hits, nullptr);
  EXPECT_EQ(hits->oid, (oid_t{1, 3, 6, 1, 4, 1, 4242, 1}));
  EXPECT_EQ(hits->syntax.base, base_type::counter32);
  EXPECT_EQ(hits->access, access::read_only);
  EXPECT_EQ(hits->status, status::mandatory);
  EXPECT_EQ(find(s, "acmeAddr")->syntax.base, base_type::ip_address);
  EXPECT_EQ(find(s, "acmeAddr")->status, status::optional);
  const auto* label = find(s, "acmeLabel");
  EXPECT_EQ(label->syntax.base, base_type::octet_string);
  EXPECT_EQ(label->syntax.tc_module, "RFC1213-MIB");
  EXPECT_EQ(label->syntax.tc_name, "DisplayString");
  ASSERT_EQ(label->syntax.ranges.size(), 1u);
  EXPECT_EQ(label->syntax.ranges[0].max, 32);

  // RFC 3584 §3.1: enterprise.0.specific.
  const auto* trap = find(s, "acmeDown");
  ASSERT_NE(trap, nullptr);
  EXPECT_EQ(trap->oid, (oid_t{1, 3, 6, 1, 4, 1, 4242, 0, 7}));
  EXPECT_TRUE(trap->trap_type);
  EXPECT_EQ(trap->kind, node_kind::notification);
  EXPECT_EQ(trap->enterprise, (oid_t{1, 3, 6, 1, 4, 1, 4242}));
  EXPECT_EQ(trap->specific, 7u);
  ASSERT_EQ(trap->objects.size(), 2u);
  EXPECT_EQ(s.nodes[trap->objects[1].node].name, "acmeAddr");
  EXPECT_EQ(trap->description, "down");
}

// ---- modules, files, load order ------------------------------------------------------------

TEST(MibCompiler, SeveralModulesPerFileAndImportsByModuleName) {
  const char* text = R"(
B-MIB DEFINITIONS ::= BEGIN
IMPORTS aRoot FROM A-MIB;
bNode OBJECT IDENTIFIER ::= { aRoot 2 }
END
A-MIB DEFINITIONS ::= BEGIN
IMPORTS enterprises FROM SNMPv2-SMI;
aRoot OBJECT IDENTIFIER ::= { enterprises 7 }
END
)";
  const auto s = compile({{"whatever-name.dat", text}});
  EXPECT_EQ(module(s, "A-MIB")->outcome, module_outcome::compiled);
  EXPECT_EQ(module(s, "B-MIB")->outcome, module_outcome::compiled) << diagnostics(s);
  EXPECT_EQ(find(s, "bNode")->oid, (oid_t{1, 3, 6, 1, 4, 1, 7, 2}));
}

TEST(MibCompiler, SameOidFirstModuleInLoadOrderKeepsIt) {
  const char* a = "A-MIB DEFINITIONS ::= BEGIN\nfirst OBJECT IDENTIFIER ::= { 1 3 6 1 4 1 5 }\nEND";
  const char* b =
      "B-MIB DEFINITIONS ::= BEGIN\nsecond OBJECT IDENTIFIER ::= { 1 3 6 1 4 1 5 }\nEND";
  auto s = compile({{"a", a}, {"b", b}});
  ASSERT_NE(find(s, "first"), nullptr);
  EXPECT_EQ(find(s, "second"), nullptr);
  s = compile({{"b", b}, {"a", a}});
  EXPECT_EQ(find(s, "first"), nullptr);
  ASSERT_NE(find(s, "second"), nullptr);
  // Built-in base modules load first: SNMPv2-SMI keeps mib-2 against RFC1213-MIB.
  const char* r =
      "RFC1213-MIB DEFINITIONS ::= BEGIN\nIMPORTS mgmt FROM RFC1155-SMI;\n"
      "mib-2 OBJECT IDENTIFIER ::= { mgmt 1 }\nEND";
  s = compile({{"r", r}});
  const auto* m2 = find(s, "mib-2");
  ASSERT_NE(m2, nullptr);
  EXPECT_EQ(s.modules[m2->module].name, "SNMPv2-SMI");
}

TEST(MibCompiler, NamedComponentsOfOidValuesAreNodes) {
  const char* text = R"(
L-MIB DEFINITIONS ::= BEGIN
lldpMIB OBJECT IDENTIFIER ::= { iso std(0) iso8802(8802) ieee802dot1(1) 1 2 }
explicit OBJECT IDENTIFIER ::= { 1 0 8802 1 }
END
)";
  const auto s = compile({{"l", text}});
  EXPECT_EQ(module(s, "L-MIB")->outcome, module_outcome::compiled) << diagnostics(s);
  ASSERT_NE(find(s, "std"), nullptr);
  EXPECT_EQ(find(s, "std")->oid, (oid_t{1, 0}));
  EXPECT_EQ(find(s, "iso8802")->oid, (oid_t{1, 0, 8802}));
  EXPECT_EQ(find(s, "iso8802")->kind, node_kind::oid);
  EXPECT_EQ(find(s, "ieee802dot1"), nullptr);  // the explicit definition keeps .1.0.8802.1
  EXPECT_EQ(find(s, "explicit")->oid, (oid_t{1, 0, 8802, 1}));
  EXPECT_EQ(find(s, "lldpMIB")->oid, (oid_t{1, 0, 8802, 1, 1, 2}));
}

TEST(MibCompiler, SameOidSmiv2ModuleKeepsItAgainstSmiv1) {
  const char* v1 =
      "V1-MIB DEFINITIONS ::= BEGIN\nIMPORTS enterprises FROM RFC1155-SMI;\n"
      "oldName OBJECT IDENTIFIER ::= { enterprises 9 }\nEND";
  const char* v2 =
      "V2-MIB DEFINITIONS ::= BEGIN\nIMPORTS enterprises FROM SNMPv2-SMI;\n"
      "newName OBJECT IDENTIFIER ::= { enterprises 9 }\nEND";
  for (const auto& order : {std::vector<source_text>{{"1", v1}, {"2", v2}},
                            std::vector<source_text>{{"2", v2}, {"1", v1}}}) {
    const auto s = compile(order);
    EXPECT_EQ(find(s, "oldName"), nullptr);
    ASSERT_NE(find(s, "newName"), nullptr);
  }
}

TEST(MibCompiler, BrokenModulesAreReportedAndTheOthersCompile) {
  const char* good =
      "GOOD-MIB DEFINITIONS ::= BEGIN\nIMPORTS enterprises FROM SNMPv2-SMI;\n"
      "good OBJECT IDENTIFIER ::= { enterprises 1 }\nEND";
  const char* syntax =
      "BAD-MIB DEFINITIONS ::= BEGIN\nbad OBJECT IDENTIFIER ::= { 1 3\n"
      "  ; }\nEND";
  const char* missing =
      "NEEDY-MIB DEFINITIONS ::= BEGIN\nIMPORTS thing FROM NOWHERE-MIB;\n"
      "needy OBJECT IDENTIFIER ::= { thing 1 }\nEND";
  const char* dup = "GOOD-MIB DEFINITIONS ::= BEGIN\nother OBJECT IDENTIFIER ::= { 1 3 9 }\nEND";
  const auto s =
      compile({{"good.txt", good}, {"bad.txt", syntax}, {"needy.txt", missing}, {"dup.txt", dup}});
  ASSERT_EQ(s.modules.size(), 5u + 4u + 1u);  // five built-in, four files, SNMPv2-TC last
  EXPECT_EQ(s.modules[5].outcome, module_outcome::compiled);
  ASSERT_NE(find(s, "good"), nullptr);

  const auto& bad = s.modules[6];
  EXPECT_EQ(bad.name, "BAD-MIB");
  EXPECT_EQ(bad.outcome, module_outcome::failed);
  ASSERT_EQ(bad.diagnostics.size(), 1u);
  EXPECT_EQ(bad.diagnostics[0].file, "bad.txt");
  EXPECT_EQ(bad.diagnostics[0].line, 3u);
  EXPECT_EQ(bad.diagnostics[0].column, 3u);
  EXPECT_EQ(bad.diagnostics[0].message, "expected an OID component or '}', found ';'");
  EXPECT_EQ(find(s, "bad"), nullptr);

  const auto& needy = s.modules[7];
  EXPECT_EQ(needy.outcome, module_outcome::missing_import);
  EXPECT_EQ(needy.missing_imports, std::vector<std::string>{"NOWHERE-MIB"});
  ASSERT_FALSE(needy.diagnostics.empty());
  EXPECT_EQ(needy.diagnostics[0].line, 2u);
  EXPECT_EQ(needy.diagnostics[0].message, "imported module NOWHERE-MIB not found");

  const auto& d = s.modules[8];
  EXPECT_EQ(d.outcome, module_outcome::failed);
  ASSERT_EQ(d.diagnostics.size(), 1u);
  EXPECT_EQ(d.diagnostics[0].message,
            "duplicate module GOOD-MIB (first loaded from good.txt:1); this copy is ignored");
  EXPECT_EQ(find(s, "other"), nullptr);
}

TEST(MibCompiler, ErrorResumesAtTheNextModuleOfTheFile) {
  const char* text =
      "X-MIB DEFINITIONS ::= BEGIN\nx OBJECT-TYPE SYNTAX\nEND\n"
      "Y-MIB DEFINITIONS ::= BEGIN\ny OBJECT IDENTIFIER ::= { 1 3 77 }\nEND\n";
  const auto s = compile({{"two", text}});
  EXPECT_EQ(module(s, "X-MIB")->outcome, module_outcome::failed);
  EXPECT_EQ(module(s, "Y-MIB")->outcome, module_outcome::compiled);
  EXPECT_NE(find(s, "y"), nullptr);
}

// ---- leniency ------------------------------------------------------------------------------

constexpr const char* sloppy = R"(
SLOPPY-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE FROM SNMPv2-SMI
sloppy_root OBJECT IDENTIFIER ::= { enterprises 11 }
sloppyThing OBJECT-TYPE
    SYNTAX INTEGER { on(1) off(2), }
    ACCESS read-only
    STATUS current
    DESCRIPTION "v1 ACCESS in an SMIv2 module, an enum without a comma, a trailing comma"
    ::= { sloppy_root 1 }
END
)";

TEST(MibCompiler, LeniencyOnByDefault) {
  const auto s = compile({{"sloppy.mib", sloppy}});
  EXPECT_EQ(module(s, "SLOPPY-MIB")->outcome, module_outcome::compiled) << diagnostics(s);
  const auto* n = find(s, "sloppyThing");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->oid, (oid_t{1, 3, 6, 1, 4, 1, 11, 1}));
  ASSERT_EQ(n->syntax.enums.size(), 2u);
  EXPECT_EQ(n->syntax.enums[1].label, "off");
}

TEST(MibCompiler, EachLeniencyCanBeSwitchedOff) {
  const auto fails_with = [](bool leniency::*opt, const std::string& message_part) {
    leniency l;
    l.*opt = false;
    const auto s = compile({{"sloppy.mib", sloppy}}, l);
    const auto* m = module(s, "SLOPPY-MIB");
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->outcome, module_outcome::failed) << message_part;
    EXPECT_NE(diagnostics(s).find(message_part), std::string::npos) << diagnostics(s);
  };
  fails_with(&leniency::imports_without_semicolon, "leniency imports_without_semicolon is off");
  fails_with(&leniency::underscores, "leniency underscores is off");
  fails_with(&leniency::missing_commas, "expected ',' or '}' in an enumeration, found 'off'");
  fails_with(&leniency::trailing_commas, "trailing comma in an enumeration");
  fails_with(&leniency::smi_mixing, "ACCESS in an SMIv2 module");
  fails_with(&leniency::missing_base_imports, "leniency missing_base_imports is off");
}

TEST(MibCompiler, TypesAndValuesHaveSeparateNameSpaces) {
  // VELOCITY-MIB names a row and its SEQUENCE type alike.
  const char* text = R"(
V-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE, enterprises FROM SNMPv2-SMI;
vTable OBJECT-TYPE SYNTAX SEQUENCE OF vEntry MAX-ACCESS not-accessible STATUS current
    DESCRIPTION "t" ::= { enterprises 5 }
vEntry OBJECT-TYPE SYNTAX vEntry MAX-ACCESS not-accessible STATUS current
    DESCRIPTION "r" INDEX { vIndex } ::= { vTable 1 }
vEntry ::= SEQUENCE { vIndex INTEGER }
vIndex OBJECT-TYPE SYNTAX INTEGER MAX-ACCESS read-only STATUS current
    DESCRIPTION "i" ::= { vEntry 1 }
END
)";
  const auto s = compile({{"v", text}});
  EXPECT_EQ(module(s, "V-MIB")->outcome, module_outcome::compiled) << diagnostics(s);
  EXPECT_EQ(find(s, "vEntry")->syntax.base, base_type::sequence);
  EXPECT_EQ(find(s, "vIndex")->kind, node_kind::column);
}

TEST(MibCompiler, ObsoleteModuleNamesAreAliased) {
  const char* text = R"(
OLD-USER DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE FROM RFC1212 DisplayString FROM RFC-1213;
x OBJECT-TYPE SYNTAX DisplayString ACCESS read-only STATUS mandatory ::= { 1 3 6 1 4 1 3 }
END
)";
  auto s = compile({{"r", rfc1213_fragment}, {"o", text}});
  EXPECT_EQ(module(s, "OLD-USER")->outcome, module_outcome::compiled) << diagnostics(s);
  EXPECT_EQ(find(s, "x")->syntax.tc_name, "DisplayString");
  leniency l;
  l.module_aliases = false;
  s = compile({{"r", rfc1213_fragment}, {"o", text}}, l);
  EXPECT_EQ(module(s, "OLD-USER")->outcome, module_outcome::missing_import);
  EXPECT_EQ(module(s, "OLD-USER")->missing_imports,
            (std::vector<std::string>{"RFC1212", "RFC-1213"}));
}

TEST(MibCompiler, DefvalForms) {
  const char* text = R"(
D-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE, enterprises FROM SNMPv2-SMI;
a OBJECT-TYPE SYNTAX BITS { x(0), y(1) } MAX-ACCESS read-write STATUS current
    DESCRIPTION "" DEFVAL { { x, y } } ::= { enterprises 1 }
b OBJECT-TYPE SYNTAX OCTET STRING MAX-ACCESS read-write STATUS current
    DESCRIPTION "" DEFVAL { 'C0A8'H } ::= { enterprises 2 }
c OBJECT-TYPE SYNTAX OCTET STRING MAX-ACCESS read-write STATUS current
    DESCRIPTION "" DEFVAL { "a b" } ::= { enterprises 3 }
d OBJECT-TYPE SYNTAX INTEGER MAX-ACCESS read-write STATUS current
    DESCRIPTION "" DEFVAL { -1 } ::= { enterprises 4 }
e OBJECT-TYPE SYNTAX BITS { x(0) } MAX-ACCESS read-write STATUS current
    DESCRIPTION "" DEFVAL { {} } ::= { enterprises 5 }
END
)";
  const auto s = compile({{"d", text}});
  EXPECT_EQ(module(s, "D-MIB")->outcome, module_outcome::compiled) << diagnostics(s);
  EXPECT_EQ(find(s, "a")->defval, "{ x, y }");
  EXPECT_EQ(find(s, "b")->defval, "'C0A8'H");
  EXPECT_EQ(find(s, "c")->defval, "\"a b\"");
  EXPECT_EQ(find(s, "d")->defval, "-1");
  EXPECT_EQ(find(s, "e")->defval, "{ }");
}

TEST(MibCompiler, DiscoverFilesSortsSkipsHiddenAndRefusesMissingPaths) {
  namespace fs = std::filesystem;
  const auto dir = fs::temp_directory_path() / ("trapsink-discover-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "sub");
  for (const char* f : {"b.txt", "a.my", ".hidden", "sub/c.txt"}) std::ofstream(dir / f) << "x";
  const auto files = discover_files({dir, dir / "sub" / "c.txt"});
  EXPECT_EQ(files, (std::vector<fs::path>{dir / "a.my", dir / "b.txt", dir / "sub" / "c.txt"}));
  try {
    discover_files({dir / "absent"});
    ADD_FAILURE() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), (dir / "absent").string() + ": No such file or directory");
  }
  fs::remove_all(dir);
}

TEST(MibCompiler, TextWithoutModuleIsSkipped) {
  const auto r = compile_texts({{"README", "This directory holds MIBs."}});
  EXPECT_EQ(r.files_without_module, std::vector<std::string>{"README"});
  EXPECT_EQ(r.set.modules.size(), 6u);  // the built-in modules and the fallback SNMPv2-TC
}

}  // namespace
}  // namespace trapsink::mibs::compiler
