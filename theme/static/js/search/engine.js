/* Search engine over the client index (plugins/archive_search/export.py writes it).
   Shards are classic scripts calling rechercheShard(key, data[, packed]): no fetch, no
   module, no worker, so it works from file://. Query semantics mirror query.py. */
(function (root) {
  "use strict";
  var A = root.ArchiveAnalysis;
  var registry = new Map();
  var pending = new Map();
  var requested = [];  // keys in request order (the benchmark counts a first page's files)
  var base = "recherche/idx/";

  /* A packed shard (third argument 1) is its JSON deflated and written in base64: it is
     inflated by the browser (DecompressionStream, no library) when its script has run. */
  root.rechercheShard = function (key, data, packed) {
    registry.set(key, packed ? inflate(data) : data);
  };
  function inflate(s) {
    var stream = new Blob([bytes(s)]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).text().then(JSON.parse);
  }

  function load(key) {
    if (registry.has(key)) return Promise.resolve(registry.get(key));
    if (pending.has(key)) return pending.get(key);
    requested.push(key);
    var p = new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = base + key + ".js";
      s.async = true;
      s.onload = function () {
        if (registry.has(key)) resolve(registry.get(key));
        else reject(new Error("index incomplet : " + key));
      };
      s.onerror = function () { reject(new Error("index introuvable : " + key)); };
      document.head.appendChild(s);
    });
    pending.set(key, p);
    return p;
  }

  /* ---- records: [flags][doc list | bitmap][4-bit impacts][positions] in base64 ----
     Decoded once per record (the shard data stays in the registry), into typed arrays;
     a word pair's start positions, when its record holds them, are flat:
     pos[pofs[i]] .. pos[pofs[i + 1] - 1] (else they are apart: see positions()). */
  var decoded = new WeakMap();
  function bytes(s) {
    var bin = atob(s), u = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i);
    return u;
  }
  function decode(u, df) {
    var pos = 1, flags = u[0], docs = new Int32Array(df), i = 0;
    function vi() {
      var v = 0, mul = 1, b;
      do { b = u[pos++]; v += (b & 127) * mul; mul *= 128; } while (b & 128);
      return v;
    }
    if (flags & 1) {
      var first = vi(), span = vi();
      for (var k = 0; k < span; k++) {
        var byte = u[pos + k];
        for (var bit = 0; byte && bit < 8; bit++) {
          if (byte & (1 << bit)) docs[i++] = first + k * 8 + bit;
        }
      }
      pos += span;
    } else {
      var prev = 0;
      for (; i < df; i++) { prev += vi(); docs[i] = prev; }
    }
    var imp = null, pofs = null, flat = null;
    if (!(flags & 2)) {
      imp = new Uint8Array(df);
      for (i = 0; i < df; i++) imp[i] = (u[pos + (i >> 1)] >> (4 * (i & 1))) & 15;
      pos += (df + 1) >> 1;
    }
    if (flags & 4) {
      pofs = new Int32Array(df + 1);
      var all = [];
      for (i = 0; i < df; i++) {
        var count = vi(), at = 0;
        for (var c = 0; c < count; c++) { at += vi(); all.push(at); }
        pofs[i + 1] = all.length;
      }
      flat = Int32Array.from(all);
    }
    return { docs: docs, imp: imp, pofs: pofs, pos: flat };
  }
  function record(value) {
    var known = decoded.get(value);
    if (known) return Promise.resolve(known);
    var rec = value[1];
    var text = typeof rec === "string" ? Promise.resolve(rec)
      : Promise.all(rec.map(load)).then(function (parts) { return parts.join(""); });
    return text.then(function (t) {
      var r = decode(bytes(t), value[0]);
      decoded.set(value, r);
      return r;
    });
  }

  /* ---- range-sharded trees: {depth, dir: [firstKey, fileKey, ...]} ---- */
  function floorIndex(flat, key) {
    var lo = 0, hi = flat.length / 2 - 1, ans = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (flat[2 * mid] <= key) { ans = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return ans;
  }
  /* A value that repeats an earlier one of its shard is that entry's index (export._intern). */
  function entry(node, j) {
    var v = node[2 * j + 1];
    return typeof v === "number" ? node[2 * v + 1] : v;
  }
  async function lookup(tree, key) {
    var node = tree.dir, depth = tree.depth;
    for (;;) {
      var i = floorIndex(node, key);
      if (i < 0) return null;
      node = await load(node[2 * i + 1]);
      if (depth-- === 0) {
        var j = floorIndex(node, key);
        return j >= 0 && node[2 * j] === key ? entry(node, j) : null;
      }
    }
  }
  async function range(tree, lo, hi) {
    var out = [];
    async function walk(node, depth) {
      var from = Math.max(floorIndex(node, lo), 0), to = floorIndex(node, hi);
      var kids = [];
      for (var i = from; i <= to; i++) kids.push(load(node[2 * i + 1]));
      kids = await Promise.all(kids);
      for (var k = 0; k < kids.length; k++) {
        if (depth > 0) await walk(kids[k], depth - 1);
        else {
          for (var j = 0; j < kids[k].length; j += 2) {
            var key = kids[k][j];
            if (key >= lo && key <= hi) out.push([key, entry(kids[k], j / 2)]);
          }
        }
      }
    }
    await walk(tree.dir, tree.depth);
    return out;
  }

  /* ---- query language (query.py `parse`) ---- */
  var QUOTES = /[\u00ab\u00bb\u201c\u201d\u201e]/g;
  function parse(text) {
    var clauses = [], re = /"([^"]*)"?|(\S+)/g, m;
    function add(terms) {
      if (terms.length === 1) clauses.push({ kind: "term", terms: terms });
      else if (terms.length > 1) clauses.push({ kind: "phrase", terms: terms });
    }
    text = text.replace(QUOTES, '"');
    while ((m = re.exec(text)) !== null) {
      if (m[1] !== undefined) { add(A.analyze(m[1])); continue; }
      var word = m[2];
      if (word.charAt(word.length - 1) === "*") {
        var words = A.analyzeUnstemmed(word.replace(/\*+$/, ""));
        if (words.length && words[words.length - 1].length >= 2) {
          for (var i = 0; i < words.length - 1; i++) add([A.stem(words[i])]);
          clauses.push({ kind: "prefix", terms: [words[words.length - 1]] });
          continue;
        }
      }
      add(A.analyze(word));
    }
    return clauses;
  }

  /* ---- sets: ascending doc numbers (Int32Array) with scores (Float64Array or null) ---- */
  function scored(rec, df, n, step) {
    var idf = Math.log(n / (df + 1)) + 1, score = new Float64Array(rec.docs.length);
    for (var i = 0; i < score.length; i++) score[i] = idf * rec.imp[i] * step;
    return { docs: rec.docs, score: score };
  }
  function intersect(a, b) {
    var size = Math.min(a.docs.length, b.docs.length);
    var docs = new Int32Array(size), score = new Float64Array(size), k = 0, i = 0, j = 0;
    var ad = a.docs, bd = b.docs, as = a.score, bs = b.score;
    while (i < ad.length && j < bd.length) {
      var x = ad[i], y = bd[j];
      if (x === y) {
        docs[k] = x;
        score[k++] = (as ? as[i] : 0) + (bs ? bs[j] : 0);
        i++; j++;
      } else if (x < y) i++; else j++;
    }
    return { docs: docs.subarray(0, k), score: score.subarray(0, k) };
  }
  /* Union of scored sets, summing scores: dense over the archive, O(n) however many sets. */
  function union(sets, n) {
    var acc = new Float64Array(n), seen = new Uint8Array(n), count = 0;
    sets.forEach(function (s) {
      for (var i = 0; i < s.docs.length; i++) {
        var d = s.docs[i];
        if (!seen[d]) { seen[d] = 1; count++; }
        acc[d] += s.score[i];
      }
    });
    var docs = new Int32Array(count), score = new Float64Array(count), k = 0;
    for (var d = 0; d < n; d++) if (seen[d]) { docs[k] = d; score[k++] = acc[d]; }
    return { docs: docs, score: score };
  }
  function within(set, lo, hi) {
    var a = firstAtLeast(set.docs, lo), b = firstAtLeast(set.docs, hi + 1);
    return { docs: set.docs.subarray(a, b), score: set.score ? set.score.subarray(a, b) : null };
  }
  function span(lo, hi) {
    var docs = new Int32Array(Math.max(0, hi - lo + 1));
    for (var d = lo; d <= hi; d++) docs[d - lo] = d;
    return { docs: docs, score: null };
  }
  var EMPTY = { docs: new Int32Array(0), score: new Float64Array(0) };

  async function termSet(m, tree, key) {
    var v = await lookup(tree, key);
    if (!v) return EMPTY;
    var set = scored(await record(v), v[0], m.n, m.step);
    set.counts = Array.isArray(v[2]) ? v[2] : null;  // top facet values' counts (one word)
    return set;
  }

  /* ---- a word pair's start positions: in its record (flag 4), or, when larger than a
     part, in part files named by value[2] = [first, "q-…", first, "q-…", …], cut at dispatch
     boundaries (first: a part's first posting). Posting after posting: the count, then the
     delta-coded starts. Only the parts that hold wanted postings are loaded. */
  var pieceCache = new Map();
  function decodePiece(text, count) {
    var u = bytes(text), pos = 0, pofs = new Int32Array(count + 1), all = [];
    function vi() {
      var v = 0, mul = 1, b;
      do { b = u[pos++]; v += (b & 127) * mul; mul *= 128; } while (b & 128);
      return v;
    }
    for (var i = 0; i < count; i++) {
      var c = vi(), at = 0;
      for (var j = 0; j < c; j++) { at += vi(); all.push(at); }
      pofs[i + 1] = all.length;
    }
    return { pofs: pofs, pos: Int32Array.from(all) };
  }
  /* Resolve to a function giving, for the i-th of the posting indices `wanted` (ascending),
     the [from, to) slice of a flat array of starts: {pos, from, to}. */
  async function positions(value, rec, wanted) {
    if (rec.pofs) {
      return function (i) {
        return { pos: rec.pos, from: rec.pofs[wanted[i]], to: rec.pofs[wanted[i] + 1] };
      };
    }
    var p = value[2] || [], firsts = [], keys = [];
    for (var i = 0; i < p.length; i += 2) { firsts.push(p[i]); keys.push(p[i + 1]); }
    firsts.push(value[0]);
    var of = new Int32Array(wanted.length), need = new Set(), k = 0;
    for (i = 0; i < wanted.length; i++) {
      while (firsts[k + 1] <= wanted[i]) k++;
      of[i] = k; need.add(k);
    }
    var pieces = [];
    await Promise.all(Array.from(need).map(async function (j) {
      var known = pieceCache.get(keys[j]);
      if (!known) {
        known = decodePiece(await load(keys[j]), firsts[j + 1] - firsts[j]);
        pieceCache.set(keys[j], known);
      }
      pieces[j] = known;
    }));
    return function (i) {
      var piece = pieces[of[i]], at = wanted[i] - firsts[of[i]];
      return { pos: piece.pos, from: piece.pofs[at], to: piece.pofs[at + 1] };
    };
  }
  function hasStart(slice, p) {
    for (var j = slice.from; j < slice.to; j++) {
      if (slice.pos[j] === p) return true;
      if (slice.pos[j] > p) return false;
    }
    return false;
  }

  /* The words must follow one another. A common run of 3+ words has its own record
     (exact); else the dispatches holding every pair, then the starts of a few pairs that
     cover the words (pairs 0, 2, 4… and the last): pair s must start at p + s. */
  async function phrase(m, terms) {
    if (terms.length >= 3 && terms.length <= m.phraseMax) {
      var tv = await lookup(m.phrases, terms.join(" "));
      if (tv) return scored(await record(tv), tv[0], m.n, m.step);
    }
    var keys = [];
    for (var i = 0; i + 1 < terms.length; i++) keys.push(terms[i] + " " + terms[i + 1]);
    var recs = await Promise.all(keys.map(async function (key) {
      var v = await lookup(m.pairs, key);
      return v ? { v: v, r: await record(v) } : null;
    }));
    if (recs.some(function (x) { return x === null; })) return EMPTY;
    var count = recs.length, idf = new Float64Array(count), at = new Int32Array(count);
    recs.forEach(function (x, k) { idf[k] = Math.log(m.n / (x.v[0] + 1)) + 1; });
    var first = recs[0].r, size = first.docs.length;
    var docs = new Int32Array(size), score = new Float64Array(size), found = 0;
    var index = recs.map(function () { return new Int32Array(size); });
    outer:
    for (i = 0; i < size; i++) {
      var d = first.docs[i];
      for (var k = 1; k < count; k++) {
        var r = recs[k].r, j = at[k];
        while (j < r.docs.length && r.docs[j] < d) j++;
        at[k] = j;
        if (j === r.docs.length) break outer;
        if (r.docs[j] !== d) continue outer;
      }
      at[0] = i;
      var sc = 0;
      for (k = 0; k < count; k++) {
        index[k][found] = at[k];
        sc += idf[k] * recs[k].r.imp[at[k]] * m.step;
      }
      docs[found] = d;
      score[found++] = sc;
    }
    if (count === 1 || !found) return { docs: docs.subarray(0, found), score: score.subarray(0, found) };
    var cover = [];
    for (k = 0; k < count; k += 2) cover.push(k);
    if (cover[cover.length - 1] !== count - 1) cover.push(count - 1);
    var starts = await Promise.all(cover.map(function (k) {
      return positions(recs[k].v, recs[k].r, index[k].subarray(0, found));
    }));
    var kept = 0;
    for (i = 0; i < found; i++) {
      var head = starts[0](i), ok = false;
      for (var s = head.from; s < head.to && !ok; s++) {
        ok = true;
        for (var c = 1; c < cover.length && ok; c++) ok = hasStart(starts[c](i), head.pos[s] + cover[c]);
      }
      if (ok) { docs[kept] = docs[i]; score[kept++] = score[i]; }
    }
    return { docs: docs.subarray(0, kept), score: score.subarray(0, kept) };
  }

  async function clauseSet(m, clause, matched) {
    if (clause.kind === "term") {
      matched.add(clause.terms[0]);
      return termSet(m, m.terms, clause.terms[0]);
    }
    if (clause.kind === "phrase") {
      clause.terms.forEach(function (t) { matched.add(t); });
      return phrase(m, clause.terms);
    }
    var p = clause.terms[0], own = A.stem(p);
    var found = await range(m.terms, p, p + "\uffff");
    if (!found.some(function (e) { return e[0] === own; })) {
      var v = await lookup(m.terms, own);
      if (v) found.push([own, v]);
    }
    found = found.filter(function (e) { return e[0].indexOf(p) === 0 || e[0] === own; });
    found.sort(function (x, y) {
      return y[1][0] - x[1][0] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0);
    });
    found = found.slice(0, m.prefixMax);
    var sets = await Promise.all(found.map(function (e) {
      matched.add(e[0]);
      return record(e[1]).then(function (r) { return scored(r, e[1][0], m.n, m.step); });
    }));
    return sets.length ? union(sets, m.n) : EMPTY;
  }

  async function facetValue(m, kind, slug) {
    var f = m.facets[kind];
    var v = await lookup(f.tree, slug);
    return v ? { slug: slug, name: v[2], docs: (await record(v)).docs } : null;
  }

  function firstAtLeast(arr, x) {
    var lo = 0, hi = arr.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (arr[mid] < x) lo = mid + 1; else hi = mid; }
    return lo;
  }
  function dayNumber(iso) {
    var t = Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10));
    return Math.floor(t / 86400000);
  }
  async function dateBounds(m, de, a) {
    var rows = await load(m.dates), days = [], firsts = [], d = 0, f = 0;
    for (var i = 0; i < rows[0].length; i++) {
      d += rows[0][i]; f += rows[1][i]; days.push(d); firsts.push(f);
    }
    var lo = m.undated, hi = m.n - 1;
    if (de) {
      var i1 = firstAtLeast(days, dayNumber(de));
      lo = i1 < days.length ? firsts[i1] : m.n;
    }
    if (a) {
      var i2 = firstAtLeast(days, dayNumber(a) + 1);
      hi = i2 < days.length ? firsts[i2] - 1 : m.n - 1;
    }
    return [lo, hi];
  }

  function validDate(s) { return /^\d{4}-\d{2}-\d{2}$/.test(s || ""); }

  /* Run a query state {q, acteur, lieu, annee, de, a}; resolve to the ranked doc numbers. */
  async function search(state) {
    var m = await load("manifest");
    var clauses = parse(state.q || "");
    var matched = new Set();
    var filters = [], selected = {};
    var de = validDate(state.de) ? state.de : "", a = validDate(state.a) ? state.a : "";
    if (!clauses.length && !state.acteur && !state.lieu && !state.annee && !de && !a) {
      return { manifest: m, empty: true, clauses: clauses };
    }
    var sets = clauses.map(function (c) { return clauseSet(m, c, matched); });
    ["acteur", "lieu"].forEach(function (kind) {
      if (state[kind]) {
        filters.push(facetValue(m, kind, state[kind]).then(function (v) {
          selected[kind] = v;
          return v ? { docs: v.docs, score: null } : EMPTY;
        }));
      }
    });
    var set = null;
    var all = await Promise.all(sets.concat(filters));
    all.forEach(function (s) { set = set === null ? s : intersect(set, s); });
    if (set === null) set = span(m.undated, m.n - 1);
    if (state.annee) {
      var row = m.years.filter(function (y) { return String(y[0]) === String(state.annee); })[0];
      set = row ? within(set, row[1], row[1] + row[2] - 1) : EMPTY;
    }
    if (de || a) {
      var b = await dateBounds(m, de, a);
      set = within(set, b[0], b[1]);
    }
    var alone = clauses.length === 1 && clauses[0].kind === "term" && !filters.length &&
      !state.annee && !de && !a;
    return {
      manifest: m, empty: false, clauses: clauses, matched: matched, selected: selected,
      docs: set.docs, ranked: clauses.length ? rank(set) : newestFirst(set.docs),
      counts: alone ? all[0].counts || null : null
    };
  }

  /* Best score first, then the newest. Scores are rounded to 2^-20 and packed with the doc
     number in one float, so that a numeric typed-array sort does the work of a comparator. */
  var SCALE = 1048576, DOCS = 2097152;
  function rank(set) {
    var size = set.docs.length, keys = new Float64Array(size), top = 0, out = new Array(size), i;
    for (i = 0; i < size; i++) top = Math.max(top, set.score[i]);
    if (set.docs.length && (set.docs[size - 1] >= DOCS || top * SCALE * DOCS >= 9007199254740991)) {
      var order = Array.from(set.docs.keys());
      order.sort(function (x, y) { return set.score[y] - set.score[x] || set.docs[y] - set.docs[x]; });
      return order.map(function (k) { return set.docs[k]; });
    }
    for (i = 0; i < size; i++) keys[i] = Math.round(set.score[i] * SCALE) * DOCS + set.docs[i];
    keys.sort();
    for (i = 0; i < size; i++) out[i] = keys[size - 1 - i] % DOCS;
    return out;
  }
  function newestFirst(docs) {
    var out = new Array(docs.length);
    for (var i = 0; i < docs.length; i++) out[i] = docs[docs.length - 1 - i];
    return out;
  }

  function countIn(sorted, lo, hi) {
    return firstAtLeast(sorted, hi + 1) - firstAtLeast(sorted, lo);
  }

  /* Facet counts of a result: years from number ranges, actors and places from the top values. */
  async function facets(result) {
    var m = result.manifest, out = { annee: [], acteur: [], lieu: [] };
    m.years.forEach(function (y) {
      var c = result.empty ? y[2] : countIn(result.docs, y[1], y[1] + y[2] - 1);
      if (c) out.annee.push({ slug: String(y[0]), name: String(y[0]), count: c });
    });
    out.annee.reverse();
    await Promise.all(["acteur", "lieu"].map(async function (kind) {
      var f = m.facets[kind];
      if (result.empty) {
        out[kind] = f.top.map(function (t) { return { slug: t[0], name: t[1], count: t[2] }; });
        return;
      }
      if (result.counts) {
        /* One word, no filter: the term's entry holds the counts of the top values,
           actors' then places'. */
        var at = kind === "acteur" ? 0 : m.facets.acteur.top.length;
        f.top.forEach(function (t, i) {
          var c = result.counts[at + i];
          if (c) out[kind].push({ slug: t[0], name: t[1], count: c });
        });
        out[kind].sort(function (x, y) { return y.count - x.count || (x.name < y.name ? -1 : 1); });
        return;
      }
      var top = await load(f.topFile), seen = {};
      for (var i = 0; i < top.length; i += 2) {
        var docs = (await record(top[i + 1])).docs, c = 0, j = 0, k = 0;
        while (j < docs.length && k < result.docs.length) {
          if (docs[j] === result.docs[k]) { c++; j++; k++; }
          else if (docs[j] < result.docs[k]) j++; else k++;
        }
        seen[top[i]] = true;
        if (c) out[kind].push({ slug: top[i], name: top[i + 1][2], count: c });
      }
      var sel = result.selected[kind];
      if (sel && !seen[sel.slug]) out[kind].push({ slug: sel.slug, name: sel.name, count: result.docs.length });
      out[kind].sort(function (x, y) { return y.count - x.count || (x.name < y.name ? -1 : 1); });
    }));
    return out;
  }

  /* Cards [id, url, title, date, places, actors, lead] of some doc numbers, in order.
     File c<block>-<hash>: the hash of the block's group is in the manifest. */
  async function cards(m, numbers) {
    var c = m.cards;
    return Promise.all(numbers.map(async function (d) {
      var block = Math.floor(d / c.per), g = Math.floor(block / c.group);
      var rows = await load("c" + block + "-" + c.hashes.slice(6 * g, 6 * g + 6));
      return rows[d % c.per];
    }));
  }

  root.ArchiveSearch = {
    setBase: function (b) { base = b; },
    parse: parse, search: search, facets: facets, cards: cards, load: load, lookup: lookup,
    requested: function () { return requested.slice(); }
  };
})(typeof window !== "undefined" ? window : globalThis);
