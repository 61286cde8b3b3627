// `lockref invariants --coverage`: how much of the seeds' normative text the requirement
// catalogue traces, measured against the normative index (spec/normative/<seed>.json,
// written by tools/normative_index.py).
//
// Every normative sentence of the index must have a status:
//   covered       derived, never written by hand: a requirement that has at least one
//                 existing check quotes the sentence (or names its id in "normative");
//   out of reach  hand-assigned with a reason, in spec/normative/<seed>.status.json, or by
//                 a requirement whose "status" is "out_of_reach";
//   planned       hand-assigned in the status file (not modelled yet).
//
// How a requirement's "text" maps onto sentences (tools/normative_index.py normalises
// the seed the same way: ASCII letters and digits, lower case, one space between words):
//   - The text is cut into pieces: its sentences, further cut at "...", "…" and ";"
//     (outside parentheses). Pieces of fewer than 3 words are not checked.
//   - A piece must occur in the seed's normalised text (anywhere: prose, tables, figure
//     text). A piece that does not is cut at its parentheses: the parts outside must
//     occur; a parenthesised remark may be the catalogue's own annotation. A piece
//     without parentheses of the form "label: cell" (a table's field or row name, then
//     the text of its cell) may match by the text after its last ": " alone.
//   - A piece found where the requirement's "section" points (e.g. "§4.6.4.2") covers
//     those occurrences only; found only elsewhere, it covers every occurrence.
//   - A normative sentence is covered when a found piece spans all of it, at least half of
//     its words, or six words or more from inside it: a quote of part of a sentence (its
//     operative clause, one cell of a table row) covers the sentence; a quote that runs
//     over two sentences covers both.
//   - "normative": [ids] names sentences explicitly (figures, paraphrased tables). A
//     requirement with explicit ids may describe a figure in its own words: its pieces
//     that are not seed text are then not an error.
// Requirements whose seed is not indexed ("external": FIPS 203, RFC 9180, ...) are listed
// and not traced.
#pragma once
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "lockref/core/json.hpp"

namespace lockref::cli::coverage {

/// The normalisation shared with tools/normative_index.py.
std::vector<std::string> tokens(std::string_view text);
std::string normalise(std::string_view text);
/// First 8 hex digits of SHA-256(normalise(text)): the digest part of a sentence id.
std::string digest(std::string_view text);
/// The pieces of a requirement text that must be seed text (see above); each piece is a
/// list of alternatives: the whole piece, else its parts outside parentheses.
struct Piece {
  std::string text;
  std::vector<std::string> outside;  // parts outside parentheses (empty: no parentheses)
};
std::vector<Piece> pieces(std::string_view text);

/// Prints the coverage report of the index under `root`/spec/normative for the merged
/// requirement catalogue; `checks` maps every existing check name to where it lives.
/// Returns the number of problems (0: every sentence has a status, every quote and id is
/// in the index).
int report(const Json& catalogue, const std::map<std::string, std::string>& checks, const std::string& root,
           std::ostream& out, bool list_sentences);

}  // namespace lockref::cli::coverage
