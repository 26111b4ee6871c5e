#include "query/aggs/bucket_script.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace quarry::query::aggs {

// Recursive descent over the source; one method per precedence level.
class ScriptParser {
 public:
  ScriptParser(const std::string& src, const std::vector<std::string>& vars, const std::string& type, ScriptExpr& out)
      : s_(src), vars_(vars), type_(type), out_(out) {}

  Status run() {
    skip_space();
    // Painless scripts are often written as "return <expr>;".
    if (s_.compare(pos_, 7, "return ") == 0) pos_ += 7;
    auto root = parse_or();
    if (!root.ok()) return root.status();
    skip_space();
    if (pos_ < s_.size() && s_[pos_] == ';') ++pos_;
    skip_space();
    if (pos_ != s_.size()) return unexpected();
    // Operator chains parse in loops but evaluate recursively: bound the tree.
    if (out_.nodes_.size() > kMaxNodes) {
      return Status::Parsing("[" + type_ + "] script is too long (more than " + std::to_string(kMaxNodes) + " terms)");
    }
    out_.root_ = *root;
    return Status::Ok();
  }

 private:
  static constexpr int kMaxDepth = 64;  // refuse absurd nesting instead of overflowing the stack
  static constexpr size_t kMaxNodes = 1000;

  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool eat(const char* tok) {
    skip_space();
    size_t n = std::char_traits<char>::length(tok);
    if (s_.compare(pos_, n, tok) != 0) return false;
    // "<" must not swallow "<=", "&" is not "&&", ...
    if (n == 1 && pos_ + 1 < s_.size() && (tok[0] == '<' || tok[0] == '>' || tok[0] == '!') && s_[pos_ + 1] == '=') {
      return false;
    }
    pos_ += n;
    return true;
  }
  Status unexpected() const {
    std::string found = pos_ < s_.size() ? s_.substr(pos_, 20) : "end of script";
    return Status::Parsing("[" + type_ + "] unsupported script: unexpected [" + found + "] at position " +
                           std::to_string(pos_) +
                           "; only params.<name>, numbers, + - * / %, comparisons, &&, ||, ! and parentheses are supported");
  }
  int add(ScriptExpr::Op op, int lhs = -1, int rhs = -1, double value = 0, int var = -1) {
    out_.nodes_.push_back({op, value, var, lhs, rhs});
    return static_cast<int>(out_.nodes_.size()) - 1;
  }

