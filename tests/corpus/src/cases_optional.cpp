// Optional features (8/16/64-bit types, buffer device address, 64-bit atomics). Each case names the
// features it needs in Case::required; a backend without them skips the case and says why.
#include "case_util.h"
#include "cases.h"

namespace mica::corpus::detail {
namespace {

std::uint64_t u64_at(const std::uint32_t* w) { return std::uint64_t{w[0]} | std::uint64_t{w[1]} << 32; }
void push_u64(std::vector<Expect>& e, std::uint64_t v) {
  e.push_back(ex_u(static_cast<std::uint32_t>(v)));
  e.push_back(ex_u(static_cast<std::uint32_t>(v >> 32)));
}
void push_f64(std::vector<Expect>& e, double v) { push_u64(e, std::bit_cast<std::uint64_t>(v)); }

}  // namespace

void add_optional_cases(std::vector<Case>& out) {
  out.push_back(elementwise({"opt_int64", "optional", "int64: add, mul, shifts, udiv, signed/unsigned compare", 250, 4, 12,
                             [](std::uint32_t w, Rng& r) {
                               if (w % 4 == 3 && r.below(3) == 0) return 0xffffffffu;  // negative / large values
                               return r.below(5) == 0 ? r.below(100) : r.next();
                             },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const std::uint64_t x = u64_at(in), y = u64_at(in + 2);
                               const unsigned s = static_cast<unsigned>(y & 63u);
                               const std::int64_t sx = static_cast<std::int64_t>(x), sy = static_cast<std::int64_t>(y);
                               std::vector<Expect> e;
                               push_u64(e, x + y);
                               push_u64(e, x * y);
                               push_u64(e, x >> s);
                               push_u64(e, static_cast<std::uint64_t>(sx >> s));
                               push_u64(e, x / (y | 1u));
                               push_u64(e, (sx < sy ? 1u : 0u) | (x < y ? 2u : 0u) | (x & 0xffffffffu) << 32);
                               return e;
                             },
                             int64}));

  out.push_back(elementwise({"opt_float64", "optional", "float64: correctly rounded add/sub/mul, floor, min, abs, int -> double", 250, 4, 12,
                             [](std::uint32_t w, Rng& r) {
                               // Doubles built from two words: exponent kept moderate in the high word.
                               if (w % 2 == 0) return r.next();
                               return (r.next() & 0x800fffffu) | static_cast<std::uint32_t>(r.range(1023 - 30, 1023 + 30)) << 20;
                             },
                             [](std::uint32_t i, const std::uint32_t* in) {
                               const double x = std::bit_cast<double>(u64_at(in)), y = std::bit_cast<double>(u64_at(in + 2));
                               std::vector<Expect> e;
                               push_f64(e, x + y);
                               push_f64(e, x - y);
                               push_f64(e, x * y);
                               push_f64(e, std::floor(x));
                               push_f64(e, std::min(x, y) + std::fabs(y));
                               push_f64(e, static_cast<double>(static_cast<int>(i) - 100) * 0.125);
                               return e;
                             },
                             float64}));

