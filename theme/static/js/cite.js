/* « Citer cette dépêche »: this dispatch's BibTeX entry and CSL-JSON item, made in the
 * browser from the page's own data (its JSON-LD, og:site_name, the raw file's path in
 * section.cite's data-path, the page's own address when the site has no SITEURL),
 * exactly as plugins/dispatch_archive/citations.py writes them into the whole archive's
 * files (tests/test_cite_browser.py compares the two). One file per dispatch would be two
 * hundred thousand files at 100,000 dispatches; without JavaScript the links give the
 * whole archive's files, where the entry carries the same key.
 * A classic script, no request: it works from file:// and under any sub-path. */
(function () {
  "use strict";

  var BIBTEX_SPECIAL = {
    "\\": "\\textbackslash{}", "{": "\\{", "}": "\\}", "%": "\\%", "&": "\\&",
    "#": "\\#", "$": "\\$", "_": "\\_", "^": "\\^{}", "~": "\\~{}"
  };
  var URL_KEEP = /[A-Za-z0-9_.\-~:\/?#\[\]@!$&'()*+,;=%]/;

  function bibtexEscape(text) {
    return text.replace(/[\\{}%&#$_^~]/g, function (c) { return BIBTEX_SPECIAL[c]; });
  }

  // Python's urllib.parse.quote(link, safe=":/?#[]@!$&'()*+,;=%~-._").
  function quoteUrl(link) {
    var out = "";
    for (var ch of link) {
      out += URL_KEEP.test(ch) ? ch : encodeURIComponent(ch);
    }
    return out;
  }

  // json.dumps(value, ensure_ascii=False, sort_keys=True): ", " and ": " separators.
  function dumps(value) {
    if (Array.isArray(value)) {
      return "[" + value.map(dumps).join(", ") + "]";
    }
    if (value !== null && typeof value === "object") {
      return "{" + Object.keys(value).sort().map(function (k) {
        return JSON.stringify(k) + ": " + dumps(value[k]);
      }).join(", ") + "}";
    }
    return JSON.stringify(value);
  }

  // The page's permalink: its JSON-LD url when the site has a SITEURL, else its path from
  // the site root, depeches/SLUG.html (a dispatch page's own file name, where it lives).
  function permalinkOf(ld) {
    return ld.url || "depeches/" + decodeURIComponent(location.pathname.split("/").pop());
  }

  function fields() {
    var section = document.querySelector("section.cite[data-path]");
    var script = document.querySelector('script[type="application/ld+json"]');
    var site = document.querySelector('meta[property="og:site_name"]');
    if (!section || !script || !site) {
      return null;
    }
    var ld = JSON.parse(script.textContent);
    var permalink = permalinkOf(ld);
    return {
      slug: permalink.split("/").pop().replace(/\.html$/, ""),  // depeches/SLUG.html
      path: section.getAttribute("data-path"),
      site: site.getAttribute("content"),
      url: quoteUrl(permalink),
      title: ld.headline,
      date: ld.datePublished || "",
      source: ld.sourceOrganization ? ld.sourceOrganization.name : "",
      sha: ld.identifier.value
    };
  }

  function bibtex(f) {
    var entries = [["title", "{" + bibtexEscape(f.title) + "}"]];
    if (f.source) {
      entries.push(["author", "{" + bibtexEscape(f.source) + "}"]);
    }
    if (f.date) {
      entries.push(["date", f.date.slice(0, 10)], ["year", f.date.slice(0, 4)]);
    }
    entries.push(
      ["howpublished", bibtexEscape(f.site)],
      ["url", f.url],
      ["note", bibtexEscape("Fichier brut " + f.path + ", SHA-256 " + f.sha)],
      ["langid", "french"]
    );
    var body = entries.map(function (e) { return "  " + e[0] + " = {" + e[1] + "}"; });
    return "@misc{" + f.slug + ",\n" + body.join(",\n") + "\n}\n";
  }

  function csl(f) {
    var item = {
      id: f.slug, type: "article-newspaper", title: f.title, language: "fr", URL: f.url,
      archive: f.site, archive_location: f.path, note: "SHA-256 " + f.sha
    };
    if (f.source) {
      item["container-title"] = f.source;
    }
    if (f.date) {
      item.issued = {"date-parts": [f.date.slice(0, 10).split("-").map(Number)]};
    }
    return "[\n" + dumps(item) + "\n]\n";
  }

  var FORMATS = {
    bib: {make: bibtex, suffix: ".bib", type: "application/x-bibtex;charset=utf-8"},
    csl: {make: csl, suffix: ".json", type: "application/vnd.citationstyles.csl+json;charset=utf-8"}
  };

  // The text of one format ("bib" or "csl"), or null on a page without a citation.
  window.archiveCitation = function (format) {
    var f = fields();
    return f ? FORMATS[format].make(f) : null;
  };

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-cite]") : null;
    var format = link ? FORMATS[link.getAttribute("data-cite")] : null;
    var f = format ? fields() : null;
    if (!f) {
      return;
    }
    event.preventDefault();
    var blob = new Blob([format.make(f)], {type: format.type});
    var save = document.createElement("a");
    save.href = URL.createObjectURL(blob);
    save.download = f.slug + format.suffix;
    document.body.appendChild(save);
    save.click();
    save.remove();
    setTimeout(function () { URL.revokeObjectURL(save.href); }, 1000);
  });
}());