  Result<int> parse_or() {
    if (++depth_ > kMaxDepth) return Status::Parsing("[" + type_ + "] script is nested too deeply");
    auto l = parse_and();
    while (l.ok() && eat("||")) {
      auto r = parse_and();
      if (!r.ok()) return r;
      l = add(ScriptExpr::Op::kOr, *l, *r);
    }
    --depth_;
    return l;
  }
  Result<int> parse_and() {
    auto l = parse_cmp();
    while (l.ok() && eat("&&")) {
      auto r = parse_cmp();
      if (!r.ok()) return r;
      l = add(ScriptExpr::Op::kAnd, *l, *r);
    }
    return l;
  }
  Result<int> parse_cmp() {
    auto l = parse_add();
    if (!l.ok()) return l;
    static const std::pair<const char*, ScriptExpr::Op> kOps[] = {
        {"<=", ScriptExpr::Op::kLe}, {">=", ScriptExpr::Op::kGe}, {"==", ScriptExpr::Op::kEq},
        {"!=", ScriptExpr::Op::kNe}, {"<", ScriptExpr::Op::kLt},  {">", ScriptExpr::Op::kGt}};
    for (const auto& [tok, op] : kOps) {
      if (eat(tok)) {
        auto r = parse_add();
        if (!r.ok()) return r;
        return add(op, *l, *r);
      }
    }
    return l;
  }
  Result<int> parse_add() {
    auto l = parse_mul();
    while (l.ok()) {
      ScriptExpr::Op op;
      if (eat("+")) op = ScriptExpr::Op::kAdd;
      else if (eat("-")) op = ScriptExpr::Op::kSub;
      else break;
      auto r = parse_mul();
      if (!r.ok()) return r;
      l = add(op, *l, *r);
    }
    return l;
  }
  Result<int> parse_mul() {
    auto l = parse_unary();
    while (l.ok()) {
      ScriptExpr::Op op;
      if (eat("*")) op = ScriptExpr::Op::kMul;
      else if (eat("/")) op = ScriptExpr::Op::kDiv;
      else if (eat("%")) op = ScriptExpr::Op::kMod;
      else break;
      auto r = parse_unary();
      if (!r.ok()) return r;
      l = add(op, *l, *r);
    }
    return l;
  }
  Result<int> parse_unary() {
    if (++depth_ > kMaxDepth) return Status::Parsing("[" + type_ + "] script is nested too deeply");
    Result<int> out = 0;
    if (eat("-")) {
      auto e = parse_unary();
      out = e.ok() ? Result<int>(add(ScriptExpr::Op::kNeg, *e)) : e;
    } else if (eat("!")) {
      auto e = parse_unary();
      out = e.ok() ? Result<int>(add(ScriptExpr::Op::kNot, *e)) : e;
    } else if (eat("+")) {
      out = parse_unary();
    } else {
      out = parse_primary();
    }
    --depth_;
    return out;
  }
  Result<int> parse_primary() {
    skip_space();
    if (pos_ >= s_.size()) return unexpected();
    if (eat("(")) {
      auto e = parse_or();
      if (!e.ok()) return e;
      if (!eat(")")) return unexpected();
      return e;
    }
    char c = s_[pos_];
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      const char* begin = s_.c_str() + pos_;
      char* end = nullptr;
      double v = std::strtod(begin, &end);
      if (end == begin) return unexpected();
      pos_ += static_cast<size_t>(end - begin);
      return add(ScriptExpr::Op::kConst, -1, -1, v);
    }
    if (!std::isalpha(static_cast<unsigned char>(c)) && c != '_') return unexpected();
    std::string ident = identifier();
    if (ident == "true" || ident == "false") return add(ScriptExpr::Op::kConst, -1, -1, ident == "true" ? 1 : 0);
    if (ident == "params") {
      if (eat(".")) {
        skip_space();
        ident = identifier();
      } else if (eat("[")) {
        skip_space();
        if (pos_ >= s_.size() || (s_[pos_] != '\'' && s_[pos_] != '"')) return unexpected();
        char q = s_[pos_++];
        size_t close = s_.find(q, pos_);
        if (close == std::string::npos) return unexpected();
        ident = s_.substr(pos_, close - pos_);
        pos_ = close + 1;
        if (!eat("]")) return unexpected();
      } else {
        return unexpected();
      }
    }
    skip_space();
    if (pos_ < s_.size() && (s_[pos_] == '(' || s_[pos_] == '.')) {
      return Status::Parsing("[" + type_ + "] unsupported script: [" + ident +
                             "] is a call or member access; only params.<name>, numbers and operators are supported");
    }
    for (size_t i = 0; i < vars_.size(); ++i) {
      if (vars_[i] == ident) return add(ScriptExpr::Op::kVar, -1, -1, 0, static_cast<int>(i));
    }
    return Status::Parsing("[" + type_ + "] script variable [" + ident +
                           "] is neither a buckets_path name nor a script param");
  }
  std::string identifier() {
    size_t start = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_')) ++pos_;
    return s_.substr(start, pos_ - start);
  }

  const std::string& s_;
  const std::vector<std::string>& vars_;
  const std::string& type_;
  ScriptExpr& out_;
  size_t pos_ = 0;
  int depth_ = 0;
};

Result<ScriptExpr> ScriptExpr::compile(const std::string& source, const std::vector<std::string>& vars,
                                       const std::string& agg_type) {
  ScriptExpr e;
  ScriptParser p(source, vars, agg_type, e);
  QUARRY_RETURN_IF_ERROR(p.run());
  return e;
}

double ScriptExpr::eval(const std::vector<double>& values) const { return eval_node(root_, values); }

double ScriptExpr::eval_node(int n, const std::vector<double>& values) const {
  const Node& node = nodes_[static_cast<size_t>(n)];
  auto l = [&] { return eval_node(node.lhs, values); };
  auto r = [&] { return eval_node(node.rhs, values); };
  auto truth = [](double v) { return !std::isnan(v) && v != 0; };
  switch (node.op) {
    case Op::kConst: return node.value;
    case Op::kVar: return values[static_cast<size_t>(node.var)];
    case Op::kNeg: return -l();
    case Op::kNot: return truth(l()) ? 0 : 1;
    case Op::kAdd: return l() + r();
    case Op::kSub: return l() - r();
    case Op::kMul: return l() * r();
    case Op::kDiv: return l() / r();
    case Op::kMod: return std::fmod(l(), r());
    case Op::kLt: return l() < r();
    case Op::kLe: return l() <= r();
    case Op::kGt: return l() > r();
    case Op::kGe: return l() >= r();
    case Op::kEq: return l() == r();
    case Op::kNe: return l() != r();
    case Op::kAnd: return truth(l()) && truth(r());
    case Op::kOr: return truth(l()) || truth(r());
  }
  return std::nan("");
}

}  // namespace quarry::query::aggs
