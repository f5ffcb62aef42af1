// Finding tests in the report: text, level and tag filters. The page works without it; the
// status filters are plain checkboxes.
(function () {
  var finder = document.getElementById("finder");
  if (!finder) return;
  finder.hidden = false;
  var text = document.getElementById("find-text");
  var level = document.getElementById("find-level");
  var tag = document.getElementById("find-tag");
  var count = document.getElementById("find-count");
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.findable"));
  function apply() {
    var words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var haystack = row.getAttribute("data-search");
      var keep =
        words.every(function (word) { return haystack.indexOf(word) >= 0; }) &&
        (!level.value || row.getAttribute("data-level") === level.value) &&
        (!tag.value || row.getAttribute("data-tags").indexOf(" " + tag.value + " ") >= 0);
      row.classList.toggle("not-found", !keep);
      var article = document.getElementById(row.getAttribute("data-test"));
      if (article) article.classList.toggle("not-found", !keep);
      if (keep) shown += 1;
    });
    count.textContent = shown === rows.length ? "" : shown + " of " + rows.length + " tests match";
  }
  [text, level, tag].forEach(function (input) { input.addEventListener("input", apply); });
  // A link to a body or a marked line inside collapsed evidence opens what holds it.
  function reveal() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    if (!target) return;
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    target.scrollIntoView();
  }
  window.addEventListener("hashchange", function () { reveal(); layOutShown(); });
  reveal();
  // JSON bodies are embedded as sent; each is laid out when shown, one member per line,
  // every token kept as sent (no parse: numbers such as 1.50 keep their digits).
  function layOutJson(text) {
    var out = "", depth = 0, i = 0, n = text.length;
    function newline() { out += "\n" + "  ".repeat(Math.max(depth, 0)); }
    while (i < n) {
      var c = text[i];
      if (c === "\"") {
        var j = i + 1;
        while (j < n && text[j] !== "\"") j += text[j] === "\\" ? 2 : 1;
        out += text.slice(i, j + 1);
        i = j + 1;
      } else if (c === " " || c === "\n" || c === "\r" || c === "\t") {
        i += 1;
      } else if (c === "{" || c === "[") {
        var k = i + 1;
        while (k < n && " \n\r\t".indexOf(text[k]) >= 0) k += 1;
        if (text[k] === (c === "{" ? "}" : "]")) {
          out += c + text[k];
          i = k + 1;
        } else {
          depth += 1;
          out += c;
          newline();
          i += 1;
        }
      } else if (c === "}" || c === "]") {
        depth -= 1;
        newline();
        out += c;
        i += 1;
      } else if (c === ",") {
        out += ",";
        newline();
        i += 1;
      } else if (c === ":") {
        out += ": ";
        i += 1;
      } else {
        out += c;
        i += 1;
      }
    }
    return out;
  }
  function layOut(pre) {
    pre.textContent = layOutJson(pre.textContent);
    pre.classList.remove("raw-json");
  }
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.open || !details.querySelectorAll) return;
    Array.prototype.forEach.call(details.querySelectorAll("pre.raw-json"), function (pre) {
      var holder = pre.parentElement;
      while (holder && holder.tagName !== "DETAILS") holder = holder.parentElement;
      if (holder && holder.open) layOut(pre);
    });
  }, true);
  // Bodies shown when the page opens (or a link opens them) are laid out at once.
  function layOutShown() {
    Array.prototype.forEach.call(document.querySelectorAll("details[open] > pre.raw-json"), function (pre) {
      var outer = pre.parentElement.parentElement;
      while (outer && outer.tagName !== "DETAILS") outer = outer.parentElement;
      if (!outer || outer.open) layOut(pre);
    });
  }
  layOutShown();
})();
