import Foundation

/// Makes Graphviz's SVG of a call graph fill the browser window and pan and zoom with the mouse,
/// the way go tool pprof post-processes its `svg` output (its code and script are not used).
public enum GraphSVG {
    /// `svg` with its fixed size replaced by the window's, its drawing wrapped in a `viewport`
    /// group at half scale, and a script that pans (drag) and zooms (wheel, + - 0 keys) it.
    public static func addPanZoom(_ input: String) -> String {
        // Graphviz sometimes leaves an ampersand unquoted, which no XML parser accepts.
        var svg = input.replacingOccurrences(of: "&;", with: "&amp;;")
        if let r = svg.range(
            of: #"<svg\s*width="[^"]+"\s*height="[^"]+"\s*viewBox="[^"]+""#, options: .regularExpression)
        {
            svg.replaceSubrange(r, with: #"<svg width="100%" height="100%""#)
        }
        if let r = svg.range(of: #"<g id="graph[0-9]""#, options: .regularExpression) {
            svg.insert(
                contentsOf: "<script type=\"text/ecmascript\"><![CDATA[" + panZoomScript + "]]></script>"
                    + "<g id=\"viewport\" transform=\"scale(0.5,0.5) translate(0,0)\">", at: r.lowerBound)
        }
        if let r = svg.range(of: "</svg>") {
            svg.insert(contentsOf: "</g>", at: r.lowerBound)
        }
        return svg
    }

    /// Pan by dragging, zoom around the pointer with the wheel, `+`/`-` to zoom, `0` to reset.
    static let panZoomScript = #"""
        (function () {
          "use strict";
          // The script comes before the drawing: start once the document is parsed.
          if (document.readyState === "loading") {
            document.addEventListener("DOMContentLoaded", start);
          } else {
            start();
          }
          function start() {
          var root = document.documentElement;
          var view = document.getElementById("viewport");
          if (!view) { return; }
          var home = { s: 0.5, x: 0, y: 0 };
          var s = home.s, x = home.x, y = home.y;
          var drag = null;
          function show() {
            view.setAttribute("transform", "translate(" + x + "," + y + ") scale(" + s + ")");
          }
          function local(evt) {
            var box = root.getBoundingClientRect();
            return { x: evt.clientX - box.left, y: evt.clientY - box.top };
          }
          function zoomAt(p, factor) {
            var next = Math.min(40, Math.max(0.02, s * factor));
            factor = next / s;
            x = p.x - (p.x - x) * factor;
            y = p.y - (p.y - y) * factor;
            s = next;
            show();
          }
          root.addEventListener("wheel", function (evt) {
            evt.preventDefault();
            var d = evt.deltaY * (evt.deltaMode === 1 ? 33 : evt.deltaMode === 2 ? 400 : 1);
            zoomAt(local(evt), Math.exp(-d * 0.0015));
          }, { passive: false });
          root.addEventListener("mousedown", function (evt) {
            if (evt.button !== 0) { return; }
            var p = local(evt);
            drag = { px: p.x, py: p.y, x: x, y: y };
            root.style.cursor = "move";
            evt.preventDefault();
          });
          root.addEventListener("mousemove", function (evt) {
            if (!drag) { return; }
            var p = local(evt);
            x = drag.x + p.x - drag.px;
            y = drag.y + p.y - drag.py;
            show();
          });
          function stop() { drag = null; root.style.cursor = ""; }
          root.addEventListener("mouseup", stop);
          root.addEventListener("mouseleave", stop);
          document.addEventListener("keydown", function (evt) {
            var box = root.getBoundingClientRect();
            var mid = { x: box.width / 2, y: box.height / 2 };
            if (evt.key === "+" || evt.key === "=") { zoomAt(mid, 1.25); }
            else if (evt.key === "-") { zoomAt(mid, 0.8); }
            else if (evt.key === "0") { s = home.s; x = home.x; y = home.y; show(); }
          });
          }
        })();
        """#
}
