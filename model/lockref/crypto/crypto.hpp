// lockref crypto: all primitives (SHA2, HMAC, HKDF, AES-ECB/GCM/CMAC, AES-KW,
// HMAC_DRBG, constant-time comparison). Include the narrower headers where possible.
#pragma once
#include "lockref/crypto/aes.hpp"
#include "lockref/crypto/ct.hpp"
#include "lockref/crypto/drbg.hpp"
#include "lockref/crypto/hash.hpp"
#include "lockref/crypto/kdf.hpp"
#include "lockref/crypto/keywrap.hpp"
