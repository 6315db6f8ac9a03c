#include "printf_decoder.h"

#include <mica_hw.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>

namespace mica::cl {

namespace {

uint32_t load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// One conversion of a format string: flags/width/precision kept verbatim for snprintf.
struct Conversion {
  std::string spec;  // "%-08.3" without the length modifier and the conversion letter
  unsigned vector = 1;
  enum Length { none, hh, h, hl, l } length = none;
  char letter = 0;
};

// Reads the conversion starting at fmt[i] == '%'; advances i past it. False if malformed.
bool parse_conversion(const std::string& fmt, size_t& i, Conversion& c) {
  size_t j = i + 1;
  c.spec = "%";
  while (j < fmt.size() && std::strchr("-+ #0", fmt[j])) c.spec += fmt[j++];
  while (j < fmt.size() && (std::isdigit(static_cast<unsigned char>(fmt[j])) || fmt[j] == '.')) c.spec += fmt[j++];
  if (j < fmt.size() && fmt[j] == 'v') {
    ++j;
    unsigned n = 0;
    while (j < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[j]))) n = n * 10 + unsigned(fmt[j++] - '0');
    if (n != 2 && n != 3 && n != 4 && n != 8 && n != 16) return false;
    c.vector = n;
  }
  if (fmt.compare(j, 2, "hh") == 0) c.length = Conversion::hh, j += 2;
  else if (fmt.compare(j, 2, "hl") == 0) c.length = Conversion::hl, j += 2;
  else if (j < fmt.size() && fmt[j] == 'h') c.length = Conversion::h, ++j;
  else if (j < fmt.size() && fmt[j] == 'l') c.length = Conversion::l, ++j;
  if (j >= fmt.size()) return false;
  c.letter = fmt[j];
  if (!std::strchr("diouxXcsfFeEgGaAp", c.letter)) return false;
  i = j + 1;
  return true;
}

bool is_float(char letter) { return std::strchr("fFeEgGaA", letter) != nullptr; }

// Byte size of one element of the argument as the record holds it (docs/opencl.md "printf").
// Scalar floats are promoted to double only where the compiling clang had doubles (cl_khr_fp64).
size_t element_bytes(const Conversion& c, bool double_floats) {
  if (c.letter == 's') return 4;  // a string id
  if (c.letter == 'p') return 8;
  if (c.vector == 1) {
    if (is_float(c.letter)) return double_floats ? 8 : 4;
    return c.length == Conversion::l ? 8 : 4;  // char/short promoted to int
  }
  switch (c.length) {
  case Conversion::hh: return 1;
  case Conversion::h: return 2;
  case Conversion::hl: return 4;
  case Conversion::l: return 8;
  case Conversion::none: return 4;
  }
  return 4;
}

std::string format_element(const Conversion& c, const uint8_t* p, size_t bytes,
                           const std::vector<std::string>& strings) {
  char buf[512];
  std::string spec = c.spec;
  if (c.letter == 's') {
    const uint32_t id = load32(p);
    const std::string s = id < strings.size() ? strings[id] : std::string("(bad string id)");
    std::snprintf(buf, sizeof buf, (spec + "s").c_str(), s.c_str());
    return buf;
  }
  if (c.letter == 'p') {
    uint64_t v;
    std::memcpy(&v, p, 8);
    std::snprintf(buf, sizeof buf, (spec + "p").c_str(), reinterpret_cast<void*>(v));
    return buf;
  }
  if (is_float(c.letter)) {
    double d = 0;
    if (bytes == 8) std::memcpy(&d, p, 8);
    else if (bytes == 4) {
      float f;
      std::memcpy(&f, p, 4);
      d = f;
    } else {
      return "(half)";  // no half printing: the device has no cl_khr_fp16
    }
    std::snprintf(buf, sizeof buf, (spec + c.letter).c_str(), d);
    return buf;
  }
  // Integers: read at the element size, sign-extend for d/i, then narrow as the modifier says.
  int64_t sv = 0;
  uint64_t uv = 0;
  switch (bytes) {
  case 1: { int8_t v; std::memcpy(&v, p, 1); sv = v; uv = uint8_t(v); break; }
  case 2: { int16_t v; std::memcpy(&v, p, 2); sv = v; uv = uint16_t(v); break; }
  case 4: { int32_t v; std::memcpy(&v, p, 4); sv = v; uv = uint32_t(v); break; }
  default: { int64_t v; std::memcpy(&v, p, 8); sv = v; uv = uint64_t(v); break; }
  }
  if (c.vector == 1 && c.length == Conversion::hh) { sv = int8_t(sv); uv = uint8_t(uv); }
  if (c.vector == 1 && c.length == Conversion::h) { sv = int16_t(sv); uv = uint16_t(uv); }
  if (c.letter == 'c') {
    std::snprintf(buf, sizeof buf, (spec + "c").c_str(), int(uint8_t(uv)));
  } else if (c.letter == 'd' || c.letter == 'i') {
    std::snprintf(buf, sizeof buf, (spec + "lld").c_str(), static_cast<long long>(sv));
  } else {
    std::snprintf(buf, sizeof buf, (spec + "ll" + c.letter).c_str(), static_cast<unsigned long long>(uv));
  }
  return buf;
}

