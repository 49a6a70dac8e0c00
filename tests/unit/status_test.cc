#include "hypertok/status.h"

#include <gtest/gtest.h>

namespace hypertok {
namespace {

Status Check(int n) {
  HT_CHECK_OR_RETURN(n < 10, DataLoss) << "n is " << n;
  return OkStatus();
}

StatusOr<int> Twice(int n) {
  HT_RETURN_IF_ERROR(Check(n));
  return 2 * n;
}

Status UseTwice(int n, int* out) {
  HT_ASSIGN_OR_RETURN(*out, Twice(n));
  return OkStatus();
}

TEST(StatusTest, CheckOrReturnCarriesCodeAndMessage) {
  EXPECT_TRUE(Check(3).ok());
  Status s = Check(12);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_EQ(s.message(), "n is 12");
  EXPECT_EQ(s.ToString(), "DATA_LOSS: n is 12");
}

TEST(StatusTest, AssignOrReturnPropagates) {
  int v = 0;
  EXPECT_TRUE(UseTwice(4, &v).ok());
  EXPECT_EQ(v, 8);
  EXPECT_EQ(UseTwice(11, &v).code(), StatusCode::kDataLoss);
  EXPECT_EQ(v, 8);
}

TEST(StatusTest, WithPrefixAddsContextOnlyToErrors) {
  EXPECT_EQ(DataLossError("bad").WithPrefix("f.htk").message(), "f.htk: bad");
  EXPECT_TRUE(OkStatus().WithPrefix("x").ok());
}

TEST(StatusTest, StatusOrFromOkStatusIsAnError) {
  StatusOr<int> v = OkStatus();
  EXPECT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace hypertok
