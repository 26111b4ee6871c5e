// Tokenizers: text -> spans of bytes, as Elasticsearch's `standard`, `letter`, `lowercase`,
// `whitespace` and `keyword` tokenizers split it. The spans are handed to a token stream
// (index/analysis_pipeline.h), which copies, filters and emits them.
//
// The per-character work is inline templates so the hot indexing loop has no call per character
// and none per token besides the stream's own push. Stateless and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace quarry::index {

// The "type" of a token as Elasticsearch's _analyze reports it.
enum class TokenType : uint8_t { kAlphanum, kNum, kIdeographic, kHiragana, kKatakana, kHangul, kWord };
const char* token_type_name(TokenType t);  // "<ALPHANUM>", "<NUM>", ..., "word"

enum class TokenizerKind : uint8_t { kStandard, kLetter, kLowercase, kWhitespace, kKeyword };

struct TokenizerSpec {
  TokenizerKind kind = TokenizerKind::kStandard;
  // Elasticsearch's max_token_length (standard, letter, lowercase, whitespace): longer tokens are
  // split into pieces of this many code points.
  unsigned max_token_length = 255;
};

namespace unicode {

unsigned decode_multibyte(std::string_view s, size_t pos, unsigned& len);

// Decodes one code point at `pos`; invalid or truncated sequences decode as one byte of U+FFFD,
// so arbitrary bytes never stop the scan.
inline unsigned decode(std::string_view s, size_t pos, unsigned& len) {
  auto b = static_cast<unsigned char>(s[pos]);
  if (b < 0x80) {
    len = 1;
    return b;
  }
  return decode_multibyte(s, pos, len);
}

// Word-break classes of Unicode UAX #29, reduced to what the standard tokenizer needs.
enum class WordClass : uint8_t {
  kOther,
  kLetter,        // ALetter / Hebrew_Letter
  kHangul,        // Hangul syllables and jamo (a letter; tokens of them are <HANGUL>)
  kNumeric,
  kKatakana,
  kIdeographic,   // Han: one token per character, as Lucene emits them
  kHiragana,      // one token per character too
  kExtendNumLet,  // "_" and other connector punctuation
  kExtend,        // combining marks and format characters: stick to the previous character
  kMidLetter,     // ":" "·" ...: joins letters
  kMidNum,        // "," ";" ...: joins digits
  kMidNumLet,     // "." "'" "’" ...: joins letters or digits
};

WordClass classify_non_ascii(unsigned cp);
bool is_letter_non_ascii(unsigned cp);
bool is_space_non_ascii(unsigned cp);

inline WordClass classify(unsigned cp) {
  if (cp >= 0x80) return classify_non_ascii(cp);
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

inline bool is_letter(unsigned cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  return is_letter_non_ascii(cp);
}

// Java's Character.isWhitespace, which Lucene's whitespace tokenizer uses.
inline bool is_space(unsigned cp) {
  if (cp < 0x80) return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F);
  return is_space_non_ascii(cp);
}

}  // namespace unicode

