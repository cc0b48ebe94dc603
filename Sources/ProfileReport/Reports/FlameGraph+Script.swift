/// The stylesheet and script embedded in every flame graph, so the file works offline.
enum FlameAssets {
    static let css = """
        svg { font-family: Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace; }
        rect.background { fill: #fbfbf7; }
        text { font-size: 12px; fill: #000; }
        #title { font-size: 17px; text-anchor: middle; font-weight: bold; }
        .subtitle { font-size: 12px; fill: #555; text-anchor: middle; }
        .legend { fill: #333; }
        .legend .grew { fill: #c00000; font-weight: bold; }
        .legend .shrank { fill: #0030c0; font-weight: bold; }
        .legend .choice { fill: #0030c0; cursor: pointer; text-decoration: underline; }
        .legend .choice.on { fill: #000; font-weight: bold; text-decoration: none; cursor: default; }
        #unzoom { cursor: pointer; fill: #0030c0; text-decoration: underline; }
        #matched { text-anchor: end; fill: #700070; }
        #details { fill: #222; }
        .hidden { display: none; }
        g.f { cursor: pointer; }
        g.f > rect { stroke: #fbfbf7; stroke-width: 0.5; rx: 2px; ry: 2px; }
        g.f > text { pointer-events: none; }
        g.f.hover > rect { stroke: #000; stroke-width: 1; }
        g.f.match > rect { fill: #d63ad6; }
        g.f.ancestor > rect { opacity: 0.6; }
        input#search { box-sizing: border-box; width: 100%; height: 24px; font: 12px Menlo, Consolas,
          "DejaVu Sans Mono", monospace; padding: 2px 6px; border: 1px solid #999; border-radius: 4px; }

        """

