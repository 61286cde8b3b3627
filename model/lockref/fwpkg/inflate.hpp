// RFC 4108 §2.1.4 CompressedData with RFC 3274 §2 id-alg-zlibCompress: the eContent is a
// zlib stream (RFC 1950). Decompressed with zlib (Debian zlib1g-dev), bounded: a package
// whose firmware would exceed the loader's memory is refused before it is produced in full
// (RFC 4108 §4.1.3 insufficientMemory), so a small "zip bomb" costs no more than the bound.
#pragma once
#include <zlib.h>

#include <cstdint>
#include <string>

#include "lockref/core/bytes.hpp"
#include "lockref/core/result.hpp"

namespace lockref::fwpkg {

struct Inflated {
  enum class Status : std::uint8_t { ok, corrupt, too_large };
  Status status = Status::ok;
  Bytes data;
  std::string detail;
};

/// zlib-decompresses `in` (one complete RFC 1950 stream, nothing after it), producing at most
/// `max_out` bytes.
inline Inflated zlib_inflate(ByteView in, std::size_t max_out) {
  Inflated r;
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return {Inflated::Status::corrupt, {}, "zlib: inflateInit failed"};
  z.next_in = const_cast<Bytef*>(in.data());  // zlib's API is not const-correct; it does not write
  z.avail_in = static_cast<uInt>(in.size());
  std::uint8_t chunk[16384];
  int rc = Z_OK;
  // Z_BUF_ERROR (the input ended inside the stream) ends the loop too: reported below
  while (rc == Z_OK) {
    z.next_out = chunk;
    z.avail_out = sizeof chunk;
    rc = inflate(&z, Z_NO_FLUSH);
    const std::size_t got = sizeof chunk - z.avail_out;
    if (r.data.size() + got > max_out) {
      inflateEnd(&z);
      return {Inflated::Status::too_large, {},
              "decompressed firmware exceeds " + std::to_string(max_out) + " bytes (profile max_firmware_size)"};
    }
    r.data.insert(r.data.end(), chunk, chunk + got);
  }
  const std::size_t unused = z.avail_in;
  const std::string msg = z.msg ? z.msg : "";
  inflateEnd(&z);
  if (rc != Z_STREAM_END)
    return {Inflated::Status::corrupt, {},
            rc == Z_BUF_ERROR ? "zlib: stream truncated" : "zlib: " + (msg.empty() ? "error " + std::to_string(rc) : msg)};
  if (unused) return {Inflated::Status::corrupt, {}, "zlib: " + std::to_string(unused) + " bytes after the end of the stream"};
  return r;
}

/// zlib-compresses (for the model's own package builder, `lockref corpus fwpkg`).
inline Bytes zlib_deflate(ByteView in) {
  uLongf n = compressBound(static_cast<uLong>(in.size()));
  Bytes out(n);
  compress2(out.data(), &n, in.data(), static_cast<uLong>(in.size()), 9);
  out.resize(n);
  return out;
}

}  // namespace lockref::fwpkg
