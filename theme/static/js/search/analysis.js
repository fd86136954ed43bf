/* French analysis: a line-by-line port of plugins/archive_search/analysis.py.
   fold each character, cut tokens, drop elisions, Snowball French stemming.
   tests/test_search_analysis.py runs both on the same words and compares. */
(function (root) {
  "use strict";
  var APOSTROPHES = { "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": "'" };
  var LIGATURES = { "\u0153": "oe", "\u00e6": "ae", "\u00df": "ss", "\u03c2": "\u03c3" };
  var ELISIONS = { l: 1, d: 1, qu: 1, j: 1, n: 1, s: 1, c: 1, m: 1, t: 1,
    jusqu: 1, lorsqu: 1, puisqu: 1, quoiqu: 1 };
  var MARK = /\p{Mn}/u;
  var TOKEN = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu;
  var foldCache = new Map();

  function foldChar(ch) {
    var hit = foldCache.get(ch);
    if (hit !== undefined) return hit;
    var c = APOSTROPHES[ch] || ch;
    var out = "";
    for (var d of c.normalize("NFKD").toLowerCase()) {
      if (MARK.test(d)) continue;
      out += LIGATURES[d] || d;
    }
    foldCache.set(ch, out);
    return out;
  }

  function fold(text) {
    var out = "";
    for (var ch of text) out += foldChar(ch);
    return out;
  }

  function unelide(token) {
    if (token.indexOf("'") < 0) return token;
    var cut = token.indexOf("'");
    if (ELISIONS[token.slice(0, cut)] === 1) token = token.slice(cut + 1);
    return token.split("'").join("");
  }

  /* Snowball French (Whoosh's port, quirks included: "x in r2" is a substring test). */
  var V = "aeiouy\u00e2\u00e0\u00eb\u00e9\u00ea\u00e8\u00ef\u00ee\u00f4\u00fb\u00f9";
  var S1 = ["issements", "issement", "atrices", "atrice", "ateurs", "ations", "logies",
    "usions", "utions", "ements", "amment", "emment", "ances", "iqUes", "ismes", "ables",
    "istes", "ateur", "ation", "logie", "usion", "ution", "ences", "ement", "euses", "ments",
    "ance", "iqUe", "isme", "able", "iste", "ence", "it\u00e9s", "ives", "eaux", "euse",
    "ment", "eux", "it\u00e9", "ive", "ifs", "aux", "if"];
  var S2A = ["issaIent", "issantes", "iraIent", "issante", "issants", "issions", "irions",
    "issais", "issait", "issant", "issent", "issiez", "issons", "irais", "irait", "irent",
    "iriez", "irons", "iront", "isses", "issez", "\u00eemes", "\u00eetes", "irai", "iras",
    "irez", "isse", "ies", "ira", "\u00eet", "ie", "ir", "is", "it", "i"];
  var S2B = ["eraIent", "assions", "erions", "assent", "assiez", "\u00e8rent", "erais",
    "erait", "eriez", "erons", "eront", "aIent", "antes", "asses", "ions", "erai", "eras",
    "erez", "\u00e2mes", "\u00e2tes", "ante", "ants", "asse", "\u00e9es", "era", "iez", "ais",
    "ait", "ant", "\u00e9e", "\u00e9s", "er", "ez", "\u00e2t", "ai", "as", "\u00e9", "a"];
  var S2B_E = ["eraIent", "erions", "\u00e8rent", "erais", "erait", "eriez", "erons", "eront",
    "erai", "eras", "erez", "\u00e9es", "era", "iez", "\u00e9e", "\u00e9s", "er", "ez", "\u00e9"];
  var S2B_A = ["assions", "assent", "assiez", "aIent", "antes", "asses", "\u00e2mes",
    "\u00e2tes", "ante", "ants", "asse", "ais", "ait", "ant", "\u00e2t", "ai", "as", "a"];
  var S4 = ["i\u00e8re", "I\u00e8re", "ion", "ier", "Ier", "e", "\u00eb"];
  var S1_R2 = ["ance", "iqUe", "isme", "able", "iste", "eux", "ances", "iqUes", "ismes",
    "ables", "istes"];

  function isV(ch) { return ch !== undefined && ch.length === 1 && V.indexOf(ch) >= 0; }
  /* Python's s[i]: negative from the end, IndexError when out of range. */
  function at(s, i) {
    var j = i < 0 ? s.length + i : i;
    if (j < 0 || j >= s.length) throw new RangeError("index");
    return s.charAt(j);
  }
  function has(list, x) { return list.indexOf(x) >= 0; }
  function cut(s, n) { return s.slice(0, s.length - n); }
  function ends(s, x) { return s.length >= x.length && s.slice(s.length - x.length) === x; }

  function r1r2(word) {
    var r1 = "", r2 = "", i;
    for (i = 1; i < word.length; i++) {
      if (!isV(word[i]) && isV(word[i - 1])) { r1 = word.slice(i + 1); break; }
    }
    for (i = 1; i < r1.length; i++) {
      if (!isV(r1[i]) && isV(r1[i - 1])) { r2 = r1.slice(i + 1); break; }
    }
    return [r1, r2];
  }

  function rvFrench(word) {
    var rv = "";
    if (word.length >= 2) {
      if (/^(par|col|tap)/.test(word) || (isV(word[0]) && isV(word[1]))) {
        rv = word.slice(3);
      } else {
        for (var i = 1; i < word.length; i++) {
          if (isV(word[i])) { rv = word.slice(i + 1); break; }
        }
      }
    }
    return rv;
  }

  function stemWord(word) {
    word = word.toLowerCase();
    var s1 = false, rvEnd = false, s2a = false, s2b = false, i, sfx, k;
    var w = word.split("");
    for (i = 1; i < w.length; i++) if (w[i - 1] === "q" && w[i] === "u") w[i] = "U";
    for (i = 1; i < w.length - 1; i++) {
      if (isV(w[i - 1]) && isV(w[i + 1])) {
        if (w[i] === "u") w[i] = "U";
        else if (w[i] === "i") w[i] = "I";
      }
      if (isV(w[i - 1]) || isV(w[i + 1])) {
        if (w[i] === "y") w[i] = "Y";
      }
    }
    word = w.join("");
    var rr = r1r2(word), r1 = rr[0], r2 = rr[1];
    var rv = rvFrench(word);

    for (k = 0; k < S1.length; k++) {
      sfx = S1[k];
      if (!ends(word, sfx)) continue;
      if (sfx === "eaux") {
        word = cut(word, 1); s1 = true;
      } else if (sfx === "euse" || sfx === "euses") {
        if (r2.indexOf(sfx) >= 0) { word = cut(word, sfx.length); s1 = true; }
        else if (r1.indexOf(sfx) >= 0) { word = cut(word, sfx.length) + "eux"; s1 = true; }
      } else if ((sfx === "ement" || sfx === "ements") && rv.indexOf(sfx) >= 0) {
        word = cut(word, sfx.length); s1 = true;
        if (word.slice(-2) === "iv" && r2.indexOf("iv") >= 0) {
          word = cut(word, 2);
          if (word.slice(-2) === "at" && r2.indexOf("at") >= 0) word = cut(word, 2);
        } else if (word.slice(-3) === "eus") {
          if (r2.indexOf("eus") >= 0) word = cut(word, 3);
          else if (r1.indexOf("eus") >= 0) word = cut(word, 1) + "x";
        } else if (word.slice(-3) === "abl" || word.slice(-3) === "iqU") {
          if (r2.indexOf("abl") >= 0 || r2.indexOf("iqU") >= 0) word = cut(word, 3);
        } else if (word.slice(-3) === "i\u00e8r" || word.slice(-3) === "I\u00e8r") {
          if (rv.indexOf("i\u00e8r") >= 0 || rv.indexOf("I\u00e8r") >= 0) word = cut(word, 3) + "i";
        }
      } else if (sfx === "amment" && rv.indexOf(sfx) >= 0) {
        word = cut(word, 6) + "ant"; rv = cut(rv, 6) + "ant"; rvEnd = true;
      } else if (sfx === "emment" && rv.indexOf(sfx) >= 0) {
        word = cut(word, 6) + "ent"; rvEnd = true;
      } else if ((sfx === "ment" || sfx === "ments") && rv.indexOf(sfx) >= 0 &&
                 rv.slice(0, sfx.length) !== sfx && isV(at(rv, rv.lastIndexOf(sfx) - 1))) {
        word = cut(word, sfx.length); rv = cut(rv, sfx.length); rvEnd = true;
      } else if (sfx === "aux" && r1.indexOf(sfx) >= 0) {
        word = cut(word, 2) + "l"; s1 = true;
      } else if ((sfx === "issement" || sfx === "issements") && r1.indexOf(sfx) >= 0 &&
                 !isV(at(word, -sfx.length - 1))) {
        word = cut(word, sfx.length); s1 = true;
      } else if (has(S1_R2, sfx) && r2.indexOf(sfx) >= 0) {
        word = cut(word, sfx.length); s1 = true;
      } else if (has(["atrice", "ateur", "ation", "atrices", "ateurs", "ations"], sfx) &&
                 r2.indexOf(sfx) >= 0) {
        word = cut(word, sfx.length); s1 = true;
        if (word.slice(-2) === "ic") {
          if (r2.indexOf("ic") >= 0) word = cut(word, 2);
          else word = cut(word, 2) + "iqU";
        }
      } else if ((sfx === "logie" || sfx === "logies") && r2.indexOf(sfx) >= 0) {
        word = cut(word, sfx.length) + "log"; s1 = true;
      } else if (has(["usion", "ution", "usions", "utions"], sfx) && r2.indexOf(sfx) >= 0) {
        word = cut(word, sfx.length) + "u"; s1 = true;
      } else if ((sfx === "ence" || sfx === "ences") && r2.indexOf(sfx) >= 0) {
        word = cut(word, sfx.length) + "ent"; s1 = true;
      } else if ((sfx === "it\u00e9" || sfx === "it\u00e9s") && r2.indexOf(sfx) >= 0) {
        word = cut(word, sfx.length); s1 = true;
        if (word.slice(-4) === "abil") {
          if (r2.indexOf("abil") >= 0) word = cut(word, 4);
          else word = cut(word, 2) + "l";
        } else if (word.slice(-2) === "ic") {
          if (r2.indexOf("ic") >= 0) word = cut(word, 2);
          else word = cut(word, 2) + "iqU";
        } else if (word.slice(-2) === "iv") {
          if (r2.indexOf("iv") >= 0) word = cut(word, 2);
        }
      } else if (has(["if", "ive", "ifs", "ives"], sfx) && r2.indexOf(sfx) >= 0) {
        word = cut(word, sfx.length); s1 = true;
        if (word.slice(-2) === "at" && r2.indexOf("at") >= 0) {
          word = cut(word, 2);
          if (word.slice(-2) === "ic") {
            if (r2.indexOf("ic") >= 0) word = cut(word, 2);
            else word = cut(word, 2) + "iqU";
          }
        }
      }
      break;
    }

    if (!s1 || rvEnd) {
      for (k = 0; k < S2A.length; k++) {
        sfx = S2A[k];
        if (!ends(word, sfx)) continue;
        if (rv.indexOf(sfx) >= 0 && rv.length > sfx.length &&
            !isV(at(rv, rv.lastIndexOf(sfx) - 1))) {
          word = cut(word, sfx.length); s2a = true;
        }
        break;
      }
      if (!s2a) {
        for (k = 0; k < S2B.length; k++) {
          sfx = S2B[k];
          if (!ends(rv, sfx)) continue;
          if (sfx === "ions" && r2.indexOf("ions") >= 0) {
            word = cut(word, 4); s2b = true;
          } else if (has(S2B_E, sfx)) {
            word = cut(word, sfx.length); s2b = true;
          } else if (has(S2B_A, sfx)) {
            word = cut(word, sfx.length); rv = cut(rv, sfx.length); s2b = true;
            if (ends(rv, "e")) word = cut(word, 1);
          }
          break;
        }
      }
    }

    if (s1 || s2a || s2b) {
      if (at(word, -1) === "Y") word = cut(word, 1) + "i";
      else if (at(word, -1) === "\u00e7") word = cut(word, 1) + "c";
    } else {
      if (word.length >= 2 && at(word, -1) === "s" && "aiou\u00e8s".indexOf(at(word, -2)) < 0) {
        word = cut(word, 1);
      }
      for (k = 0; k < S4.length; k++) {
        sfx = S4[k];
        if (!ends(word, sfx)) continue;
        if (rv.indexOf(sfx) < 0) continue;
        if (sfx === "ion" && r2.indexOf(sfx) >= 0 && "st".indexOf(at(rv, -4)) >= 0) {
          word = cut(word, 3);
        } else if (has(["ier", "i\u00e8re", "Ier", "I\u00e8re"], sfx)) {
          word = cut(word, sfx.length) + "i";
        } else if (sfx === "e") {
          word = cut(word, 1);
        } else if (sfx === "\u00eb" && word.slice(-3, -1) === "gu") {
          word = cut(word, 1);
        }
        break;
      }
    }

    if (ends(word, "enn") || ends(word, "onn") || ends(word, "ett") || ends(word, "ell") ||
        ends(word, "eill")) {
      word = cut(word, 1);
    }

    for (i = 1; i < word.length; i++) {
      if (!isV(at(word, -i))) continue;
      if (i !== 1 && (at(word, -i) === "\u00e9" || at(word, -i) === "\u00e8")) {
        word = word.slice(0, word.length - i) + "e" + word.slice(word.length - i + 1);
      }
      break;
    }
    return word.replace(/I/g, "i").replace(/U/g, "u").replace(/Y/g, "y");
  }

  /* Words outside the Basic Multilingual Plane are left whole: JavaScript counts
     their characters twice, so the stemmer's regions would not match Python's. */
  var ASTRAL = /[\uD800-\uDFFF]/;
  /* Longer "words" are scraped junk, kept whole as in Python (MAX_STEMMED): the stemmer is
     quadratic in word length. */
  var MAX_STEMMED = 100;
  function stem(word) {
    if (word.length > MAX_STEMMED || ASTRAL.test(word)) return word;
    try { return stemWord(word); } catch (e) { return word; }
  }

  var termCache = new Map();
  function term(raw) {
    var t = termCache.get(raw);
    if (t === undefined) { t = stem(unelide(raw)); termCache.set(raw, t); }
    return t;
  }

  function analyze(text) {
    return (fold(text).match(TOKEN) || []).map(term);
  }

  function analyzeUnstemmed(text) {
    return (fold(text).match(TOKEN) || []).map(unelide);
  }

  /* Terms with their [start, end) range in the original string (UTF-16 offsets). */
  function analyzeSpans(text) {
    var folded = "", origin = [], i = 0, spans = [], m;
    for (var ch of text) {
      var f = foldChar(ch);
      for (var j = 0; j < f.length; j++) origin.push(i);
      folded += f;
      i += ch.length;
    }
    origin.push(text.length);
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(folded)) !== null) {
      var last = origin[m.index + m[0].length - 1];
      var lastLen = text.codePointAt(last) > 0xffff ? 2 : 1;
      spans.push([term(m[0]), origin[m.index], last + lastLen]);
    }
    return spans;
  }

  var api = { fold: fold, unelide: unelide, stem: stem, analyze: analyze,
    analyzeUnstemmed: analyzeUnstemmed, analyzeSpans: analyzeSpans };
  root.ArchiveAnalysis = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
