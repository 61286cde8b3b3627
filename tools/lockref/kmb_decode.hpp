// `lockref decode --cmd X`: KMB mailbox tables (tools/lockref/ops_kmb.cpp), called from the
// decode command (ops_tcg.cpp) when --cmd is given.
#pragma once
#include "lockref/core/bytes.hpp"
#include "registry.hpp"

namespace lockref::cli {
int decode_kmb(const Args& a, ByteView bytes);
}