    /// Click a frame to zoom into it, click the root or "Reset zoom" to come back; hovering
    /// shows a frame's full name and value at the bottom; the search box highlights frames whose
    /// name matches a regular expression and says how much of the total they hold. In a
    /// differential graph, "base profile" in the legend sizes the frames by the base instead
    /// (each frame carries both placements), so stacks that shrank or vanished take room; so
    /// does opening the file with `#base` after its name.
    static let script = #"""
        (function () {
          "use strict";
          var svg, frames, details, matched, unzoom, search, zoomed = null, charWidth = 7.2;
          var left = 10, full = 1180;

          function frameOf(node) {
            while (node && node !== frames) {
              if (node.classList && node.classList.contains("f")) { return node; }
              node = node.parentNode;
            }
            return null;
          }
          function parts(g) { return { title: g.children[0], rect: g.children[1], text: g.children[2] }; }
          function fullName(g) {
            var t = g.children[0].textContent, i = t.indexOf("\n");
            return i < 0 ? t : t.slice(0, i);
          }
          function remember(g) {
            if (g._x === undefined) {
              var r = g.children[1];
              g._x = parseFloat(r.getAttribute("x"));
              g._w = parseFloat(r.getAttribute("width"));
            }
          }
          function place(g, x, w) {
            var p = parts(g), name = g.getAttribute("data-s") || fullName(g);
            p.rect.setAttribute("x", x.toFixed(2));
            p.rect.setAttribute("width", Math.max(0, w).toFixed(2));
            p.text.setAttribute("x", (x + 3).toFixed(2));
            var room = Math.floor((w - 6) / charWidth);
            p.text.textContent = room < 3 ? "" : name.length <= room ? name : name.slice(0, room - 2) + "..";
          }
          function all() { return frames.querySelectorAll("g.f"); }

          function reset() {
            var list = all();
            for (var i = 0; i < list.length; i++) {
              var g = list[i];
              g.style.display = "";
              g.classList.remove("ancestor");
              if (g._x !== undefined) { place(g, g._x, g._w); }
            }
            zoomed = null;
            unzoom.classList.add("hidden");
            showMatches();
          }

          function zoom(target) {
            reset();
            if (target.classList.contains("root")) { return; }
            remember(target);
            var scale = target._w > 0 ? full / target._w : 1, x0 = target._x;
            // Callers of the frame take the whole width; their other callees are hidden.
            var child = target;
            for (var a = target.parentNode; a && a !== frames; a = a.parentNode) {
              if (!a.classList.contains("f")) { continue; }
              remember(a);
              a.classList.add("ancestor");
              place(a, left, full);
              for (var c = a.firstElementChild; c; c = c.nextElementSibling) {
                if (c !== child && c.classList.contains("f")) { c.style.display = "none"; }
              }
              child = a;
            }
            var inside = [target].concat(Array.prototype.slice.call(target.querySelectorAll("g.f")));
            for (var i = 0; i < inside.length; i++) {
              var g = inside[i];
              remember(g);
              place(g, left + (g._x - x0) * scale, g._w * scale);
            }
            zoomed = target;
            unzoom.classList.remove("hidden");
            showMatches();
          }

          function showDetails(g) {
            details.textContent = g ? g.children[0].textContent.replace("\n", "  \u2014  ") : " ";
          }

          var pattern = null;
          function showMatches() {
            var list = all(), sum = 0, root = frames.querySelector("g.root");
            for (var i = 0; i < list.length; i++) {
              var g = list[i], hit = pattern !== null && pattern.test(fullName(g)) && !g.classList.contains("root");
              g.classList.toggle("match", hit);
            }
            if (pattern === null) { matched.textContent = " "; return; }
            // Count each matching subtree once: skip matches inside another match.
            var hits = frames.querySelectorAll("g.match");
            for (var j = 0; j < hits.length; j++) {
              var h = hits[j], outer = false;
              for (var p = h.parentNode; p && p !== frames; p = p.parentNode) {
                if (p.classList && p.classList.contains("match")) { outer = true; break; }
              }
              if (!outer) { remember(h); sum += h._w; }
            }
            remember(root);
            var share = root._w > 0 ? (100 * sum / root._w) : 0;
            matched.textContent = "Matched: " + share.toFixed(1) + "% of the total";
          }
          function setSearch(text) {
            if (text === "") { pattern = null; }
            else {
              try { pattern = new RegExp(text, "i"); }
              catch (e) { pattern = new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i"); }
            }
            showMatches();
          }

          function start() {
            svg = document.documentElement;
            frames = document.getElementById("frames");
            details = document.getElementById("details");
            matched = document.getElementById("matched");
            unzoom = document.getElementById("unzoom");
            search = document.getElementById("search");
            charWidth = parseFloat(svg.getAttribute("data-char-width")) || charWidth;
            var root = frames.querySelector("g.root");
            if (root) { remember(root); left = root._x; full = root._w; }
            var hovered = null;
            frames.addEventListener("mouseover", function (e) {
              var g = frameOf(e.target);
              if (hovered) { hovered.classList.remove("hover"); }
              hovered = g;
              if (g) { g.classList.add("hover"); }
              showDetails(g);
            });
            frames.addEventListener("mouseout", function (e) {
              if (!frameOf(e.relatedTarget)) {
                if (hovered) { hovered.classList.remove("hover"); }
                hovered = null;
                showDetails(null);
              }
            });
            frames.addEventListener("click", function (e) {
              var g = frameOf(e.target);
              if (g) { zoom(g); }
            });
            unzoom.addEventListener("click", reset);
            var byNew = document.getElementById("by-new"), byBase = document.getElementById("by-base");
            if (byNew && byBase) {
              var list = all();
              for (var i = 0; i < list.length; i++) {
                var g = list[i], r = g.children[1];
                g._nx = parseFloat(r.getAttribute("x"));
                g._nw = parseFloat(r.getAttribute("width"));
                g._bx = parseFloat(g.getAttribute("data-bx"));
                g._bw = parseFloat(g.getAttribute("data-bw"));
              }
              var sizeBy = function (base) {
                var frames = all();
                for (var j = 0; j < frames.length; j++) {
                  var f = frames[j];
                  f._x = base ? f._bx : f._nx;
                  f._w = base ? f._bw : f._nw;
                }
                byNew.classList.toggle("on", !base);
                byBase.classList.toggle("on", base);
                reset();
              };
              byNew.addEventListener("click", function () { sizeBy(false); });
              byBase.addEventListener("click", function () { sizeBy(true); });
              if (window.location.hash === "#base") { sizeBy(true); }
            }
            var timer = null;
            if (search) {
              search.addEventListener("input", function () {
                clearTimeout(timer);
                timer = setTimeout(function () { setSearch(search.value); }, 120);
              });
            }
            document.addEventListener("keydown", function (e) {
              if ((e.key === "/" && e.target !== search) || (e.key === "f" && (e.ctrlKey || e.metaKey))) {
                if (search) { e.preventDefault(); search.focus(); search.select(); }
              } else if (e.key === "Escape") {
                if (search) { search.value = ""; search.blur(); }
                setSearch("");
                reset();
              }
            });
          }
          if (document.readyState === "loading") {
            document.addEventListener("DOMContentLoaded", start);
          } else {
            start();
          }
        })();

        """#
}
