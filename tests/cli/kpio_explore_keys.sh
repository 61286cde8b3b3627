#!/usr/bin/env bash
# lockref explore kpio --scope policies|keks through the real program, every state checked
# against every invariant: tests/cli/kpio_explore.sh with the two larger scopes, as a ctest test
# of its own so that each stays within the timeout under ASan.
#   bash tests/cli/kpio_explore_keys.sh <lockref-binary> <source-dir>
exec bash "$2/tests/cli/kpio_explore.sh" "$1" "$2" policies keks
