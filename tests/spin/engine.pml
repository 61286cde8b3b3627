/* OCP L.O.C.K. 0.9 encryption engine CTRL register and key cache, for SPIN: an oracle
 * for `lockref explore engine` (strict profile).
 *
 * Written from the seed text (001_30ed4cd62c635f55.txt §4.7.1.1 key cache, §4.7.1.2
 * Tables 5-9, Table 10 error codes, Table 11 command codes, §4.7.1.2.4 the expected
 * change flow, Figure 34 on page 61 of the figure images, §4.6.5.5 the AES-XTS key check,
 * Table 60 item 4), not from the C++ model. One process, one loop; each alternative is
 * one event, taken atomically (d_step).
 *
 * The abstraction shared with lockref (`lockref explore engine`, its documented event
 * alphabet and the strict profile's named choices):
 *  - Register contents are small ids: METD 0 (reset value) or sample k = 1..CAP+1;
 *    AUX 0 (reset) or 1 (the A5.. value); MEK 0 (reset, all zero), 1 (distinct AES-XTS
 *    halves) or 2 (equal halves). The key cache holds at most CAP (metadata, aux, MEK)
 *    tuples with distinct metadata, kept sorted by metadata (a set).
 *  - KMB events: write METD k, write AUX, write either MEK, write CTRL with CMD in
 *    {0h,1h,2h,3h,4h,Fh} with and without EXE, write DONE=1, a CTRL write with every
 *    reserved bit set (reserved bits are read-only: it acts as CMD=1h, EXE=1); engine
 *    events: one tick of internal progress, a fatal error; a power cycle.
 *  - Latencies of one tick: "initializes", "processes command", "resets for next command"
 *    (Figure 34's three activity boxes) each end at the next tick.
 *  - Vendor choices for unexpected flows (§4.7.1.2.4 leaves them to vendors), as the
 *    strict profile names them: CTRL writes are ignored while RDY=0; CMD/EXE writes are
 *    ignored while a command runs or its status awaits KMB's DONE=1; METD/AUX/MEK writes
 *    are ignored while a command runs; DONE=1 written while a command runs aborts it
 *    (Table 9 "shall cause ... set the DONE bit to 0b, EXE to 0b, ERR to 0000b, CMD to
 *    0000b"); an EXE write with CMD=0h executes CMD=0h (reserved: an error); a load of
 *    present metadata fails (no replacement); an unload of absent metadata fails; the
 *    XTS check (§4.6.5.5) comes first; a fatal error keeps the key cache; error codes
 *    4h occupied, 5h full, 6h absent, 7h reserved command, 8h XTS halves equal.
 * -DFATAL_FIG34 reads Figure 34 literally (fatal errors only out of its three activity
 * boxes) instead of Table 9 (at any time); -DMUTANT_NO_XTS_CHECK drops the §4.6.5.5 check.
 */
#ifndef CAP
#define CAP 2
#endif
#define NMETD (CAP + 1)   /* sample metadata values 1..NMETD */
#ifdef MUTANT_NO_XTS_CHECK   /* a broken engine: the oracle's own invariants must catch it */
#define XTS_OK 1
#else
#define XTS_OK (mek == 1)
#endif

/* Figure 34's activities */
#define INIT  0   /* "Encryption engine initializes" */
#define READY 1
#define EXEC  2   /* "Encryption engine processes command" */
#define DONE  3   /* status posted, awaiting KMB's DONE=1 */
#define RESET 4   /* "Encryption engine resets for next command" */
#define FATAL 5

/* CTRL fields (Table 9) */
bit  rdy;
byte err;
byte cmd;
bit  done;
bit  exe;
byte phase = INIT;
/* data registers (Tables 6-8), as ids */
byte metd;
byte aux;
byte mek;
/* key cache: entries 0..n-1 sorted by metadata */
byte n;
byte cm[CAP];
byte ca[CAP];
byte ck[CAP];

hidden byte i;
hidden byte j;
hidden byte e;
hidden byte found;

/* Table 11 on the key cache; sets e (Table 10: 0 success, 4h..Fh vendor specific). */
inline execute() {
  found = 255; i = 0;
  do
  :: i < n && cm[i] == metd -> found = i; break
  :: i < n && cm[i] != metd -> i++
  :: else -> break
  od;
  if
  :: cmd == 1 ->                                 /* Load MEK */
     if
#ifndef MUTANT_NO_XTS_CHECK
     :: mek != 1 -> e = 8                        /* §4.6.5.5: Key_1 == Key_2 (all-zero included) */
#endif
     :: XTS_OK && found != 255 -> e = 4          /* metadata already loaded */
     :: XTS_OK && found == 255 && n >= CAP -> e = 5     /* cache full */
     :: XTS_OK && found == 255 && n < CAP ->
        e = 0;
        i = n;                                   /* insert keeping cm sorted */
        do
        :: i > 0 && cm[i - 1] > metd -> cm[i] = cm[i - 1]; ca[i] = ca[i - 1]; ck[i] = ck[i - 1]; i--
        :: else -> break
        od;
        cm[i] = metd; ca[i] = aux; ck[i] = mek; n++
     fi
  :: cmd == 2 ->                                 /* Unload MEK */
     if
     :: found == 255 -> e = 6
     :: else ->
        e = 0;
        j = found;
        do
        :: j + 1 < n -> cm[j] = cm[j + 1]; ca[j] = ca[j + 1]; ck[j] = ck[j + 1]; j++
        :: else -> break
        od;
        n--; cm[n] = 0; ca[n] = 0; ck[n] = 0
     fi
  :: cmd == 3 ->                                 /* Zeroize: unload all MEKs */
     e = 0;
     do
     :: n > 0 -> n--; cm[n] = 0; ca[n] = 0; ck[n] = 0
     :: else -> break
     od
  :: else -> e = 7                               /* 0h, 4h..Fh reserved */
  fi
}