namespace detail {

// Hands [start, end) to `out.push` in pieces of at most `max_chars` code points.
template <typename Out>
void push_span(std::string_view text, size_t start, size_t end, TokenType type, unsigned max_chars, Out& out) {
  if (end - start <= max_chars) {  // bytes >= code points: no need to count
    out.push(start, end, type);
    return;
  }
  size_t piece = start;
  unsigned chars = 0;
  for (size_t pos = start; pos < end;) {
    unsigned len;
    unicode::decode(text, pos, len);
    if (chars == max_chars) {
      out.push(piece, pos, type);
      piece = pos;
      chars = 0;
    }
    pos += len;
    ++chars;
  }
  if (chars > 0) out.push(piece, end, type);
}

inline bool is_word_body(unicode::WordClass c) {
  using W = unicode::WordClass;
  return c == W::kLetter || c == W::kHangul || c == W::kNumeric || c == W::kExtendNumLet || c == W::kKatakana;
}

// Whether `next` continues a word whose last (non-Extend) character has class `prev`.
inline bool joins(unicode::WordClass prev, unicode::WordClass next) {
  using W = unicode::WordClass;
  if (next == W::kExtendNumLet || prev == W::kExtendNumLet) return is_word_body(next);
  if (prev == W::kKatakana || next == W::kKatakana) return prev == next;
  return is_word_body(next);
}

// Whether `mid` between `prev` and `after` keeps one word ("don't", "3.14", "1,000", "U.S.A").
inline bool mid_joins(unicode::WordClass prev, unicode::WordClass mid, unicode::WordClass after) {
  using W = unicode::WordClass;
  bool letters = (prev == W::kLetter || prev == W::kHangul) && (after == W::kLetter || after == W::kHangul);
  if (letters) return mid == W::kMidLetter || mid == W::kMidNumLet;
  if (prev == W::kNumeric && after == W::kNumeric) return mid == W::kMidNum || mid == W::kMidNumLet;
  return false;
}

template <typename Out>
void tokenize_standard(std::string_view text, unsigned max_chars, Out& out) {
  using W = unicode::WordClass;
  size_t pos = 0;
  const size_t n = text.size();
  while (pos < n) {
    unsigned len;
    W c = unicode::classify(unicode::decode(text, pos, len));
    if (c == W::kIdeographic || c == W::kHiragana) {
      size_t end = pos + len;
      while (end < n) {  // trailing combining marks belong to the character
        unsigned l2;
        if (unicode::classify(unicode::decode(text, end, l2)) != W::kExtend) break;
        end += l2;
      }
      out.push(pos, end, c == W::kIdeographic ? TokenType::kIdeographic : TokenType::kHiragana);
      pos = end;
      continue;
    }
    if (!is_word_body(c)) {
      pos += len;
      continue;
    }
    size_t start = pos;
    size_t end = pos + len;
    W last = c;
    bool has_letter = c == W::kLetter || c == W::kHangul || c == W::kKatakana;
    bool has_alnum = c != W::kExtendNumLet;
    while (end < n) {
      unsigned l2;
      W c2 = unicode::classify(unicode::decode(text, end, l2));
      if (c2 == W::kExtend) {
        end += l2;
        continue;
      }
      if (joins(last, c2)) {
        end += l2;
        last = c2;
        has_alnum |= c2 != W::kExtendNumLet;
        has_letter |= c2 == W::kLetter || c2 == W::kHangul;
        continue;
      }
      if ((c2 == W::kMidLetter || c2 == W::kMidNum || c2 == W::kMidNumLet) && end + l2 < n) {
        unsigned l3;
        W c3 = unicode::classify(unicode::decode(text, end + l2, l3));
        if (mid_joins(last, c2, c3)) {
          end += l2 + l3;
          last = c3;
          continue;
        }
      }
      break;
    }
    if (has_alnum) {
      TokenType type = !has_letter       ? TokenType::kNum
                       : c == W::kKatakana ? TokenType::kKatakana
                       : c == W::kHangul   ? TokenType::kHangul
                                           : TokenType::kAlphanum;
      push_span(text, start, end, type, max_chars, out);
    }
    pos = end;
  }
}

// Splits into runs of characters satisfying `in_token` (letter: letters; whitespace: non-space).
template <typename Out, typename Pred>
void tokenize_runs(std::string_view text, unsigned max_chars, Out& out, Pred in_token) {
  size_t pos = 0;
  const size_t n = text.size();
  while (pos < n) {
    unsigned len;
    if (!in_token(unicode::decode(text, pos, len))) {
      pos += len;
      continue;
    }
    size_t start = pos;
    pos += len;
    while (pos < n) {
      unsigned l2;
      if (!in_token(unicode::decode(text, pos, l2))) break;
      pos += l2;
    }
    push_span(text, start, pos, TokenType::kWord, max_chars, out);
  }
}

}  // namespace detail

// Runs the tokenizer over `text`, calling out.push(start, end, type) for each token in order.
template <typename Out>
void tokenize(const TokenizerSpec& spec, std::string_view text, Out& out) {
  switch (spec.kind) {
    case TokenizerKind::kStandard:
      detail::tokenize_standard(text, spec.max_token_length, out);
      break;
    case TokenizerKind::kLetter:
    case TokenizerKind::kLowercase:
      detail::tokenize_runs(text, spec.max_token_length, out, [](unsigned cp) { return unicode::is_letter(cp); });
      break;
    case TokenizerKind::kWhitespace:
      detail::tokenize_runs(text, spec.max_token_length, out, [](unsigned cp) { return !unicode::is_space(cp); });
      break;
    case TokenizerKind::kKeyword:
      if (!text.empty()) out.push(0, text.size(), TokenType::kWord);
      break;
  }
}

}  // namespace quarry::index
