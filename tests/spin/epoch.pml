/* OCP L.O.C.K. 0.9 HEK/SEK epoch keys, for SPIN: an oracle for `lockref explore epoch`.
 *
 * Written from the seed text (001_30ed4cd62c635f55.txt §4.6.4, §4.6.4.1 Table 4,
 * §4.6.4.2 and its five rules, Figure 19 on page 41 of the figure images), not from the
 * C++ model. One process, one loop; each alternative is one event, taken atomically
 * (d_step), so SPIN's stored states are exactly the reachable valuations of
 * (lifecycle, HEK slots, perma-HEK bit, SEK).
 *
 * The abstraction shared with lockref (its `epoch` machine, default profile):
 *  - N HEK slots (4 <= N <= 16, §4.6.4.1), each blank, randomized, zeroized or corrupted
 *    (Figure 19 "HEKx invalid": an error during fuse blowing).
 *  - Lifecycle Unprovisioned < Manufacturing < Production; it only advances.
 *  - Fuses are written only in Production (Figure 19 shows PROGRAM_NEXT_HEK,
 *    ZEROIZE_CURRENT_HEK and ENABLE_HEK_BYPASS only there).
 *  - Every fuse write may be interrupted (Figure 19 "Error during fuse blowing").
 * -DMUTANT_NO_RULE2 drops rule 2: the oracle's own invariants must then fail.
 */
#ifndef N
#define N 4
#endif

#ifdef MUTANT_NO_RULE2   /* a broken drive: zeroizes the HEK with the SEK programmed */
#define RULE2 1
#else
#define RULE2 (sek == 0)
#endif

#define UNPROV 0
#define MANUF  1
#define PROD   2

#define BLANK      0
#define RANDOMIZED 1
#define ZEROIZED   2
#define CORRUPTED  3

#define UNSET   0
#define INVALID 1
#define SET     2

byte lifecycle = UNPROV;
byte slot[N];          /* all BLANK */
byte perma = UNSET;
bit  sek = 0;          /* 0 zeroized, 1 programmed */

/* scratch, kept out of the state vector (hidden) */
hidden byte x;         /* the current slot (first not zeroized), N if none */
hidden byte i;
hidden byte nrand;
hidden byte hek_avail;
hidden byte ok;

/* x := index of the first slot that is not zeroized ("the current HEK slot") */
inline current() {
  x = 0;
  do
  :: x < N && slot[x] == ZEROIZED -> x++
  :: else -> break
  od
}

/* Table 4: the HEK is available in pre-production, with a randomized current slot, or
 * with every slot zeroized and the permanent-HEK bit set. */
inline hek_available() {
  current();
  hek_avail = (lifecycle != PROD) || (x < N && slot[x] == RANDOMIZED) || (x == N && perma == SET)
}

/* Invariants (the seed's rules as state predicates), checked after every event. */
inline invariants() {
  hek_available();
  /* §4.6.4.2 rule 1: the SEK is programmed only while the HEK is available */
  assert(sek == 0 || hek_avail);
  /* §4.6.4.1: slots go blank -> randomized -> zeroized in order: zeroized* (randomized|corrupted)? blank* */
  i = x;
  if
  :: i < N && (slot[i] == RANDOMIZED || slot[i] == CORRUPTED) -> i++
  :: else -> skip
  fi;
  ok = 1;
  do
  :: i < N -> ok = ok && (slot[i] == BLANK); i++
  :: else -> break
  od;
  assert(ok);
  /* rule 4: at most one randomized seed */
  nrand = 0; i = 0;
  do
  :: i < N -> nrand = nrand + (slot[i] == RANDOMIZED); i++
  :: else -> break
  od;
  assert(nrand <= 1);
  /* rule 5: the perma-HEK bit is touched only once every seed is zeroized */
  assert(perma == UNSET || x == N);
  /* fuses are not written before Production */
  assert(lifecycle == PROD || (x == 0 && slot[0] == BLANK && perma == UNSET))
}

active proctype epoch() {
  do
  /* Advance the lifecycle; Figure 19: Production is entered from "Pre-production HEK,
   * SEK zeroized" only. */
  :: d_step { lifecycle == UNPROV -> lifecycle = MANUF; invariants() }
  :: d_step { lifecycle < PROD && sek == 0 -> lifecycle = PROD; invariants() }
  /* PROGRAM_NEXT_HEK, rule 4: the next seed only once the prior one is zeroized */
  :: d_step { lifecycle == PROD -> current();
              if
              :: x < N && slot[x] == BLANK -> slot[x] = RANDOMIZED
              :: else -> skip
              fi; invariants() }
  :: d_step { lifecycle == PROD -> current();   /* interrupted: the slot is left invalid */
              if
              :: x < N && slot[x] == BLANK -> slot[x] = CORRUPTED
              :: else -> skip
              fi; invariants() }
  /* ZEROIZE_CURRENT_HEK, rule 2 (SEK zeroized first) and rule 3 (randomized or corrupted) */
  :: d_step { lifecycle == PROD && RULE2 -> current();
              if
              :: x < N && (slot[x] == RANDOMIZED || slot[x] == CORRUPTED) -> slot[x] = ZEROIZED
              :: else -> skip
              fi; invariants() }
  :: d_step { lifecycle == PROD && sek == 0 -> current();  /* interrupted: "programmed -> invalid" */
              if
              :: x < N && (slot[x] == RANDOMIZED || slot[x] == CORRUPTED) -> slot[x] = CORRUPTED
              :: else -> skip
              fi; invariants() }
  /* ENABLE_HEK_BYPASS, rule 5; Figure 19 retries from "Perma-HEK bit invalid" */
  :: d_step { lifecycle == PROD -> current();
              if
              :: x == N && perma != SET -> perma = SET
              :: else -> skip
              fi; invariants() }
  :: d_step { lifecycle == PROD -> current();
              if
              :: x == N && perma == UNSET -> perma = INVALID
              :: else -> skip
              fi; invariants() }
  /* SEK: programmed once the HEK is available (rule 1); zeroizing is always allowed */
  :: d_step { sek == 0 -> hek_available(); if :: hek_avail -> sek = 1 :: else -> skip fi; invariants() }
  :: d_step { sek == 1 -> sek = 0; invariants() }
  od
}
