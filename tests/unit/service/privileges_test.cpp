// may_write: the owner, group or others permission bits that apply to a user decide.
#include "service/privileges.hpp"

#include <gtest/gtest.h>

namespace trapsink::service {
namespace {

TEST(Privileges, MayWriteUsesTheClassThatApplies) {
  identity id;
  id.user = "svc";
  id.uid = 1000;
  id.gid = 2000;
  id.groups = {2000, 3000};
  // Owner: the owner bits only (even when others could write).
  EXPECT_TRUE(may_write(id, 1000, 0, 0700, true));
  EXPECT_FALSE(may_write(id, 1000, 0, 0577, true));
  EXPECT_FALSE(may_write(id, 1000, 0, 0600, true));  // a directory needs search (x) too
  EXPECT_TRUE(may_write(id, 1000, 0, 0600, false));  // a file does not
  // Group: the primary or a supplementary group.
  EXPECT_TRUE(may_write(id, 0, 2000, 0770, true));
  EXPECT_TRUE(may_write(id, 0, 3000, 0660, false));
  EXPECT_FALSE(may_write(id, 0, 3000, 0757, true));
  // Others.
  EXPECT_TRUE(may_write(id, 0, 0, 01777, true));
  EXPECT_FALSE(may_write(id, 0, 0, 0755, true));
  // root may write anything.
  identity root;
  EXPECT_TRUE(may_write(root, 5, 5, 0, true));
}

TEST(Privileges, ResolveIdentityNamesWhatDoesNotExist) {
  EXPECT_THROW(resolve_identity("no-such-user-trapsink-test", ""), std::runtime_error);
  const identity r = resolve_identity("root", "");
  EXPECT_EQ(r.uid, 0U);
  EXPECT_EQ(r.gid, 0U);
  EXPECT_EQ(r.user, "root");
  const identity n = resolve_identity("0", "0");
  EXPECT_EQ(n.user, "root");
  try {
    (void)resolve_identity("root", "no-such-group-trapsink-test");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "group 'no-such-group-trapsink-test': no such group");
  }
}

}  // namespace
}  // namespace trapsink::service
