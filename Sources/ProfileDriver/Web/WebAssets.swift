/// The web UI's stylesheet and script, served by the binary itself: no request leaves the machine.
enum WebAssets {
    static func named(_ path: String) -> WebAnswer? {
        switch path {
        case "/ui/static/pprof.css": return asset(css, type: "text/css; charset=utf-8")
        case "/ui/static/pprof.js": return asset(script + sourceScript, type: "text/javascript; charset=utf-8")
        default: return nil
        }
    }

    private static func asset(_ text: String, type: String) -> WebAnswer {
        WebAnswer(contentType: type, body: Array(text.utf8), headers: [("Cache-Control", "max-age=3600")])
    }

    static let css = """
        html, body { margin: 0; padding: 0; font: 14px system-ui, "DejaVu Sans", sans-serif; color: #222; background: #fff; }
        #toolbar { display: flex; align-items: center; gap: 6px; padding: 6px 10px; background: #eef1f6;
          border-bottom: 1px solid #c8ccd4; position: sticky; top: 0; z-index: 10; }
        .brand { font-weight: bold; margin-right: 10px; color: #335; }
        .menu { position: relative; }
        .menu-name { font: inherit; background: none; border: 1px solid transparent; border-radius: 4px;
          padding: 4px 8px; cursor: pointer; }
        .menu-name:hover, .menu.open .menu-name { border-color: #99a; background: #fff; }
        .menu-items { display: none; position: absolute; top: 100%; left: 0; min-width: 180px; background: #fff;
          border: 1px solid #99a; border-radius: 4px; box-shadow: 0 3px 8px rgba(0,0,0,.2); padding: 4px 0; }
        .menu.open .menu-items { display: block; }
        .menu-items a, .menu-items button { display: block; width: 100%; box-sizing: border-box; text-align: left;
          padding: 5px 14px; color: #222; text-decoration: none; background: none; border: 0; font: inherit; cursor: pointer; }
        .menu-items a:hover, .menu-items button:hover { background: #e3e8f3; }
        .menu-items a.current { font-weight: bold; }
        .menu-items a.current::before { content: "\\2713  "; }
        .config-entry { display: flex; }
        .config-entry a { flex: 1; }
        .config-entry button.delete-config { width: auto; color: #a00; }
        #toolbar input.searchbox { flex: 1; max-width: 480px; width: auto; height: auto; margin-left: 8px;
          font: 13px "DejaVu Sans Mono", monospace; padding: 4px 8px; border: 1px solid #99a; border-radius: 4px; }
        #compare-menu .menu-items { max-width: 90vw; max-height: 70vh; overflow: auto; }
        #compare-menu .compare-row { display: flex; align-items: center; white-space: nowrap; padding: 0 8px; }
        #compare-menu .compare-row a { width: auto; margin: 2px; padding: 2px 8px; border: 1px solid #ccd; border-radius: 3px;
          font-size: 12px; }
        #compare-menu .compare-row a.current { background: #335; color: #fff; font-weight: normal; }
        #compare-menu .compare-row a.current::before { content: none; }
        #compare-menu .compare-row .source { padding: 0 8px; font: 12px "DejaVu Sans Mono", monospace; }
        #growthplot svg { display: block; max-width: 100%; height: auto; margin: 4px 0 10px; }
        #growthtable { border-collapse: collapse; font: 13px "DejaVu Sans Mono", monospace; }
        #growthtable th { background: #f6f7f9; border-bottom: 1px solid #c8ccd4; padding: 4px 10px; text-align: right; }
        #growthtable th.name { text-align: left; }
        #growthtable td { padding: 2px 10px; border-bottom: 1px solid #eee; }
        #growthtable td.num { text-align: right; white-space: pre; }
        #growthtable tr.verdict-grows td { background: #fdecea; }
        #growthtable tr.verdict-grows td:nth-child(6) { color: #b00; font-weight: bold; }
        .download { margin-left: auto; color: #335; }
        #legend { padding: 6px 12px; color: #444; font-size: 12px; }
        .error { margin: 8px 12px; padding: 8px 12px; background: #fde8e8; border: 1px solid #e0a0a0; color: #900;
          border-radius: 4px; font-family: "DejaVu Sans Mono", monospace; white-space: pre-wrap; }
        .note { margin: 4px 12px; padding: 4px 12px; background: #fff6d8; border: 1px solid #e6d38c; border-radius: 4px; }
        main { padding: 0 12px 12px; }
        .summary { font-size: 12px; color: #444; margin: 4px 0 8px; }
        #toptable { border-collapse: collapse; font: 13px "DejaVu Sans Mono", monospace; }
        #toptable th { position: sticky; top: 41px; background: #f6f7f9; border-bottom: 1px solid #c8ccd4;
          padding: 4px 10px; text-align: right; cursor: pointer; user-select: none; }
        #toptable th.name { text-align: left; }
        #toptable th a { color: inherit; text-decoration: none; }
        #toptable th a.sorted, #toptable th.sorted { color: #0030c0; }
        #toptable td { padding: 2px 10px; border-bottom: 1px solid #eee; }
        #toptable td.num { text-align: right; white-space: pre; }
        #toptable tr:hover td { background: #f0f4ff; }
        #toptable tr.match td { background: #f6d8f6; }
        #toptable tbody tr { cursor: pointer; }
        #toptable tr.selected td { background: #cfe0ff; font-weight: bold; }
        #selection { font-size: 12px; color: #335; }
        #frame-menu { display: block; position: fixed; z-index: 20; min-width: 200px; }
        #frame-menu .frame-name { padding: 4px 14px 6px; font: 12px "DejaVu Sans Mono", monospace; color: #335;
          border-bottom: 1px solid #ddd; max-width: 420px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
        #flamegraph svg { width: 100%; height: auto; display: block; }
        iframe#graph { width: 100%; height: calc(100vh - 110px); border: 1px solid #ddd; }
        pre.report { font: 12px "DejaVu Sans Mono", monospace; line-height: 1.35; }
        .routine h2 { font-size: 15px; margin: 14px 0 2px; }
        .routine h2 .file { font-weight: normal; color: #557; font-size: 13px; }
        .routine-summary { font-size: 12px; color: #444; margin-bottom: 4px; }
        table.listing { border-collapse: collapse; font: 12px "DejaVu Sans Mono", monospace; }
        table.listing th { background: #f6f7f9; border-bottom: 1px solid #c8ccd4; padding: 2px 8px; text-align: right; }
        table.listing th.code { text-align: left; }
        table.listing td { padding: 0 8px; white-space: pre; }
        table.listing td.num { text-align: right; }
        table.listing td.lineno { color: #889; }
        tr.line.cold td { color: #aaa; }
        tr.line.heat0 td, tr.line.heat1 td { background: #fff3ee; }
        tr.line.heat2 td { background: #ffe1d3; }
        tr.line.heat3 td { background: #ffc3a8; }
        tr.line.heat4 td { background: #ff9c78; }
        tr.line.heat5 td { background: #ff6e4a; }
        tr.line.expandable { cursor: pointer; }
        tr.line.expandable td.lineno::before { content: "\\25B8 "; }
        tr.line.expandable.open td.lineno::before { content: "\\25BE "; }
        tr.expansion td { background: #f4f6fb; padding: 2px 8px 4px 60px; white-space: pre; }
        tr.expansion .num { display: inline-block; min-width: 80px; text-align: right; }

        """