  out.push_back(elementwise({"opt_int16", "optional", "int16: 16-bit wrapping add/mul, arithmetic shift, compares", 250, 1, 4,
                             [](std::uint32_t, Rng& r) { return r.next(); },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const std::uint16_t x = static_cast<std::uint16_t>(in[0]), y = static_cast<std::uint16_t>(in[0] >> 16);
                               const std::int16_t sx = static_cast<std::int16_t>(x), sy = static_cast<std::int16_t>(y);
                               const std::int32_t sh = sx >> (y & 15);
                               return std::vector<Expect>{
                                   ex_u(static_cast<std::uint16_t>(x + y)), ex_u(static_cast<std::uint16_t>(x * y)), ex_i(sh),
                                   ex_u(std::uint32_t(sx < sy) | std::uint32_t(x < y) << 1 | std::uint32_t(static_cast<std::uint16_t>(~x)) << 16)};
                             },
                             int16}));

  out.push_back(elementwise({"opt_float16", "optional", "float16: add/mul/max-min/mul-sub on values exact in half", 250, 2, 4,
                             [](std::uint32_t, Rng& r) { return fbits(static_cast<float>(r.range(-32, 32)) * 0.5f); },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const float x = bitsf(in[0]), y = bitsf(in[1]);
                               return std::vector<Expect>{ex_f(x + y), ex_f(x * y), ex_f(std::max(x, y) - std::min(x, y)), ex_f(x * 0.5f - y)};
                             },
                             float16}));

  {
    constexpr std::uint32_t n = 256;
    Case c;
    c.name = "opt_int8_storage";
    c.category = "optional";
    c.summary = "storage_buffer_8bit + int8: uint8/int8 buffers, 8-bit subtract/shift/multiply";
    c.spirv = "opt_int8_storage.spv";
    c.groups = {n / 64, 1, 1};
    c.local_size = {64, 1, 1};
    c.required = storage_buffer_8bit | int8;
    c.bindings.push_back(storage(0, n * 2, init_words(c.name, [](std::uint32_t, Rng& r) { return r.next(); })));
    c.bindings.push_back(storage(1, n * 2, init_poison()));
    c.check = [](const CheckInput& io) {
      Bytes e(n * 2);
      for (std::uint32_t i = 0; i < n; ++i) {
        const std::uint8_t x = io.initial[0][2 * i], y = io.initial[0][2 * i + 1];
        const std::int8_t s = static_cast<std::int8_t>(static_cast<std::int8_t>(x) - static_cast<std::int8_t>(y));
        e[2 * i] = static_cast<std::uint8_t>(static_cast<std::int8_t>(s >> 1));
        e[2 * i + 1] = static_cast<std::uint8_t>(x * y);
      }
      return compare_u32("out (as words of 4 bytes)", io.final[1], words(e));
    };
    out.push_back(std::move(c));
  }
  {
    constexpr std::uint32_t n = 256;
    Case c;
    c.name = "opt_storage16";
    c.category = "optional";
    c.summary = "storage_buffer_16bit: uint16 loads/stores with 32-bit arithmetic";
    c.spirv = "opt_storage16.spv";
    c.groups = {n / 64, 1, 1};
    c.local_size = {64, 1, 1};
    c.required = storage_buffer_16bit;
    c.bindings.push_back(storage(0, n * 2, init_words(c.name, [](std::uint32_t, Rng& r) { return r.next(); })));
    c.bindings.push_back(storage(1, n * 2, init_poison()));
    c.check = [](const CheckInput& io) {
      Bytes e(n * 2);
      for (std::uint32_t i = 0; i < n; ++i) {
        const std::uint32_t x = load<std::uint16_t>(io.initial[0], i), y = load<std::uint16_t>(io.initial[0], (i + 1) % n);
        store<std::uint16_t>(e, i, static_cast<std::uint16_t>((x * 3u + y) & 0xffffu));
      }
      return compare_u32("out (as words of two uint16)", io.final[1], words(e));
    };
    out.push_back(std::move(c));
  }
  {
    constexpr std::uint32_t n = 200;
    struct P {
      std::uint64_t address;  // patched by the backend
      std::uint32_t n, pad;
    };
    Case c;
    c.name = "opt_buffer_device_address";
    c.category = "optional";
    c.summary = "buffer_device_address: read and write a buffer through a pointer in push constants";
    c.spirv = "opt_buffer_device_address.spv";
    c.groups = {(n + 63) / 64, 1, 1};
    c.local_size = {64, 1, 1};
    c.required = buffer_device_address;
    c.push_constants = push_bytes(P{0, n, 0});
    c.bindings.push_back(storage(0, n * 4, init_poison()));
    Binding b = storage(1, n * 4, init_words(c.name, [](std::uint32_t, Rng& r) { return r.next(); }));
    b.device_address = true;
    b.push_offset = 0;
    c.bindings.push_back(b);
    c.check = [](const CheckInput& io) {
      std::vector<std::uint32_t> o(n), d(n);
      for (std::uint32_t i = 0; i < n; ++i) {
        o[i] = u32(io.initial[1], i) * 5u + 1u;
        d[i] = ~u32(io.initial[1], i);
      }
      if (auto r = compare_u32("out", io.final[0], o); !r.ok) return r;
      return compare_u32("pointed-to buffer", io.final[1], d);
    };
    out.push_back(std::move(c));
  }
  {
    constexpr std::uint32_t n = 512;
    Case c;
    c.name = "opt_int64_atomics";
    c.category = "optional";
    c.summary = "int64_atomics: 64-bit atomicAdd/Max/Xor on a storage buffer from 8 workgroups";
    c.spirv = "opt_int64_atomics.spv";
    c.groups = {n / 64, 1, 1};
    c.local_size = {64, 1, 1};
    c.required = int64 | int64_atomics;
    c.bindings.push_back(storage(0, n * 8, init_words(c.name, [](std::uint32_t, Rng& r) { return r.next(); })));
    c.bindings.push_back(storage(1, 24, init_words("opt_int64_atomics.acc", [](std::uint32_t, Rng& r) { return r.next() >> 8; })));
    c.check = [](const CheckInput& io) {
      const auto at = [](const Bytes& b, std::size_t i) { return load<std::uint64_t>(b, i); };
      std::uint64_t sum = at(io.initial[1], 0), mx = at(io.initial[1], 1), x = at(io.initial[1], 2);
      for (std::uint32_t i = 0; i < n; ++i) {
        const std::uint64_t v = at(io.initial[0], i);
        sum += v;
        mx = std::max(mx, v);
        x ^= v;
      }
      std::vector<std::uint32_t> e;
      for (std::uint64_t v : {sum, mx, x}) {
        e.push_back(static_cast<std::uint32_t>(v));
        e.push_back(static_cast<std::uint32_t>(v >> 32));
      }
      return compare_u32("acc", io.final[1], e);
    };
    out.push_back(std::move(c));
  }
}

}  // namespace mica::corpus::detail
