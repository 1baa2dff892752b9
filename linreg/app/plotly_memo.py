"""Plotly's per-trace schema crawl, remembered: what keeps an animation frame within the
scrubber's and the player's budgets on Streamlit's page.

Every animation frame, Plotly (``Plots.doCalcdata``) asks
``Plotly.PlotSchema.findArrayAttributes`` of every trace of the figure, moving or not,
which of its attributes hold arrays.  It finds out by crawling the trace type's whole
attribute schema, building each attribute's path with ``Array.prototype.concat``.
Streamlit's page loads Apache Arrow (its dataframes and its v2 components use it), and
Arrow sets ``Symbol.isConcatSpreadable`` on its vectors' prototypes: V8 then drops
``concat``'s fast path for the whole page, and the crawl takes ~0.7 ms a trace instead
of ~0.15 (measured in chromium: a 36-trace scrubber spent ~25 ms of each move there).

The answer depends only on the trace's type and on which of its values are arrays, so
the script below remembers it under exactly that: the type and every path in the trace
that holds an array (a finer key than the answer needs, never a coarser one).  Plotly's
own function still answers each new shape of trace; it stays reachable as
``findArrayAttributes.original``.

Public API: none serves (a Plotly internal, the plotly.js that the pinned Streamlit
bundles).  ``tests/test_browser.py`` checks on the app's own page that Plotly's frames
still go through it, and that it answers as Plotly's own for every trace of the app's
figures and of every trace type's array attributes: it fails loudly when Plotly changes.
"""

from __future__ import annotations

#: Installed once per page (a constant script, no data in it), as soon as Streamlit's
#: bundle has set window.Plotly (it loads with the first chart).
ARRAY_ATTRIBUTES_MEMO_JS = """<script>
(() => {
  if (window.__gdArrayAttributes) return;
  window.__gdArrayAttributes = true;
  const plain = v => v !== null && typeof v === 'object' && Object.prototype.toString.call(v) === '[object Object]';
  // every path in the trace that holds an array ('_' keys are Plotly's bookkeeping, no attribute's)
  const arrayPaths = (value, path, out) => {
    for (const key of Object.keys(value)) {
      if (key.charCodeAt(0) === 95) continue;
      const v = value[key];
      if (Array.isArray(v)) {
        out.push(path + key);
        for (let j = 0; j < v.length; j++)
          if (typeof v[j] === 'object' && plain(v[j])) arrayPaths(v[j], path + key + '[' + j + '].', out);
      } else if (ArrayBuffer.isView(v)) out.push(path + key);
      else if (plain(v)) arrayPaths(v, path + key + '.', out);
    }
    return out;
  };
  const install = () => {
    const schema = window.Plotly && window.Plotly.PlotSchema;
    if (!schema || typeof schema.findArrayAttributes !== 'function') return false;
    const original = schema.findArrayAttributes, known = new Map();
    const remembered = function (trace) {
      const key = trace.type + '|' + arrayPaths(trace, '', []).join('|');
      let found = known.get(key);
      if (found === undefined) known.set(key, (found = original.call(this, trace)));
      return found.slice();
    };
    remembered.original = original;
    schema.findArrayAttributes = remembered;
    return true;
  };
  if (!install()) {
    const poll = setInterval(() => { if (install()) clearInterval(poll); }, 100);
  }
})();
</script>"""  # noqa: E501