// The size of a record for this format (header included, rounded up to 8), or 0 if malformed.
size_t record_bytes(const std::string& fmt, bool double_floats) {
  size_t arg = MICA_ABI_PRINTF_RECORD_HEADER_BYTES;
  for (size_t i = 0; i < fmt.size();) {
    if (fmt[i] != '%') {
      ++i;
      continue;
    }
    if (i + 1 < fmt.size() && fmt[i + 1] == '%') {
      i += 2;
      continue;
    }
    Conversion c;
    if (!parse_conversion(fmt, i, c)) return 0;
    const size_t eb = element_bytes(c, double_floats), align = std::min<size_t>(8, eb);
    arg = (arg + align - 1) / align * align + eb * c.vector;
  }
  return (arg + 7) / 8 * 8;
}

}  // namespace

std::string decode_printf(const uint8_t* buffer, size_t capacity, const std::vector<std::string>& strings,
                          bool floats_are_double) {
  std::string out;
  if (capacity < MICA_ABI_PRINTF_HEADER_BYTES) return out;
  const size_t used = load32(buffer);
  const size_t end = std::min(capacity, size_t(MICA_ABI_PRINTF_HEADER_BYTES) + used);
  size_t pos = MICA_ABI_PRINTF_HEADER_BYTES;
  while (pos + MICA_ABI_PRINTF_RECORD_HEADER_BYTES <= end) {
    const uint8_t* rec = buffer + pos;
    const uint32_t id = load32(rec), bytes = load32(rec + 4);
    if (bytes < MICA_ABI_PRINTF_RECORD_HEADER_BYTES || bytes % 8 || pos + bytes > end) break;  // did not fit
    if (id >= strings.size()) {
      out += "(mica: printf record with unknown format id)\n";
      break;
    }
    const std::string& fmt = strings[id];
    // The record's size says how scalar floats were passed when the format alone cannot.
    bool double_floats = floats_are_double;
    if (record_bytes(fmt, double_floats) != bytes && record_bytes(fmt, !double_floats) == bytes)
      double_floats = !double_floats;
    size_t arg = MICA_ABI_PRINTF_RECORD_HEADER_BYTES;
    for (size_t i = 0; i < fmt.size();) {
      if (fmt[i] != '%') {
        out += fmt[i++];
        continue;
      }
      if (i + 1 < fmt.size() && fmt[i + 1] == '%') {
        out += '%';
        i += 2;
        continue;
      }
      Conversion c;
      if (!parse_conversion(fmt, i, c)) {
        out += "(mica: unsupported printf conversion)";
        break;
      }
      const size_t eb = element_bytes(c, double_floats);
      const size_t align = std::min<size_t>(8, eb);
      arg = (arg + align - 1) / align * align;
      if (arg + eb * c.vector > bytes) {
        out += "(mica: printf record too short)";
        break;
      }
      for (unsigned v = 0; v < c.vector; ++v) {
        if (v) out += ',';
        out += format_element(c, rec + arg + v * eb, eb, strings);
      }
      arg += eb * c.vector;
    }
    pos += bytes;
  }
  return out;
}

}  // namespace mica::cl
