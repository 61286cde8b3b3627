// `lockref decode` of RFC 4108 CMS (tools/lockref/ops_fwpkg.cpp), called from the decode
// command (ops_tcg.cpp) for --as cms, or when the bytes start like a ContentInfo of a firmware
// package, load receipt or load error report.
#pragma once
#include "lockref/core/bytes.hpp"

namespace lockref::cli {
bool looks_cms(ByteView bytes);
int decode_cms(ByteView bytes);
}  // namespace lockref::cli
