#include "index/token_filters.h"

#include <xapian.h>

#include <array>
#include <cctype>
#include <map>
#include <vector>

#include "index/tokenizers.h"

namespace quarry::index {
namespace {

bool is_ascii(const std::string& s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Rewrites `term` code point by code point through `map(cp, out)`; invalid bytes are kept as is.
template <typename Map>
void rewrite(std::string& term, std::string& scratch, Map map) {
  scratch.clear();
  std::string_view s(term);
  for (size_t pos = 0; pos < s.size();) {
    unsigned len;
    unsigned cp = unicode::decode(s, pos, len);
    if (cp == 0xFFFD && len == 1 && static_cast<unsigned char>(s[pos]) >= 0x80) {
      scratch.push_back(s[pos]);
    } else {
      map(cp, scratch);
    }
    pos += len;
  }
  term.swap(scratch);
}

void lowercase(std::string& term, std::string& scratch) {
  if (is_ascii(term)) {
    for (char& c : term) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    return;
  }
  rewrite(term, scratch, [](unsigned cp, std::string& out) { Xapian::Unicode::append_utf8(out, Xapian::Unicode::tolower(cp)); });
}

void uppercase(std::string& term, std::string& scratch) {
  if (is_ascii(term)) {
    for (char& c : term) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    }
    return;
  }
  rewrite(term, scratch, [](unsigned cp, std::string& out) { Xapian::Unicode::append_utf8(out, Xapian::Unicode::toupper(cp)); });
}

// ASCII equivalents of U+00C0..U+017F (Latin-1 Supplement letters and Latin Extended-A), as
// Lucene's ASCIIFoldingFilter folds them; nullptr = no folding (× and ÷).
constexpr const char* kLatinFold[] = {
    // U+00C0
    "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I",
    // U+00D0
    "D", "N", "O", "O", "O", "O", "O", nullptr, "O", "U", "U", "U", "U", "Y", "TH", "ss",
    // U+00E0
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    // U+00F0
    "d", "n", "o", "o", "o", "o", "o", nullptr, "o", "u", "u", "u", "u", "y", "th", "y",
    // U+0100
    "A", "a", "A", "a", "A", "a", "C", "c", "C", "c", "C", "c", "C", "c", "D", "d",
    // U+0110
    "D", "d", "E", "e", "E", "e", "E", "e", "E", "e", "E", "e", "G", "g", "G", "g",
    // U+0120
    "G", "g", "G", "g", "H", "h", "H", "h", "I", "i", "I", "i", "I", "i", "I", "i",
    // U+0130
    "I", "i", "IJ", "ij", "J", "j", "K", "k", "q", "L", "l", "L", "l", "L", "l", "L",
    // U+0140
    "l", "L", "l", "N", "n", "N", "n", "N", "n", "'n", "N", "n", "O", "o", "O", "o",
    // U+0150
    "O", "o", "OE", "oe", "R", "r", "R", "r", "R", "r", "S", "s", "S", "s", "S", "s",
    // U+0160
    "S", "s", "T", "t", "T", "t", "T", "t", "U", "u", "U", "u", "U", "u", "U", "u",
    // U+0170
    "U", "u", "U", "u", "W", "w", "Y", "y", "Y", "Z", "z", "Z", "z", "Z", "z", "s",
};
static_assert(sizeof(kLatinFold) / sizeof(kLatinFold[0]) == 0x180 - 0xC0);

const char* fold(unsigned cp) {
  if (cp >= 0xC0 && cp < 0x180) return kLatinFold[cp - 0xC0];
  switch (cp) {
    case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032: case 0x2035: return "'";
    case 0x201C: case 0x201D: case 0x201E: case 0x00AB: case 0x00BB: case 0x2033: return "\"";
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2212: return "-";
    case 0x2026: return "...";
    case 0x00B2: return "2";
    case 0x00B3: return "3";
    case 0x00B9: return "1";
    case 0x00AA: return "a";
    case 0x00BA: return "o";
    case 0x0180: return "b";
    case 0x0192: return "f";
    case 0x01A0: return "O";
    case 0x01A1: return "o";
    case 0x01AF: return "U";
    case 0x01B0: return "u";
    case 0x0218: return "S";
    case 0x0219: return "s";
    case 0x021A: return "T";
    case 0x021B: return "t";
    case 0x1E9E: return "SS";
    case 0xFB00: return "ff";
    case 0xFB01: return "fi";
    case 0xFB02: return "fl";
    case 0xFB03: return "ffi";
    case 0xFB04: return "ffl";
    case 0xFB06: return "st";
    default: return nullptr;
  }
}

void ascii_fold(std::string& term, std::string& scratch) {
  if (is_ascii(term)) return;
  rewrite(term, scratch, [](unsigned cp, std::string& out) {
    if (const char* f = fold(cp)) {
      out += f;
    } else {
      Xapian::Unicode::append_utf8(out, cp);
    }
  });
}

// Lucene's EnglishPossessiveFilter: "dog's" -> "dog" ('s after ', U+2019 or U+FF07).
void strip_possessive(std::string& term) {
  size_t n = term.size();
  if (n < 2 || (term[n - 1] != 's' && term[n - 1] != 'S')) return;
  if (term[n - 2] == '\'') {
    term.resize(n - 2);
  } else if (n >= 4 && term.compare(n - 4, 3, "\xE2\x80\x99") == 0) {
    term.resize(n - 4);
  } else if (n >= 4 && term.compare(n - 4, 3, "\xEF\xBC\x87") == 0) {
    term.resize(n - 4);
  }
}

unsigned code_points(const std::string& s) {
  unsigned n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

const std::vector<std::string>& stemmer_languages() {
  static const std::vector<std::string> kLanguages = [] {
    std::vector<std::string> out;
    std::string all = Xapian::Stem::get_available_languages();
    size_t pos = 0;
    while (pos < all.size()) {
      size_t sp = all.find(' ', pos);
      if (sp == std::string::npos) sp = all.size();
      if (sp > pos) out.push_back(all.substr(pos, sp - pos));
      pos = sp + 1;
    }
    return out;
  }();
  return kLanguages;
}

void stem(int id, std::string& term) {
  // Xapian::Stem objects share state between calls: one per thread and language.
  thread_local std::vector<std::unique_ptr<Xapian::Stem>> stemmers;
  if (stemmers.size() <= static_cast<size_t>(id)) stemmers.resize(stemmer_languages().size());
  auto& s = stemmers[id];
  if (!s) s = std::make_unique<Xapian::Stem>(stemmer_languages()[id]);
  term = (*s)(term);
}

std::shared_ptr<const StopSet> make_stopset(std::initializer_list<const char*> words) {
  auto set = std::make_shared<StopSet>();
  for (const char* w : words) set->insert(w);
  return set;
}

}  // namespace

FilterResult apply_filter(const FilterSpec& f, std::string& term, std::string& scratch) {
  switch (f.kind) {
    case FilterKind::kLowercase:
      lowercase(term, scratch);
      return FilterResult::kKeep;
    case FilterKind::kUppercase:
      uppercase(term, scratch);
      return FilterResult::kKeep;
    case FilterKind::kStop:
      if (f.ignore_case) {
        scratch = term;
        std::string spare;
        lowercase(scratch, spare);
        return f.stopwords->count(scratch) ? FilterResult::kDropHole : FilterResult::kKeep;
      }
      return f.stopwords->count(term) ? FilterResult::kDropHole : FilterResult::kKeep;
    case FilterKind::kStemmer:
      stem(f.stemmer, term);
      return FilterResult::kKeep;
    case FilterKind::kPossessive:
      strip_possessive(term);
      return FilterResult::kKeep;
    case FilterKind::kAsciiFolding:
      ascii_fold(term, scratch);
      return FilterResult::kKeep;
    case FilterKind::kLength: {
      unsigned n = code_points(term);
      return n < f.min || n > f.max ? FilterResult::kDropHole : FilterResult::kKeep;
    }
    case FilterKind::kUnique:
      return FilterResult::kKeep;  // stateful: the token stream applies it
  }
  return FilterResult::kKeep;
}

int stemmer_id(std::string_view xapian_language) {
  const auto& langs = stemmer_languages();
  for (size_t i = 0; i < langs.size(); ++i) {
    if (langs[i] == xapian_language) return static_cast<int>(i);
  }
  return -1;
}

int stemmer_for_es_language(std::string_view language) {
  // Elasticsearch's `stemmer` languages whose algorithm Xapian has (Snowball unless noted).
  static const std::map<std::string_view, std::string_view> kAliases = {
      {"english", "porter"},     // Lucene's PorterStemFilter
      {"porter2", "english"},    // Snowball English
      {"dutch_kp", "kraaij_pohlmann"},
      {"lovins", "lovins"},
      {"german2", "german2"},
  };
  if (auto it = kAliases.find(language); it != kAliases.end()) return stemmer_id(it->second);
  if (language == "porter" || language == "earlyenglish" || language == "kraaij_pohlmann") return -1;
  return stemmer_id(language);
}

int stemmer_for_snowball_language(std::string_view language) {
  std::string lower;
  for (char c : language) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "kp") return stemmer_id("kraaij_pohlmann");
  return stemmer_id(lower);
}

std::shared_ptr<const StopSet> predefined_stopwords(std::string_view name) {
  // Lucene's EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, Elasticsearch's `_english_`.
  static const auto kEnglish = make_stopset({"a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if",
                                             "in", "into", "is", "it", "no", "not", "of", "on", "or", "such", "that",
                                             "the", "their", "then", "there", "these", "they", "this", "to", "was",
                                             "will", "with"});
  static const auto kNone = std::make_shared<const StopSet>();
  if (name == "_english_") return kEnglish;
  if (name == "_none_") return kNone;
  return nullptr;
}

}  // namespace quarry::index
