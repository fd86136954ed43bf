/* Results page: reads ?q= and the filters from the URL, renders with DOM APIs only
   (textContent, never innerHTML), links for pages and facets so a search can be shared. */
(function () {
  "use strict";
  var S = window.ArchiveSearch, A = window.ArchiveAnalysis;
  var KEYS = ["q", "acteur", "lieu", "annee", "de", "a", "page"];
  var HEADINGS = { acteur: "Acteurs", lieu: "Lieux", annee: "Années" };
  var FILTER_LABELS = { acteur: "Acteur", lieu: "Lieu", annee: "Année", de: "Depuis le", a: "Jusqu’au" };

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function readState() {
    var p = new URLSearchParams(window.location.search), st = {};
    KEYS.forEach(function (k) { st[k] = (p.get(k) || "").trim(); });
    st.page = Math.max(1, parseInt(st.page, 10) || 1);
    return st;
  }

  function href(state, changes) {
    var p = new URLSearchParams();
    KEYS.forEach(function (k) {
      var v = k in changes ? changes[k] : state[k];
      if (k === "page" && (!v || v === 1)) return;
      if (v) p.set(k, v);
    });
    return "recherche.html?" + p.toString();
  }

  /* Append text to node, wrapping in <mark> the words whose term the query matched. */
  function marked(node, text, matched) {
    var last = 0;
    A.analyzeSpans(text).forEach(function (s) {
      if (!matched.has(s[0])) return;
      node.appendChild(document.createTextNode(text.slice(last, s[1])));
      node.appendChild(el("mark", null, text.slice(s[1], s[2])));
      last = s[2];
    });
    node.appendChild(document.createTextNode(text.slice(last)));
    return node;
  }

  function plural(n, one, many) {
    return n.toLocaleString("fr-FR") + "\u00a0" + (n === 1 ? one : many);
  }

  function renderResults(root, state, result, cards) {
    var list = root.querySelector("[data-role=list]");
    var matched = result.matched || new Set();
    cards.forEach(function (c) {
      var li = el("li", { "data-result": c[0], "class": "resultat" });
      var h = el("h3");
      h.appendChild(marked(el("a", { href: root.dataset.root + c[1] }), c[2], matched));
      li.appendChild(h);
      var meta = el("p", { "class": "resultat-meta" });
      if (c[3]) meta.appendChild(el("time", { datetime: c[3] }, c[3]));
      else meta.appendChild(el("span", null, "non datée"));
      var names = c[4].concat(c[5]);
      if (names.length) meta.appendChild(el("span", null, " · " + names.join(", ")));
      li.appendChild(meta);
      li.appendChild(marked(el("p", { "class": "resultat-chapo" }), c[6], matched));
      list.appendChild(li);
    });
  }

  function renderPager(root, state, total, size) {
    var pages = Math.ceil(total / size), nav = root.querySelector("[data-role=pager]");
    if (pages <= 1) return;
    if (state.page > 1) nav.appendChild(el("a", { href: href(state, { page: state.page - 1 }), rel: "prev" }, "Précédent"));
    nav.appendChild(el("span", { "aria-current": "page" }, "Page " + state.page + " sur " + pages));
    if (state.page < pages) nav.appendChild(el("a", { href: href(state, { page: state.page + 1 }), rel: "next" }, "Suivant"));
  }

  function renderFacets(root, state, facets) {
    var box = root.querySelector("[data-role=facets]");
    ["acteur", "lieu", "annee"].forEach(function (kind) {
      var values = facets[kind];
      if (!values.length) return;
      var section = el("section", { "class": "facette", "data-facet": kind });
      section.appendChild(el("h2", null, HEADINGS[kind]));
      var ul = el("ul");
      values.forEach(function (v) {
        var on = state[kind] === v.slug;
        var a = el("a", { href: href(state, (function () { var c = { page: 1 }; c[kind] = on ? "" : v.slug; return c; })()),
          "data-value": v.slug });
        if (on) a.setAttribute("aria-current", "true");
        a.appendChild(el("span", { "class": "facette-nom" }, v.name));
        a.appendChild(el("span", { "class": "facette-nombre" }, v.count.toLocaleString("fr-FR")));
        var li = el("li");
        li.appendChild(a);
        ul.appendChild(li);
      });
      section.appendChild(ul);
      box.appendChild(section);
    });
  }

  function renderActive(root, state, result) {
    var box = root.querySelector("[data-role=active]");
    ["acteur", "lieu", "annee", "de", "a"].forEach(function (k) {
      if (!state[k]) return;
      var label = state[k];
      if ((k === "acteur" || k === "lieu") && result.selected && result.selected[k]) label = result.selected[k].name;
      var c = { page: 1 };
      c[k] = "";
      var link = el("a", { href: href(state, c), "class": "filtre-actif" }, FILTER_LABELS[k] + " : " + label + " ×");
      link.setAttribute("aria-label", "Retirer le filtre " + FILTER_LABELS[k] + " : " + label);
      box.appendChild(link);
    });
  }

  async function main() {
    var root = document.getElementById("recherche");
    if (!root) return;
    var state = readState();
    S.setBase(root.dataset.index);
    var form = document.getElementById("recherche-form");
    if (form) {
      ["q", "de", "a"].forEach(function (k) {
        var input = form.elements.namedItem(k);
        if (input) input.value = state[k];
      });
      ["acteur", "lieu", "annee"].forEach(function (k) {
        var input = form.elements.namedItem(k);
        if (input) input.value = state[k];
      });
    }
    var status = root.querySelector("[data-role=status]");
    root.setAttribute("data-state", "loading");
    var t0 = performance.now();
    try {
      var result = await S.search(state);
      var size = result.manifest.pageSize;
      if (result.empty) {
        status.textContent = "Saisissez des mots, ou choisissez un acteur, un lieu ou une année.";
        renderFacets(root, state, await S.facets(result));
      } else {
        var total = result.ranked.length;
        status.textContent = total ? plural(total, "résultat", "résultats") : "Aucun résultat";
        renderActive(root, state, result);
        var page = Math.min(state.page, Math.max(1, Math.ceil(total / size)));
        state.page = page;
        var shown = result.ranked.slice((page - 1) * size, page * size);
        renderResults(root, state, result, await S.cards(result.manifest, shown));
        renderPager(root, state, total, size);
        root.setAttribute("data-results", "ready");
        window.__rechercheTimings = { results: performance.now() - t0, resultFiles: S.requested() };
        renderFacets(root, state, await S.facets(result));
      }
      window.__rechercheTimings = Object.assign(window.__rechercheTimings || {}, { done: performance.now() - t0 });
      root.setAttribute("data-state", "done");
    } catch (err) {
      status.textContent = "La recherche a échoué : " + err.message;
      root.setAttribute("data-state", "error");
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", main);
  else main();
})();
