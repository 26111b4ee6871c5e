#include "index/tokenizers.h"

#include <xapian.h>

namespace quarry::index {

const char* token_type_name(TokenType t) {
  switch (t) {
    case TokenType::kAlphanum: return "<ALPHANUM>";
    case TokenType::kNum: return "<NUM>";
    case TokenType::kIdeographic: return "<IDEOGRAPHIC>";
    case TokenType::kHiragana: return "<HIRAGANA>";
    case TokenType::kKatakana: return "<KATAKANA>";
    case TokenType::kHangul: return "<HANGUL>";
    case TokenType::kWord: return "word";
  }
  return "word";
}

namespace unicode {

unsigned decode_multibyte(std::string_view s, size_t pos, unsigned& len) {
  auto b = static_cast<unsigned char>(s[pos]);
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

namespace {

bool is_han(unsigned cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2FFFF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x3005 && cp <= 0x3007);
}

bool is_hiragana(unsigned cp) { return cp >= 0x3040 && cp <= 0x309F; }

bool is_katakana(unsigned cp) {
  return (cp >= 0x30A0 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF) || (cp >= 0xFF66 && cp <= 0xFF9F);
}

bool is_hangul(unsigned cp) {
  return (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3130 && cp <= 0x318F);
}

}  // namespace

WordClass classify_non_ascii(unsigned cp) {
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
  if (is_han(cp)) return WordClass::kIdeographic;
  if (is_hiragana(cp)) return WordClass::kHiragana;
  if (is_hangul(cp)) return WordClass::kHangul;
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

bool is_letter_non_ascii(unsigned cp) {
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

bool is_space_non_ascii(unsigned cp) {
  if (cp == 0x00A0 || cp == 0x2007 || cp == 0x202F) return false;  // Java: non-breaking is not whitespace
  return Xapian::Unicode::is_whitespace(cp);
}

}  // namespace unicode
}  // namespace quarry::index
