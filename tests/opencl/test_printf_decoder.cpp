// The printf decoder on records built here by the layout of mica.toml [launch_abi] printf_* (the
// compiler's side is tested in tests/compiler/kernel): conversions, vectors, strings, the float
// promotion rule, records that did not fit, and malformed input.
#include "printf_decoder.h"

#include <mica_hw.h>

#include <gtest/gtest.h>

#include <cstring>

using mica::cl::decode_printf;

namespace {

// Builds a printf buffer record by record.
class Records {
public:
  Records() : buf_(MICA_ABI_PRINTF_HEADER_BYTES, 0) {}
  Records& begin(uint32_t id) {
    start_ = buf_.size();
    put(id);
    put(uint32_t(0));  // record bytes, set by end()
    return *this;
  }
  template <typename T> Records& arg(T v) {
    const size_t align = std::min<size_t>(8, sizeof(T));
    while ((buf_.size() - start_) % align) buf_.push_back(0);
    put(v);
    return *this;
  }
  template <typename T, size_t N> Records& vec(const T (&v)[N]) {
    const size_t align = std::min<size_t>(8, sizeof(T));
    while ((buf_.size() - start_) % align) buf_.push_back(0);
    for (const T& x : v) put(x);
    return *this;
  }
  Records& end() {
    while ((buf_.size() - start_) % 8) buf_.push_back(0);
    const uint32_t bytes = uint32_t(buf_.size() - start_);
    std::memcpy(buf_.data() + start_ + 4, &bytes, 4);
    const uint32_t used = uint32_t(buf_.size() - MICA_ABI_PRINTF_HEADER_BYTES);
    std::memcpy(buf_.data(), &used, 4);
    return *this;
  }
  std::vector<uint8_t>& bytes() { return buf_; }

private:
  template <typename T> void put(T v) {
    const auto* p = reinterpret_cast<const uint8_t*>(&v);
    buf_.insert(buf_.end(), p, p + sizeof v);
  }
  std::vector<uint8_t> buf_;
  size_t start_ = 0;
};

}  // namespace

TEST(ClPrintfDecoder, ScalarsStringsAndPercent) {
  const std::vector<std::string> strings = {"%d %u %x %c %s 100%% %5.1f|%-4i|\n", "mica", "%ld %lu %p\n"};
  Records r;
  r.begin(0).arg(int32_t(-7)).arg(uint32_t(4000000000u)).arg(uint32_t(255)).arg(int32_t('Z')).arg(uint32_t(1))
      .arg(float(2.25f)).arg(int32_t(3)).end();
  r.begin(2).arg(int64_t(-(1ll << 40))).arg(uint64_t(1ull << 63)).arg(uint64_t(0x1000)).end();
  auto& b = r.bytes();
  EXPECT_EQ(decode_printf(b.data(), b.size(), strings, false),
            "-7 4000000000 ff Z mica 100%   2.2|3   |\n-1099511627776 9223372036854775808 0x1000\n");
}

TEST(ClPrintfDecoder, FloatsAsDoublesWhenPromoted) {
  const std::vector<std::string> strings = {"%f %e\n"};
  Records r;
  r.begin(0).arg(double(0.5)).arg(double(1e10)).end();
  auto& b = r.bytes();
  // The device promoted floats (cl_khr_fp64): 8 bytes each.
  EXPECT_EQ(decode_printf(b.data(), b.size(), strings, true), "0.500000 1.000000e+10\n");
  // The caller guessed wrong: the record's size (24 bytes, not 16) says doubles were passed.
  EXPECT_EQ(decode_printf(b.data(), b.size(), strings, false), "0.500000 1.000000e+10\n");
}

TEST(ClPrintfDecoder, Vectors) {
  const std::vector<std::string> strings = {"%v4hhd|%v2hu|%v3hlx|%v2ld|%v4hlf\n"};
  const int8_t c4[4] = {-1, 2, -3, 4};
  const uint16_t s2[2] = {65535, 7};
  const uint32_t i3[3] = {10, 11, 12};
  const int64_t l2[2] = {-5, 1ll << 33};
  const float f4[4] = {0.5f, 1.0f, -2.0f, 8.25f};
  Records r;
  r.begin(0).vec(c4).vec(s2).vec(i3).vec(l2).vec(f4).end();
  auto& b = r.bytes();
  EXPECT_EQ(decode_printf(b.data(), b.size(), strings, false),
            "-1,2,-3,4|65535,7|a,b,c|-5,8589934592|0.500000,1.000000,-2.000000,8.250000\n");
}

TEST(ClPrintfDecoder, RecordsThatDidNotFitAreDropped) {
  const std::vector<std::string> strings = {"a%d\n"};
  Records r;
  r.begin(0).arg(int32_t(1)).end();
  r.begin(0).arg(int32_t(2)).end();
  auto& b = r.bytes();
  // The counter says more was appended than the buffer holds: the second record was dropped whole.
  const size_t capacity = b.size() - 4;
  const uint32_t used = 1000;
  std::memcpy(b.data(), &used, 4);
  EXPECT_EQ(decode_printf(b.data(), capacity, strings, false), "a1\n");
  // An empty buffer prints nothing.
  std::vector<uint8_t> empty(MICA_ABI_PRINTF_HEADER_BYTES, 0);
  EXPECT_EQ(decode_printf(empty.data(), empty.size(), strings, false), "");
}

TEST(ClPrintfDecoder, MalformedInputIsReportedNotFollowed) {
  const std::vector<std::string> strings = {"%d\n", "%q\n"};
  Records r;
  r.begin(7).arg(int32_t(1)).end();  // no such string
  auto& b = r.bytes();
  EXPECT_NE(decode_printf(b.data(), b.size(), strings, false).find("unknown format id"), std::string::npos);
  Records bad;
  bad.begin(1).arg(int32_t(1)).end();  // %q is no conversion
  auto& bb = bad.bytes();
  EXPECT_NE(decode_printf(bb.data(), bb.size(), strings, false).find("unsupported printf conversion"), std::string::npos);
  // A record claiming more bytes than were appended ends decoding.
  Records big;
  big.begin(0).arg(int32_t(5)).end();
  auto& gb = big.bytes();
  const uint32_t huge = 4096;
  std::memcpy(gb.data() + MICA_ABI_PRINTF_HEADER_BYTES + 4, &huge, 4);
  EXPECT_EQ(decode_printf(gb.data(), gb.size(), strings, false), "");
}