/* KMB writes CTRL with CMD=c, EXE=x, DONE=0 */
inline write_cmd(c, x) {
  if
  :: rdy && phase == READY ->
     cmd = c;
     if
     :: x -> exe = 1; phase = EXEC               /* Table 9 EXE 0b -> 1b: execute CMD */
     :: else -> skip                              /* Figure 34 "KMB writes CMD=[code]" */
     fi
  :: else -> skip
  fi
}

/* Table 9 / Table 10 / Figure 34 as state predicates */
inline invariants() {
  assert(!(done && exe));
  assert(err == 0 || done);
  assert(err == 0 || err >= 4);
  assert(rdy == (phase != INIT && phase != FATAL));
  assert(exe == (phase == EXEC));
  assert(done == (phase == DONE || phase == RESET));
  assert(phase != FATAL || (!rdy && err == 0 && !done && !exe));
  assert(n <= CAP);
  i = 1;
  do
  :: i < n -> assert(cm[i - 1] < cm[i]); i++
  :: else -> break
  od;
  i = 0;
  do
  :: i < n -> assert(ck[i] == 1); i++
  :: else -> break
  od;
  assert(phase != INIT || n == 0)
}

#define WRITE_METD(k) :: d_step { k <= NMETD && phase != EXEC -> metd = k; invariants() }
#define WRITE_CMD(c, x) :: d_step { write_cmd(c, x); invariants() }

active proctype engine() {
  do
  /* Tables 6-8: METD/AUX/MEK writes; ignored while a command runs (the engine owns them) */
  WRITE_METD(1)
  WRITE_METD(2)
  WRITE_METD(3)
  WRITE_METD(4)
  WRITE_METD(5)
  :: d_step { phase != EXEC -> aux = 1; invariants() }
  :: d_step { phase != EXEC -> mek = 1; invariants() }
  :: d_step { phase != EXEC -> mek = 2; invariants() }
  /* Table 9 CMD (RW) and EXE */
  WRITE_CMD(0, 0)  WRITE_CMD(0, 1)
  WRITE_CMD(1, 0)  WRITE_CMD(1, 1)
  WRITE_CMD(2, 0)  WRITE_CMD(2, 1)
  WRITE_CMD(3, 0)  WRITE_CMD(3, 1)
  WRITE_CMD(4, 0)  WRITE_CMD(4, 1)
  WRITE_CMD(15, 0) WRITE_CMD(15, 1)
  WRITE_CMD(1, 1)  /* every reserved bit set as well: reserved bits are not written */
  /* Table 9 DONE: a KMB write of 1b clears DONE, EXE, ERR and CMD */
  :: d_step { if
              :: rdy && phase == EXEC -> cmd = 0; err = 0; done = 0; exe = 0; phase = READY   /* aborts the command */
              :: rdy && phase == DONE -> phase = RESET      /* Figure 34 "resets for next command" */
              :: rdy && phase == READY -> cmd = 0; err = 0; done = 0; exe = 0
              :: else -> skip                               /* RDY=0, or already acknowledged */
              fi; invariants() }
  /* the engine's own progress (Figure 34's arrows out of its activity boxes) */
  :: d_step { if
              :: phase == INIT -> rdy = 1; phase = READY     /* "Encryption engine writes RDY=1" */
              :: phase == EXEC -> execute(); err = e; exe = 0; done = 1; phase = DONE
                                 /* "writes ERR=[code], DONE=1, EXE=0" */
              :: phase == RESET -> err = 0; cmd = 0; done = 0; exe = 0; phase = READY
                                 /* "writes ERR=0, CMD=0, DONE=0, EXE=0" */
              :: else -> skip
              fi; invariants() }
  /* Table 9 RDY: "When a fatal error has occurred ... may set this bit from 1b to 0b";
   * Figure 34's fatal box: RDY=0, ERR=0, CMD=[code], DONE=0, EXE=0 */
#ifdef FATAL_FIG34
  /* Figure 34 read literally: fatal errors leave only from the three activity boxes */
  :: d_step { (phase == INIT || phase == EXEC || phase == RESET) -> phase = FATAL; rdy = 0; err = 0; done = 0; exe = 0; invariants() }
#else
  :: d_step { phase = FATAL; rdy = 0; err = 0; done = 0; exe = 0; invariants() }
#endif
  /* power cycle: every register resets to 0h (Tables 6-9), the key cache is emptied (Table 60 item 4) */
  :: d_step { rdy = 0; err = 0; cmd = 0; done = 0; exe = 0; phase = INIT; metd = 0; aux = 0; mek = 0;
              do
              :: n > 0 -> n--; cm[n] = 0; ca[n] = 0; ck[n] = 0
              :: else -> break
              od; invariants() }
  od
}
