// The small expression language of bucket_selector and bucket_script scripts: numbers,
// variables (params.x, params['x'] or a bare x), + - * / %, unary - and !, comparisons
// (< <= > >= == !=), && and ||, true/false and parentheses. It is deliberately not a scripting
// engine: anything else is refused with a 400 naming what was found, rather than guessed at.
//
// Booleans are numbers (true = 1, false = 0); a comparison with NaN (a gap) is false.
// A compiled expression is immutable: evaluate it from any thread.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "index/status.h"

namespace quarry::query::aggs {

class ScriptExpr {
 public:
  // `vars` are the names the script may read (buckets_path keys, then script params), in the
  // order eval() receives their values. Errors: kParsing naming the unsupported construct or
  // the unknown variable.
  static Result<ScriptExpr> compile(const std::string& source, const std::vector<std::string>& vars,
                                    const std::string& agg_type);
  double eval(const std::vector<double>& values) const;

  enum class Op { kConst, kVar, kNeg, kNot, kAdd, kSub, kMul, kDiv, kMod, kLt, kLe, kGt, kGe, kEq, kNe, kAnd, kOr };
  struct Node {
    Op op;
    double value = 0;  // kConst
    int var = -1;      // kVar
    int lhs = -1, rhs = -1;
  };

 private:
  double eval_node(int n, const std::vector<double>& values) const;
  std::vector<Node> nodes_;
  int root_ = -1;
  friend class ScriptParser;
};

}  // namespace quarry::query::aggs
