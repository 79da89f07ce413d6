// Database::Open's store URLs: memory:, file:<path>, and the ?durability= parameter. A bad URL
// is an invalid_store_url error naming what was wrong, and creates nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "kv/kv_test_util.h"
#include "tenantdb/database.h"
#include "testing/testing.h"

namespace tenantdb {
namespace {

std::string Message(const std::string& url) {
  auto db = Database::Open(url);
  EXPECT_FALSE(db.ok()) << url;
  if (db.ok()) return "";
  EXPECT_EQ(db.status().code(), ErrorCode::kInvalidStoreUrl) << db.status().ToString();
  return db.status().message();
}

TEST(DatabaseUrlTest, DurabilityParametersOpenTheStoreAndDataSurvivesReopening) {
  testing::TempDir dir;
  std::string path = (dir.path() / "store").string();
  for (std::string query :
       {"?durability=sync", "?durability=async", "?durability=async&durability=sync"}) {
    SCOPED_TRACE(query);
    auto db = Database::Open("file:" + path + query);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    Status s = (*db)->Run([&](Transaction& tr) { return tr.Set("k" + query, "v"); });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  auto db = Database::Open("file:" + path);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  Transaction tr = (*db)->CreateTransaction();
  auto all = tr.GetRange("k", "l");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->kvs.size(), 3u);
}

TEST(DatabaseUrlTest, BadUrlsNameWhatIsWrongAndCreateNothing) {
  testing::TempDir dir;
  std::string path = (dir.path() / "never").string();
  EXPECT_NE(Message("file:").find("needs a path"), std::string::npos);
  EXPECT_NE(Message("nope:" + path).find("expected memory: or file:<path>"), std::string::npos);
  std::string m = Message("file:" + path + "?durability=fast");
  EXPECT_NE(m.find("durability=fast"), std::string::npos) << m;
  m = Message("file:" + path + "?durability=sync&cache=big");
  EXPECT_NE(m.find("cache=big"), std::string::npos) << m;
  EXPECT_FALSE(std::filesystem::exists(path)) << "a refused URL created the store";
}

}  // namespace
}  // namespace tenantdb