    /// The source view's lines open and close on click (also inside `pprof -weblist` pages).
    static let sourceScript = #"""
        (function () {
          "use strict";
          document.querySelectorAll("tr.line.expandable").forEach(function (tr) {
            tr.addEventListener("click", function () {
              var x = tr.nextElementSibling;
              if (x && x.classList.contains("expansion")) {
                x.hidden = !x.hidden;
                tr.classList.toggle("open", !x.hidden);
              }
            });
          });
        })();

        """#

    static let script = #"""
        (function () {
          "use strict";
          var view = document.body.getAttribute("data-view");
          // The search box: the page's, or on the flame graph the graph's own (its script
          // highlights the matching frames and shows their share as the box changes).
          var box = document.getElementById("searchbox") || document.getElementById("search");

          // Menus open on click and close on a click elsewhere or Escape.
          document.querySelectorAll(".menu-name").forEach(function (b) {
            b.addEventListener("click", function (e) {
              var m = b.parentNode, open = m.classList.contains("open");
              document.querySelectorAll(".menu.open").forEach(function (o) { o.classList.remove("open"); });
              if (!open) { m.classList.add("open"); }
              e.stopPropagation();
            });
          });
          document.addEventListener("click", function () {
            document.querySelectorAll(".menu.open").forEach(function (o) { o.classList.remove("open"); });
          });

          // Refine: the regexp in the box becomes focus, ignore, hide, show or show_from.
          function go(changes) {
            var url = new URL(window.location.href);
            Object.keys(changes).forEach(function (k) {
              if (changes[k] === "") { url.searchParams.delete(k); } else { url.searchParams.set(k, changes[k]); }
            });
            window.location.href = url.toString();
          }
          // A name as a regexp that matches it alone, as go's Refine menu quotes selected nodes.
          function quote(name) { return "^" + name.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&") + "$"; }
          // The selection: rows of the top table and nodes of the call graph, chosen by clicking.
          var selected = [];
          function toggle(name, on) {
            var k = selected.indexOf(name);
            if (on && k < 0) { selected.push(name); }
            if (!on && k >= 0) { selected.splice(k, 1); }
            var count = document.getElementById("selection");
            if (count) { count.textContent = selected.length ? selected.length + " selected" : ""; }
          }
          function refineValue() { return selected.length ? selected.map(quote).join("|") : box.value; }
          document.querySelectorAll("button.refine").forEach(function (b) {
            b.addEventListener("click", function () {
              var p = b.getAttribute("data-param");
              if (p === "") { go({ f: "", i: "", h: "", s: "", sf: "" }); return; }
              var c = {}; c[p] = refineValue(); go(c);
            });
          });
          document.querySelectorAll("#toptable tbody tr").forEach(function (r) {
            r.addEventListener("click", function () {
              var on = !r.classList.contains("selected");
              r.classList.toggle("selected", on);
              toggle(r.lastElementChild.textContent, on);
            });
          });
          var graph = document.getElementById("graph");
          function graphNodes() {
            var doc = graph.contentDocument;
            if (!doc) { return; }
            doc.querySelectorAll("g.node").forEach(function (n) {
              var t = n.querySelector("title"), a = n.querySelector("a");
              if (!t || !/^N\d+$/.test(t.textContent) || !a) { return; }
              var label = a.getAttributeNS("http://www.w3.org/1999/xlink", "title") || a.getAttribute("xlink:title") || "";
              var name = label.replace(/ \([^()]*\)$/, "");
              n.style.cursor = "pointer";
              n.addEventListener("click", function () {
                var on = n.getAttribute("data-selected") !== "1";
                n.setAttribute("data-selected", on ? "1" : "0");
                n.querySelectorAll("polygon, ellipse, path").forEach(function (s) {
                  s.setAttribute("stroke-width", on ? "5" : "1");
                });
                toggle(name, on);
              });
            });
          }
          if (graph) {
            graph.addEventListener("load", graphNodes);
            if (graph.contentDocument && graph.contentDocument.readyState === "complete") { graphNodes(); }
          }

          // The flame graph's frames: a right click opens a menu that refines on the frame or
          // shows its callers (the peek report of that function).
          var frameMenu = null;
          function closeFrameMenu() { if (frameMenu) { frameMenu.remove(); frameMenu = null; } }
          document.addEventListener("contextmenu", function (e) {
            var g = e.target.closest ? e.target.closest("#flamegraph g.f") : null;
            if (!g || g.classList.contains("root")) { return; }
            var title = g.querySelector("title");
            if (!title) { return; }
            e.preventDefault();
            closeFrameMenu();
            var name = title.textContent.split("\n")[0], re = quote(name);
            frameMenu = document.createElement("div");
            frameMenu.id = "frame-menu";
            frameMenu.className = "menu-items";
            frameMenu.style.left = e.clientX + "px";
            frameMenu.style.top = e.clientY + "px";
            var head = document.createElement("div");
            head.className = "frame-name";
            head.textContent = name;
            frameMenu.appendChild(head);
            [["Focus", "f"], ["Ignore", "i"], ["Hide", "h"], ["Show", "s"], ["Show from", "sf"]].forEach(function (a) {
              var b = document.createElement("button");
              b.type = "button";
              b.id = "frame-" + a[1];
              b.textContent = a[0];
              b.addEventListener("click", function () { var c = {}; c[a[1]] = re; go(c); });
              frameMenu.appendChild(b);
            });
            var callers = document.createElement("a");
            callers.id = "frame-callers";
            callers.textContent = "Callers and callees";
            var url = new URL(window.location.href);
            url.pathname = "/ui/peek";
            url.searchParams.set("f", re);
            url.searchParams.set("g", "functions");
            callers.href = url.pathname + url.search;
            frameMenu.appendChild(callers);
            document.body.appendChild(frameMenu);
          });
          document.addEventListener("click", function (e) {
            if (frameMenu && !frameMenu.contains(e.target)) { closeFrameMenu(); }
          });
          document.addEventListener("keydown", function (e) { if (e.key === "Escape") { closeFrameMenu(); } });

          // Search: highlights matching frames (flame graph) or rows (top); Enter focuses on it.
          var rows = Array.prototype.slice.call(document.querySelectorAll("#toptable tbody tr"));
          function highlight() {
            var text = box.value, re = null;
            if (text !== "") {
              try { re = new RegExp(text); } catch (e) { re = null; }
            }
            rows.forEach(function (r) {
              r.classList.toggle("match", re !== null && re.test(r.lastElementChild.textContent));
            });
          }
          var timer = null;
          box.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(highlight, 150); });
          box.addEventListener("keydown", function (e) { if (e.key === "Enter") { go({ f: box.value }); } });
          if (box.value !== "" && view === "/ui/top") { highlight(); }

          // The top table sorts by name in the page; flat and cum are links (the report's own order).
          var nameHead = document.getElementById("sort-name");
          if (nameHead) {
            var original = rows.slice(), ascending = false;
            nameHead.addEventListener("click", function () {
              ascending = !ascending;
              var sorted = ascending ? rows.slice().sort(function (a, b) {
                var x = a.lastElementChild.textContent, y = b.lastElementChild.textContent;
                return x < y ? -1 : x > y ? 1 : 0;
              }) : original;
              var body = document.querySelector("#toptable tbody");
              sorted.forEach(function (r) { body.appendChild(r); });
              nameHead.classList.toggle("sorted", ascending);
            });
          }

          // Configurations: save the page's options under a name, delete a saved one.
          function post(path, name) {
            var url = new URL(window.location.href);
            var q = new URLSearchParams(url.search);
            q.set("config", name);
            return fetch(path + "?" + q.toString(), { method: "POST" }).then(function (r) {
              if (!r.ok) { return r.text().then(function (t) { alert(t); }); }
              window.location.reload();
            });
          }
          var save = document.getElementById("save-config");
          if (save) {
            save.addEventListener("click", function () {
              var name = window.prompt("Save the current options as:");
              if (name) { post("/ui/saveconfig", name); }
            });
          }
          document.querySelectorAll("button.delete-config").forEach(function (b) {
            b.addEventListener("click", function (e) {
              e.preventDefault();
              var name = b.getAttribute("data-name");
              if (window.confirm("Delete the configuration " + name + "?")) { post("/ui/deleteconfig", name); }
            });
          });
        })();

        """#
}
