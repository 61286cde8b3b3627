// The non-template parts of the generic machine commands (machine_tool.hpp).
#include "machine_tool.hpp"

#include <filesystem>

namespace lockref::cli {

Result<Json> profile_option_json(const Args& a) {
  std::string text = a.text("profile");
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return make_error("--profile: empty (expected JSON or a file)");
  if (text[text.find_first_not_of(" \t\r\n")] != '{') {
    std::error_code ec;
    if (std::filesystem::is_directory(text, ec)) return make_error("--profile: " + text + " is a directory");
    std::ifstream f(text, std::ios::binary);
    if (!f) return make_error("--profile: cannot read file " + text + " (or give the profile as inline JSON {...})");
    std::stringstream ss;
    ss << f.rdbuf();
    text = ss.str();
  }
  return parse_json(text).context("--profile");
}

Status options_agree_with_header(const Args& a, const std::vector<Option>& model_options, const Json& header,
                                 const Json& options) {
  auto d = first_difference(header, options, "profile");
  if (!d) return ok_status();
  return make_error(given_text(a, model_options) + " contradicts the transcript header: " + d->path + ": header " +
                    (d->left ? d->left->dump() : "(absent)") + ", options " + (d->right ? d->right->dump() : "(absent)") +
                    ". A verdict must not depend on which one wins: drop the options to check against the header's "
                    "profile, or fix the header");
}

bool model_options_given(const Args& a, const std::vector<Option>& model_options) {
  if (a.has("profile")) return true;
  for (const auto& o : model_options)
    if (o.kind != Option::Kind::positional && a.has(o.name)) return true;
  return false;
}

std::string given_text(const Args& a, const std::vector<Option>& model_options) {
  std::string out;
  auto add = [&](const std::string& n, const std::string& v) { out += (out.empty() ? "--" : " --") + n + (v.empty() ? "" : " " + v); };
  for (const auto& o : model_options)
    if (o.kind != Option::Kind::positional && a.has(o.name)) add(o.name, o.kind == Option::Kind::flag ? "" : a.text(o.name));
  if (a.has("profile")) add("profile", a.text("profile").size() > 40 ? a.text("profile").substr(0, 40) + "..." : a.text("profile"));
  return out;
}

bool write_dot(const Args& a, const std::string& option, const std::string& text) {
  const std::string path = a.text(option);
  std::ofstream f(path);
  if (f) f << text;
  if (!f || !f.flush()) {
    std::cerr << "lockref " << a.command() << ": --" << option << ": cannot write " << path << "\n";
    return false;
  }
  return true;
}

std::optional<CorpusSink> corpus_sink(const Args& a, const std::string& who) {
  CorpusSink c;
  c.seed = a.uint("seed");
  c.count = a.uint("count");
  if (a.has("out")) {
    c.name = a.text("out");
    std::error_code ec;
    if (std::filesystem::is_directory(c.name, ec)) {
      std::cerr << "lockref corpus " << who << ": --out: " << c.name << " is a directory\n";
      return std::nullopt;
    }
    c.file = std::make_unique<std::ofstream>(c.name);
    if (!*c.file) {
      std::cerr << "lockref corpus " << who << ": --out: cannot write " << c.name << "\n";
      return std::nullopt;
    }
    c.out = c.file.get();
  }
  return c;
}

int corpus_done(const Args& a, CorpusSink& sink, const std::string& who, std::uint64_t steps) {
  sink.out->flush();
  if (!*sink.out) {
    std::cerr << "lockref " << who << ": writing " << sink.name << " failed (disk full?); the corpus is incomplete\n";
    return 2;
  }
  if (a.has("out")) std::cerr << "wrote " << steps << " steps to " << sink.name << "\n";
  return 0;
}

Status read_lines(LineSource& in, const std::function<Status(std::size_t, const std::string&)>& feed,
                  const std::function<bool()>& stop) {
  Progress prog("check " + in.name(), in.size());
  std::string line;
  while (!stop()) {
    auto more = in.next(line);
    if (!more) return more.error();
    if (!*more) break;
    if (auto s = feed(in.line_number(), line); !s) return s;
    prog.update(in.bytes_read(), "bytes, line " + std::to_string(in.line_number()));
  }
  if (in.line_number() == 0) return make_error("empty input: no lines");
  return ok_status();
}

int report_check(const Args& a, const std::string& source, const std::string& machine, const Result<CheckReport>& rep,
                 const std::string& profile_note) {
  if (!rep) {
    std::cerr << "lockref check: " << source << ": " << rep.error().message << "\n";
    return 2;
  }
  const bool quiet = a.flag("quiet");
  if (!rep->divergence) {
    if (!quiet)
      std::cout << source << ": " << rep->steps << " steps conform to the " << machine << " model (profile: " << profile_note
                << ")\n";
    return 0;
  }
  if (!quiet) print_divergence(std::cout, source, *rep->divergence, a.flag("verbose"));
  return 1;
}

}  // namespace lockref::cli
