#include "index/analysis.h"

#include <xapian.h>

namespace quarry::index {
namespace {

// Elasticsearch's max_token_length default for the standard, simple and whitespace tokenizers.
constexpr unsigned kMaxTokenChars = 255;

enum class Analyzer { kStandard, kSimple, kWhitespace, kKeyword };

Analyzer resolve(std::string_view name) {
  if (name == "simple") return Analyzer::kSimple;
  if (name == "whitespace") return Analyzer::kWhitespace;
  if (name == "keyword") return Analyzer::kKeyword;
  return Analyzer::kStandard;
}

// Decodes one code point at `pos`; invalid or truncated sequences decode as one byte of U+FFFD,
// so arbitrary bytes never stop the scan.
unsigned decode(std::string_view s, size_t pos, unsigned& len) {
  auto b = static_cast<unsigned char>(s[pos]);
  if (b < 0x80) {
    len = 1;
    return b;
  }
  unsigned need, cp;
  if ((b & 0xE0) == 0xC0) {
    need = 1;
    cp = b & 0x1F;
  } else if ((b & 0xF0) == 0xE0) {
    need = 2;
    cp = b & 0x0F;
  } else if ((b & 0xF8) == 0xF0) {
    need = 3;
    cp = b & 0x07;
  } else {
    len = 1;
    return 0xFFFD;
  }
  if (pos + need >= s.size()) {
    len = 1;
    return 0xFFFD;
  }
  for (unsigned i = 1; i <= need; ++i) {
    auto c = static_cast<unsigned char>(s[pos + i]);
    if ((c & 0xC0) != 0x80) {
      len = 1;
      return 0xFFFD;
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  len = need + 1;
  return cp;
}

// Word-break classes of Unicode UAX #29, reduced to what the standard tokenizer needs.
enum class WordClass {
  kOther,
  kLetter,        // ALetter / Hebrew_Letter (Hangul included)
  kNumeric,
  kKatakana,
  kIdeographic,   // Han and Hiragana: one token per character, as Lucene emits them
  kExtendNumLet,  // "_" and other connector punctuation
  kExtend,        // combining marks and format characters: stick to the previous character
  kMidLetter,     // ":" "·" ...: joins letters
  kMidNum,        // "," ";" ...: joins digits
  kMidNumLet,     // "." "'" "’" ...: joins letters or digits
};

bool is_han_or_hiragana(unsigned cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x20000 && cp <= 0x2FFFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0x3040 && cp <= 0x309F) || (cp >= 0x3005 && cp <= 0x3007);
}

bool is_katakana(unsigned cp) {
  return (cp >= 0x30A0 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF) ||
         (cp >= 0xFF66 && cp <= 0xFF9F);
}

WordClass classify(unsigned cp) {
  if (cp < 0x80) {
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) return WordClass::kLetter;
    if (cp >= '0' && cp <= '9') return WordClass::kNumeric;
    switch (cp) {
      case '_': return WordClass::kExtendNumLet;
      case '\'':
      case '.': return WordClass::kMidNumLet;
      case ',':
      case ';': return WordClass::kMidNum;
      case ':': return WordClass::kMidLetter;
      default: return WordClass::kOther;
    }
  }
  switch (cp) {
    case 0x2018: case 0x2019: case 0x2024: case 0xFE52: case 0xFF07: case 0xFF0E:
      return WordClass::kMidNumLet;
    case 0x00B7: case 0x0387: case 0x05F4: case 0x2027: case 0xFE13: case 0xFE55: case 0xFF1A:
      return WordClass::kMidLetter;
    case 0x037E: case 0x0589: case 0x060C: case 0x060D: case 0x066C: case 0x07F8: case 0x2044:
    case 0xFE10: case 0xFE14: case 0xFE50: case 0xFE54: case 0xFF0C: case 0xFF1B:
      return WordClass::kMidNum;
    default: break;
  }
  if (is_katakana(cp)) return WordClass::kKatakana;
  if (is_han_or_hiragana(cp)) return WordClass::kIdeographic;
  using C = Xapian::Unicode::category;
  switch (Xapian::Unicode::get_category(cp)) {
    case C::UPPERCASE_LETTER:
    case C::LOWERCASE_LETTER:
    case C::TITLECASE_LETTER:
    case C::MODIFIER_LETTER:
    case C::OTHER_LETTER:
    case C::LETTER_NUMBER:
      return WordClass::kLetter;
    case C::DECIMAL_DIGIT_NUMBER:
      return WordClass::kNumeric;
    case C::NON_SPACING_MARK:
    case C::ENCLOSING_MARK:
    case C::COMBINING_SPACING_MARK:
    case C::FORMAT:
      return WordClass::kExtend;
    case C::CONNECTOR_PUNCTUATION:
      return WordClass::kExtendNumLet;
    default:
      return WordClass::kOther;
  }
}

bool is_word_body(WordClass c) {
  return c == WordClass::kLetter || c == WordClass::kNumeric || c == WordClass::kExtendNumLet ||
         c == WordClass::kKatakana;
}

// Whether `next` continues a word whose last (non-Extend) character has class `prev`.
bool joins(WordClass prev, WordClass next) {
  if (next == WordClass::kExtendNumLet || prev == WordClass::kExtendNumLet) return is_word_body(next);
  if (prev == WordClass::kKatakana || next == WordClass::kKatakana) return prev == next;
  return is_word_body(next);
}

// Whether `mid` between `prev` and `after` keeps one word ("don't", "3.14", "1,000", "U.S.A").
bool mid_joins(WordClass prev, WordClass mid, WordClass after) {
  if (prev == WordClass::kLetter && after == WordClass::kLetter)
    return mid == WordClass::kMidLetter || mid == WordClass::kMidNumLet;
  if (prev == WordClass::kNumeric && after == WordClass::kNumeric)
    return mid == WordClass::kMidNum || mid == WordClass::kMidNumLet;
  return false;
}

bool is_space(unsigned cp) {
  if (cp < 0x80) return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F);
  if (cp == 0x00A0 || cp == 0x2007 || cp == 0x202F) return false;  // Java: non-breaking is not whitespace
  return Xapian::Unicode::is_whitespace(cp);
}

bool is_letter(unsigned cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  using C = Xapian::Unicode::category;
  switch (Xapian::Unicode::get_category(cp)) {
    case C::UPPERCASE_LETTER:
    case C::LOWERCASE_LETTER:
    case C::TITLECASE_LETTER:
    case C::MODIFIER_LETTER:
    case C::OTHER_LETTER:
      return true;
    default:
      return false;
  }
}

// Emits the token text[start, end) split into chunks of at most kMaxTokenChars code points,
// lowercased if asked. `term` is the reused output buffer.
class Emitter {
 public:
  Emitter(std::string_view text, detail::TokenSink sink, void* ctx) : text_(text), sink_(sink), ctx_(ctx) {
    term_.reserve(64);
  }

