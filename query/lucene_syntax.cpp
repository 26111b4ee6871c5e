#include "query/lucene_syntax.h"

#include <cctype>
#include <memory>

namespace quarry::query {

namespace {

enum class Occur { kMust, kShould, kMustNot };
enum class Conj { kNone, kAnd, kOr };
enum class Mod { kNone, kPlus, kNot };

using Mutable = std::shared_ptr<QueryNode>;

struct Clause {
  Occur occur;
  QueryPtr query;
};

bool is_ws(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

class Parser {
 public:
  Parser(std::string_view text, const LuceneOptions& o) : s_(text), o_(o) {}

  Result<QueryPtr> parse() {
    std::vector<std::string> fields = o_.default_fields.empty() ? std::vector<std::string>{"*"} : o_.default_fields;
    auto q = parse_query(fields, 0);
    if (!q.ok()) return q;
    skip_ws();
    if (pos_ < s_.size()) {
      if (o_.simple) return q;  // simple_query_string never fails
      return error("unexpected [" + std::string(1, s_[pos_]) + "]");
    }
    return q;
  }

 private:
  Status error(const std::string& why) const {
    return Status::Parsing("Failed to parse query [" + std::string(s_) + "]: " + why + " at position " +
                           std::to_string(pos_));
  }

  void skip_ws() {
    while (pos_ < s_.size() && is_ws(s_[pos_])) ++pos_;
  }

  bool at_keyword(std::string_view kw) const {
    if (s_.substr(pos_, kw.size()) != kw) return false;
    size_t end = pos_ + kw.size();
    return end >= s_.size() || is_ws(s_[end]) || s_[end] == '(';
  }

  // Lucene's QueryParserBase.addClause.
  void add_clause(std::vector<Clause>& clauses, Conj conj, Mod mod, QueryPtr q) {
    bool op_and = o_.default_operator_and;
    if (!clauses.empty() && conj == Conj::kAnd && clauses.back().occur != Occur::kMustNot) {
      clauses.back().occur = Occur::kMust;
    }
    if (!clauses.empty() && op_and && conj == Conj::kOr && clauses.back().occur != Occur::kMustNot) {
      clauses.back().occur = Occur::kShould;
    }
    bool prohibited = mod == Mod::kNot;
    bool required;
    if (!op_and) {
      required = mod == Mod::kPlus;
      if (conj == Conj::kAnd && !prohibited) required = true;
    } else {
      required = !prohibited && conj != Conj::kOr;
    }
    Occur occur = prohibited ? Occur::kMustNot : required ? Occur::kMust : Occur::kShould;
    clauses.push_back({occur, std::move(q)});
  }

  static QueryPtr combine(std::vector<Clause>& clauses) {
    if (clauses.size() == 1 && clauses[0].occur != Occur::kMustNot) return clauses[0].query;
    auto b = std::make_shared<QueryNode>();
    b->kind = QueryKind::kBool;
    for (auto& c : clauses) {
      (c.occur == Occur::kMust ? b->must : c.occur == Occur::kShould ? b->should : b->must_not).push_back(c.query);
    }
    return b;
  }

  Result<QueryPtr> parse_query(const std::vector<std::string>& fields, int depth) {
    if (depth > 20) return error("too deeply nested");
    std::vector<Clause> clauses;
    while (true) {
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] == ')') break;
      Conj conj = Conj::kNone;
      Mod mod = Mod::kNone;
      if (o_.simple) {
        while (pos_ < s_.size() && (s_[pos_] == '|' || s_[pos_] == '+' || is_ws(s_[pos_]))) {
          if (s_[pos_] == '|') conj = Conj::kOr;
          if (s_[pos_] == '+') conj = Conj::kAnd;
          ++pos_;
        }
        if (pos_ < s_.size() && s_[pos_] == '-') {
          mod = Mod::kNot;
          ++pos_;
        }
      } else {
        if (at_keyword("AND") || s_.substr(pos_, 2) == "&&") {
          conj = Conj::kAnd;
          pos_ += s_[pos_] == '&' ? 2 : 3;
        } else if (at_keyword("OR") || s_.substr(pos_, 2) == "||") {
          conj = Conj::kOr;
          pos_ += 2;
        }
        skip_ws();
        if (at_keyword("NOT")) {
          mod = Mod::kNot;
          pos_ += 3;
        } else if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-' || s_[pos_] == '!')) {
          mod = s_[pos_] == '+' ? Mod::kPlus : Mod::kNot;
          ++pos_;
        }
      }
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] == ')') {
        if (o_.simple) break;
        return error("expected a clause");
      }
      auto c = parse_clause(fields, depth);
      if (!c.ok()) return c;
      if (*c) add_clause(clauses, conj, mod, *c);
    }
    if (clauses.empty()) {
      auto none = std::make_shared<QueryNode>();
      none->kind = QueryKind::kMatchNone;
      return QueryPtr(none);
    }
    return combine(clauses);
  }

  // A word up to whitespace or a syntax character; `stop_colon` for field names.
  std::string read_word(bool* had_wildcard, bool keep_escapes) {
    std::string out;
    *had_wildcard = false;
    const std::string_view stops = o_.simple ? std::string_view("()|+\"~") : std::string_view("()[]{}^\"~:");
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '\\' && pos_ + 1 < s_.size()) {
        if (keep_escapes) out += '\\';
        out += s_[pos_ + 1];
        pos_ += 2;
        continue;
      }
      if (is_ws(c) || stops.find(c) != std::string_view::npos) break;
      if (c == '*' || c == '?') *had_wildcard = true;
      out += c;
      ++pos_;
    }
    return out;
  }

  void apply_fields(QueryNode& n, const std::vector<std::string>& fields) {
    if (fields.size() == 1 && fields[0].find_first_of("*^") == std::string::npos) {
      n.field = fields[0];
    } else {
      n.fields = fields;
      n.tie_breaker = o_.tie_breaker;
      if (o_.most_fields) n.multi_type = MultiMatchType::kMostFields;
    }
    n.lenient = o_.lenient;
    n.analyzer = o_.analyzer;
  }

  Status read_boost(QueryNode& n) {
    if (pos_ < s_.size() && s_[pos_] == '^') {
      ++pos_;
      size_t start = pos_;
      while (pos_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.')) ++pos_;
      if (start == pos_) return error("expected a boost value after ^");
      n.boost *= std::strtof(std::string(s_.substr(start, pos_ - start)).c_str(), nullptr);
    }
    return Status::Ok();
  }

  // ~ or ~N after a term or phrase: returns "" when absent.
  std::optional<std::string> read_tilde() {
    if (pos_ >= s_.size() || s_[pos_] != '~') return std::nullopt;
    ++pos_;
    size_t start = pos_;
    while (pos_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.')) ++pos_;
    return std::string(s_.substr(start, pos_ - start));
  }

  Result<QueryPtr> parse_clause(const std::vector<std::string>& fields, int depth) {
    char c = s_[pos_];
    if (c == '(') {
      ++pos_;
      auto q = parse_query(fields, depth + 1);
      if (!q.ok()) return q;
      if (pos_ >= s_.size() || s_[pos_] != ')') {
        if (!o_.simple) return error("missing )");
      } else {
        ++pos_;
      }
      auto copy = std::make_shared<QueryNode>(**q);
      if (!o_.simple) QUARRY_RETURN_IF_ERROR(read_boost(*copy));
      return QueryPtr(copy);
    }
    if (c == '"') return parse_phrase(fields);
    if (!o_.simple && c == '/') return parse_regexp(fields);
    if (!o_.simple && (c == '[' || c == '{')) return parse_range(fields);
    if (!o_.simple && (c == '>' || c == '<')) return parse_comparison(fields);
    bool wildcard = false;
    size_t word_start = pos_;
    std::string word = read_word(&wildcard, true);
    if (!o_.simple && pos_ < s_.size() && s_[pos_] == ':' && !word.empty()) {
      ++pos_;
      std::string field = unescape(word);
      if (field == "_exists_") {
        bool w2 = false;
        std::string f = unescape(read_word(&w2, true));
        auto n = std::make_shared<QueryNode>();
        n->kind = QueryKind::kExists;
        n->field = f;
        QUARRY_RETURN_IF_ERROR(read_boost(*n));
        return QueryPtr(n);
      }
      if (pos_ >= s_.size() || is_ws(s_[pos_])) return error("expected a value after [" + field + ":]");
      return parse_clause({field}, depth + 1);
    }
    if (word.empty()) {
      if (o_.simple) {
        ++pos_;  // a stray syntax character
        return QueryPtr();
      }
      pos_ = word_start;
      return error("unexpected [" + std::string(1, c) + "]");
    }
    return term_clause(word, wildcard, fields);
  }

  // /regexp/: up to the next unescaped slash (\/ is a slash inside it); Lucene's regexp syntax,
  // as the regexp query takes it.
  Result<QueryPtr> parse_regexp(const std::vector<std::string>& fields) {
    size_t start = pos_++;
    std::string pattern;
    while (pos_ < s_.size() && s_[pos_] != '/') {
      if (s_[pos_] == '\\' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '/') ++pos_;
      pattern += s_[pos_++];
    }
    if (pos_ >= s_.size()) {
      pos_ = start;
      return error("missing the closing / of a regular expression");
    }
    ++pos_;
    auto n = std::make_shared<QueryNode>();
    n->kind = QueryKind::kRegexp;
    n->text = pattern;
    apply_fields(*n, fields);
    QUARRY_RETURN_IF_ERROR(read_boost(*n));
    return QueryPtr(n);
  }

  static std::string unescape(const std::string& w) {
    std::string out;
    for (size_t i = 0; i < w.size(); ++i) {
      if (w[i] == '\\' && i + 1 < w.size()) ++i;
      out += w[i];
    }
    return out;
  }

  Result<QueryPtr> term_clause(const std::string& raw, bool wildcard, const std::vector<std::string>& fields) {
    auto n = std::make_shared<QueryNode>();
    auto tilde = read_tilde();
    if (!o_.simple) QUARRY_RETURN_IF_ERROR(read_boost(*n));
    if (wildcard) {
      if (raw == "*") {
        bool explicit_field = fields.size() == 1 && fields[0].find('*') == std::string::npos &&
                              (o_.default_fields.size() != 1 || o_.default_fields[0] != fields[0]);
        if (explicit_field) {
          n->kind = QueryKind::kExists;
          n->field = fields[0];
        } else {
          n->kind = QueryKind::kMatchAll;
        }
        return QueryPtr(n);
      }
      bool trailing_only = raw.back() == '*' && raw.find_first_of("*?") == raw.size() - 1;
      if (trailing_only) {
        // A prefix: analysed like a phrase prefix of one word (lowercased for text fields).
        n->kind = QueryKind::kMatchPhrasePrefix;
        n->text = unescape(raw.substr(0, raw.size() - 1));
        n->max_expansions = 1 << 20;
      } else {
        n->kind = QueryKind::kWildcard;
        n->text = raw;  // escapes stay meaningful to the wildcard matcher
      }
      apply_fields(*n, fields);
      n->analyzer.clear();
      return QueryPtr(n);
    }
    n->kind = QueryKind::kMatch;
    n->text = unescape(raw);
    n->operator_and = o_.default_operator_and;
    if (tilde) {
      n->fuzziness = tilde->empty() ? o_.fuzziness : std::to_string(std::min(2, std::atoi(tilde->c_str())));
      n->prefix_length = o_.fuzzy_prefix_length;
      n->max_expansions = o_.fuzzy_max_expansions;
      n->fuzzy_transpositions = o_.fuzzy_transpositions;
    }
    apply_fields(*n, fields);
    return QueryPtr(n);
  }

  Result<QueryPtr> parse_phrase(const std::vector<std::string>& fields) {
    ++pos_;
    std::string text;
    while (pos_ < s_.size() && s_[pos_] != '"') {
      if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) ++pos_;
      text += s_[pos_++];
    }
    if (pos_ >= s_.size()) {
      if (!o_.simple) return error("unterminated quoted phrase");
    } else {
      ++pos_;
    }
    auto n = std::make_shared<QueryNode>();
    n->kind = QueryKind::kMatchPhrase;
    n->text = text;
    n->slop = o_.phrase_slop;
    auto tilde = read_tilde();
    if (tilde && !tilde->empty()) n->slop = std::atoi(tilde->c_str());
    if (!o_.simple) QUARRY_RETURN_IF_ERROR(read_boost(*n));
    apply_fields(*n, fields);
    return QueryPtr(n);
  }

  std::optional<std::string> range_value(bool* ok) {
    skip_ws();
    *ok = true;
    std::string v;
    if (pos_ < s_.size() && s_[pos_] == '"') {
      ++pos_;
      while (pos_ < s_.size() && s_[pos_] != '"') v += s_[pos_++];
      if (pos_ >= s_.size()) *ok = false;
      else ++pos_;
      return v;
    }
    while (pos_ < s_.size() && !is_ws(s_[pos_]) && s_[pos_] != ']' && s_[pos_] != '}') {
      if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) ++pos_;
      v += s_[pos_++];
    }
    if (v.empty()) *ok = false;
    if (v == "*") return std::nullopt;
    return v;
  }

  Mutable range_node(const std::vector<std::string>& fields) {
    auto n = std::make_shared<QueryNode>();
    n->kind = QueryKind::kRange;
    apply_fields(*n, fields);
    n->time_zone = o_.time_zone;
    return n;
  }

  Result<QueryPtr> parse_range(const std::vector<std::string>& fields) {
    bool lower_inclusive = s_[pos_] == '[';
    ++pos_;
    bool ok = false;
    auto lo = range_value(&ok);
    if (!ok) return error("bad range lower bound");
    skip_ws();
    if (s_.substr(pos_, 2) != "TO") return error("expected TO in range");
    pos_ += 2;
    auto hi = range_value(&ok);
    if (!ok) return error("bad range upper bound");
    skip_ws();
    if (pos_ >= s_.size() || (s_[pos_] != ']' && s_[pos_] != '}')) return error("unterminated range");
    bool upper_inclusive = s_[pos_] == ']';
    ++pos_;
    auto n = range_node(fields);
    if (lo) (lower_inclusive ? n->gte : n->gt) = *lo;
    if (hi) (upper_inclusive ? n->lte : n->lt) = *hi;
    QUARRY_RETURN_IF_ERROR(read_boost(*n));
    return QueryPtr(n);
  }

  Result<QueryPtr> parse_comparison(const std::vector<std::string>& fields) {
    bool greater = s_[pos_] == '>';
    ++pos_;
    bool inclusive = pos_ < s_.size() && s_[pos_] == '=';
    if (inclusive) ++pos_;
    std::string v;
    while (pos_ < s_.size() && !is_ws(s_[pos_]) && s_[pos_] != ')' && s_[pos_] != '^') v += s_[pos_++];
    if (v.empty()) return error("expected a value after a comparison");
    auto n = range_node(fields);
    if (greater) (inclusive ? n->gte : n->gt) = v;
    else (inclusive ? n->lte : n->lt) = v;
    QUARRY_RETURN_IF_ERROR(read_boost(*n));
    return QueryPtr(n);
  }

  std::string_view s_;
  const LuceneOptions& o_;
  size_t pos_ = 0;
};

}  // namespace

Result<QueryPtr> parse_lucene_query(std::string_view text, const LuceneOptions& options) {
  if (text.size() > 32768) return Status::Parsing("query_string is too long");
  return Parser(text, options).parse();
}

}  // namespace quarry::query