  void emit(size_t start, size_t end, bool lowercase) {
    term_.clear();
    size_t chunk_start = start;
    unsigned chars = 0;
    size_t pos = start;
    while (pos < end) {
      unsigned len;
      unsigned cp = decode(text_, pos, len);
      if (chars == kMaxTokenChars) {
        flush(chunk_start, pos);
        chunk_start = pos;
        chars = 0;
      }
      if (cp < 0x80) {
        char c = static_cast<char>(cp);
        if (lowercase && c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
        term_.push_back(c);
      } else if (lowercase) {
        Xapian::Unicode::append_utf8(term_, Xapian::Unicode::tolower(cp));
      } else if (cp == 0xFFFD && len == 1) {
        term_.append(text_.substr(pos, 1));  // keep invalid bytes as they are
      } else {
        term_.append(text_.substr(pos, len));
      }
      pos += len;
      ++chars;
    }
    if (chars > 0) flush(chunk_start, end);
  }

 private:
  void flush(size_t start, size_t end) {
    sink_(ctx_, term_, position_++, static_cast<unsigned>(start), static_cast<unsigned>(end));
    term_.clear();
  }

  std::string_view text_;
  detail::TokenSink sink_;
  void* ctx_;
  std::string term_;
  unsigned position_ = 0;
};

void tokenize_standard(std::string_view text, Emitter& out) {
  size_t pos = 0;
  const size_t n = text.size();
  while (pos < n) {
    unsigned len;
    unsigned cp = decode(text, pos, len);
    WordClass c = classify(cp);
    if (c == WordClass::kIdeographic) {
      size_t end = pos + len;
      while (end < n) {  // trailing combining marks belong to the character
        unsigned l2;
        if (classify(decode(text, end, l2)) != WordClass::kExtend) break;
        end += l2;
      }
      out.emit(pos, end, true);
      pos = end;
      continue;
    }
    if (!is_word_body(c)) {
      pos += len;
      continue;
    }
    size_t start = pos;
    size_t end = pos + len;
    WordClass last = c;
    bool has_alnum = c != WordClass::kExtendNumLet;
    while (end < n) {
      unsigned l2;
      WordClass c2 = classify(decode(text, end, l2));
      if (c2 == WordClass::kExtend) {
        end += l2;
        continue;
      }
      if (joins(last, c2)) {
        end += l2;
        last = c2;
        has_alnum |= c2 != WordClass::kExtendNumLet;
        continue;
      }
      if ((c2 == WordClass::kMidLetter || c2 == WordClass::kMidNum || c2 == WordClass::kMidNumLet) &&
          end + l2 < n) {
        unsigned l3;
        WordClass c3 = classify(decode(text, end + l2, l3));
        if (mid_joins(last, c2, c3)) {
          end += l2 + l3;
          last = c3;
          continue;
        }
      }
      break;
    }
    if (has_alnum) out.emit(start, end, true);
    pos = end;
  }
}

// Splits into runs of characters satisfying `in_token` (simple: letters; whitespace: non-space).
template <typename Pred>
void tokenize_runs(std::string_view text, Emitter& out, bool lowercase, Pred in_token) {
  size_t pos = 0;
  const size_t n = text.size();
  while (pos < n) {
    unsigned len;
    if (!in_token(decode(text, pos, len))) {
      pos += len;
      continue;
    }
    size_t start = pos;
    pos += len;
    while (pos < n) {
      unsigned l2;
      if (!in_token(decode(text, pos, l2))) break;
      pos += l2;
    }
    out.emit(start, pos, lowercase);
  }
}

}  // namespace

namespace detail {

void analyze_into(std::string_view analyzer, std::string_view text, TokenSink sink, void* ctx) {
  Emitter out(text, sink, ctx);
  switch (resolve(analyzer)) {
    case Analyzer::kStandard:
      tokenize_standard(text, out);
      break;
    case Analyzer::kSimple:
      tokenize_runs(text, out, true, [](unsigned cp) { return is_letter(cp); });
      break;
    case Analyzer::kWhitespace:
      tokenize_runs(text, out, false, [](unsigned cp) { return !is_space(cp); });
      break;
    case Analyzer::kKeyword:
      if (!text.empty()) sink(ctx, std::string(text), 0, 0, static_cast<unsigned>(text.size()));
      break;
  }
}

}  // namespace detail

std::vector<Token> analyze(std::string_view analyzer, std::string_view text) {
  std::vector<Token> tokens;
  analyze_each_with_offsets(analyzer, text,
                            [&](const std::string& term, unsigned pos, unsigned start, unsigned end) {
                              tokens.push_back(Token{term, pos, start, end});
                            });
  return tokens;
}

bool is_known_analyzer(std::string_view name) {
  return name.empty() || name == "standard" || name == "simple" || name == "whitespace" ||
         name == "keyword" || name == "default";
}

}  // namespace quarry::index
