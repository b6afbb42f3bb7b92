using System.Text;
using System.Text.Encodings.Web;

namespace Asyncio;

/// <summary>Writes a recorded trace as one self-contained HTML page: the loop's iterations side by side, for people.</summary>
/// <remarks>
/// <para>asyncio: no twin.</para>
/// <para>The page needs nothing but a browser: no network, no external script or style. It
/// embeds the Chrome trace of <see cref="ChromeTraceRecorder"/> as data and a short script
/// that draws it as inline SVG: one column per iteration (its number, the loop time, how many
/// callbacks were ready and how many timers pending), in it the callbacks and task steps it ran
/// from top to bottom, and arrows from a Future's completion to the task it woke (green) and
/// from where a timer was armed to where it ran (orange). A dashed gap between columns is time the loop waited (or, on virtual time, jumped). Hovering a box shows its
/// details; the same page stays readable printed.</para>
/// <para>The script marks what it drew: the SVG has <c>data-rendered-iterations</c>, and each
/// column is a <c>&lt;g class="iteration" data-index="N"&gt;</c>.</para>
/// </remarks>
public static class TimelineHtml
{
    /// <summary>Writes the page for <paramref name="trace"/> to <paramref name="writer"/>.</summary>
    /// <remarks>asyncio: no twin. The same trace gives the same bytes.</remarks>
    public static void Write(ChromeTraceRecorder trace, TextWriter writer, string title = "EventLoop timeline")
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(title);

        // The default encoder escapes <, > and &, so no "</script>" can end the data early.
        using var json = new MemoryStream();
        trace.WriteTo(json, JavaScriptEncoder.Default);

        writer.Write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
        writer.Write(Encode(title));
        writer.Write("</title>\n<style>\n");
        writer.Write(Style);
        writer.Write("</style>\n</head>\n<body>\n<h1>");
        writer.Write(Encode(title));
        writer.Write("</h1>\n");
        writer.Write(Explanation);
        writer.Write("<script type=\"application/json\" id=\"trace\">");
        writer.Write(Encoding.UTF8.GetString(json.GetBuffer(), 0, (int)json.Length));
        writer.Write("</script>\n<script>\n");
        writer.Write(Script);
        writer.Write("</script>\n</body>\n</html>\n");
        writer.Flush();
    }

    /// <summary>Writes the page for <paramref name="trace"/> to the file at <paramref name="path"/> (UTF-8, no BOM).</summary>
    /// <remarks>asyncio: no twin.</remarks>
    public static void Write(ChromeTraceRecorder trace, string path, string title = "EventLoop timeline")
    {
        ArgumentNullException.ThrowIfNull(path);
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
        Write(trace, writer, title);
    }

    // Only the characters that matter in text content: the page is UTF-8, so the rest stays as it is.
    private static string Encode(string text) =>
        text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");

    private const string Style = """
        body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 16px 24px; color: #1f2328; background: #fff; }
        h1 { font-size: 20px; margin: 0 0 4px; }
        p.how { max-width: 980px; margin: 4px 0 10px; color: #444; }
        #summary { margin: 6px 0 10px; font-weight: 600; }
        .legend { display: flex; gap: 18px; flex-wrap: wrap; margin-bottom: 10px; font-size: 13px; }
        .legend span { display: inline-flex; align-items: center; gap: 6px; }
        .legend i { display: inline-block; width: 14px; height: 14px; border-radius: 3px; border: 1px solid #888; }
        #timeline { overflow-x: auto; border: 1px solid #d0d7de; border-radius: 6px; background: #fafbfc; }
        svg text { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
        .col-bg { fill: #fff; stroke: #d0d7de; }
        .col-bg.outside { fill: #f6f3fb; stroke: #c9b8e6; stroke-dasharray: 4 3; }
        .col-title { font: 600 14px system-ui, sans-serif; fill: #1f2328; }
        .col-sub { font-size: 11px; fill: #57606a; }
        .box rect { stroke-width: 1; }
        .box.task rect { fill: #dbe9f8; stroke: #4c78a8; }
        .box.callback rect { fill: #eceff1; stroke: #8c959f; }
        .box.timer rect { fill: #fdecc8; stroke: #d08c00; }
        .box.outside-event rect { fill: #efe8f8; stroke: #8e6bbf; }
        .box .name { font-size: 12px; font-weight: 600; fill: #1f2328; }
        .box .detail { font-size: 10.5px; fill: #444c56; }
        .box:hover rect { stroke-width: 2.5; }
        .gap text { font-size: 11px; fill: #8250df; }
        .gap line { stroke: #c9b8e6; stroke-dasharray: 3 3; }
        .flow { fill: none; stroke-width: 1.6; opacity: 0.55; }
        .flow.wake-up { stroke: #2da44e; }
        .flow.timer { stroke: #d08c00; }
        .flow.hot { opacity: 1; stroke-width: 3; }
        .note { color: #8250df; margin-top: 8px; }

        """;

    private const string Explanation = """
        <p class="how">Each column is one iteration of the loop (one <code>RunOnce</code>): it runs, top to bottom, the callbacks that were
        ready when it began; whatever they schedule runs in a later column. <b>Blue</b> boxes are steps of a task (from one
        <code>await</code> to the next), <b>orange</b> ones are timer callbacks, <b>grey</b> ones are other callbacks.
        A <b>green arrow</b> goes from a Future completing to the task step it woke up; an <b>orange arrow</b> from where a timer was
        armed to where it fired. A dashed gap marked "waits" is time the loop waited for the next timer (on virtual time, the clock jumped).
        Hover a box for its details.</p>
        <div class="legend"><span><i style="background:#dbe9f8;border-color:#4c78a8"></i>task step</span><span><i style="background:#fdecc8;border-color:#d08c00"></i>timer callback</span><span><i style="background:#eceff1;border-color:#8c959f"></i>other callback</span><span><i style="background:#efe8f8;border-color:#8e6bbf"></i>before the loop runs</span><span><i style="background:#2da44e"></i>Future completed → task resumed</span><span><i style="background:#d08c00"></i>timer armed → timer fired</span></div>
        <div id="summary">Rendering…</div>
        <div id="timeline"></div>

        """;

    private const string Script = """
        (function () {
          "use strict";
          var MAX_COLUMNS = 400, COL_W = 220, GAP = 26, JUMP_GAP = 64, HEAD = 58, LINE = 14, BOX_PAD = 6, BOX_GAP = 6, MAX_DETAILS = 3;
          var SVG = "http://www.w3.org/2000/svg";
          var trace = JSON.parse(document.getElementById("trace").textContent);

          // 1. Rebuild columns (iterations, and "outside the loop" stretches) and their boxes from the events, in file order.
          var columns = [], stack = [], flowStart = {}, flowEnd = {}, flowName = {};
          function top() { return stack.length ? stack[stack.length - 1] : null; }
          function holder() { var t = top(); return t ? (t.box || t.column) : null; }
          trace.traceEvents.forEach(function (e) {
            var args = e.args || {};
            if (e.ph === "B" && (e.cat === "iteration" || e.cat === "outside")) {
              var column = { outside: e.cat === "outside", index: args.index, time: args.loop_time, ready: args.ready, timers: args.timers, boxes: [], details: [] };
              columns.push(column);
              stack.push({ column: column });
            } else if (e.ph === "B") {
              var parent = top();
              var box = { name: e.name, cat: e.cat, args: args, details: [] };
              if (parent && parent.column) parent.column.boxes.push(box);
              stack.push({ box: box, column: parent && parent.column });
            } else if (e.ph === "E") {
              var t = stack.pop();
              if (t && t.box && e.args) Object.assign(t.box.args, e.args);
            } else if (e.ph === "i") {
              var h = holder();
              if (!h) return;
              if (e.name === "task created") h.details.push("creates " + args.name);
              else if (e.name === "timer armed") h.details.push("arms a timer for t=" + fmt(args.when));
              else h.details.push(e.name);
            } else if (e.ph === "s") {
              flowStart[e.id] = holder(); flowName[e.id] = e.name;
            } else if (e.ph === "f") {
              flowEnd[e.id] = holder(); flowName[e.id] = e.name;
            }
          });

          // "<TimerHandle when=0.3 Main.<lambda>()>" becomes "timer 0.300: Main.<lambda>()"; "<Handle f()>" becomes "f()".
          function label(b) {
            var m;
            if (b.cat === "task") return "\u25B6 " + b.name;
            if ((m = /^<TimerHandle when=(\S+) (.*)>$/.exec(b.name))) return "timer " + fmt(Number(m[1])) + ": " + (m[2].startsWith("SetResultUnlessCancelled(") ? "sleep ends" : m[2]);
            if ((m = /^<Handle (.*)>$/.exec(b.name))) return m[1];
            return b.name;
          }
          function fmt(t) { return typeof t === "number" ? (Math.round(t * 1000) / 1000).toFixed(3) : "?"; }
          function short(s, n) { s = String(s); return s.length > n ? s.slice(0, n - 1) + "…" : s; }
          function el(name, attrs, parent) {
            var node = document.createElementNS(SVG, name);
            for (var k in attrs) node.setAttribute(k, attrs[k]);
            if (parent) parent.appendChild(node);
            return node;
          }
          function text(parent, x, y, cls, s) { var t = el("text", { x: x, y: y, "class": cls }, parent); t.textContent = s; return t; }

          // Turn slice arguments into the lines a learner reads under the box title.
          columns.forEach(function (c) {
            c.boxes.forEach(function (b) {
              var lines = [];
              // In the box, "Future 6"; the full repr ("Future 6 <Future finished result=1>") in the tooltip.
              if (b.args.resumed_by) lines.push("woken by " + b.args.resumed_by);
              lines = lines.concat(b.details);
              if (b.args.finished) lines.push(b.args.finished === "cancelled" ? "task cancelled" : "task returned");
              else if (b.args.awaits) lines.push("then awaits " + b.args.awaits);
              b.shortLines = lines.map(function (l) { return l.replace(/^((?:woken by|then awaits) (?:Future \d+|task \S+)) <.*>$/, "$1"); });
              b.lines = lines;
              b.label = label(b);
            });
          });

          var iterations = columns.filter(function (c) { return !c.outside; }).length;
          var shown = columns.slice(0, MAX_COLUMNS);
          var steps = 0, callbacks = 0;
          columns.forEach(function (c) { c.boxes.forEach(function (b) { if (b.cat === "task") steps++; else callbacks++; }); });
          var times = columns.filter(function (c) { return typeof c.time === "number"; }).map(function (c) { return c.time; });
          document.getElementById("summary").textContent = iterations + " iterations, " + steps + " task steps, " + callbacks +
            " other callbacks" + (times.length ? ", loop time " + fmt(times[0]) + " s → " + fmt(times[times.length - 1]) + " s" : "") + ".";

          // 2. Lay the columns out left to right; a wider gap where the clock moved between them.
          var x = 12, height = 0, boxesByRef = new Map();
          var svg = el("svg", { "class": "timeline" });
          // Drawn in this order: gaps and column backgrounds, then arrows, then the boxes over them.
          var gaps = el("g", { "class": "gaps" }, svg);
          var backgrounds = el("g", { "class": "backgrounds" }, svg);
          var flows = el("g", { "class": "flows" }, svg);
          var body = el("g", { "class": "columns" }, svg);
          var previousTime = null;
          shown.forEach(function (c, ci) {
            if (ci > 0) {
              var jumped = typeof c.time === "number" && previousTime !== null && c.time - previousTime > 1e-9;
              if (jumped) {
                var g = el("g", { "class": "gap" }, gaps);
                el("line", { x1: x + JUMP_GAP / 2 - 2, x2: x + JUMP_GAP / 2 - 2, y1: 8, y2: 10000 }, g);
                text(g, x + 2, 20, "", "waits " + fmt(c.time - previousTime) + " s");
                x += JUMP_GAP;
              } else {
                x += GAP;
              }
            }
            if (typeof c.time === "number") previousTime = c.time;
            var col = el("g", c.outside ? { "class": "outside" } : { "class": "iteration", "data-index": c.index }, body);
            var bg = el("rect", { "class": c.outside ? "col-bg outside" : "col-bg", x: x, y: 28, width: COL_W, rx: 6 }, backgrounds);
            if (c.outside) {
              text(col, x + 8, 46, "col-title", "before the loop runs");
              text(col, x + 8, 62, "col-sub", c.details.length ? c.details.length + " things set up" : "");
            } else {
              text(col, x + 8, 46, "col-title", "iteration " + c.index);
              text(col, x + 8, 62, "col-sub", "t=" + fmt(c.time) + " s · ready " + c.ready + " · timers " + c.timers);
            }
            var y = 28 + HEAD;
            var items = c.outside ? [{ name: "main program", cat: "outside-event", lines: c.details, args: {} }] : c.boxes;
            items.forEach(function (b) {
              var visible = (b.shortLines || b.lines).slice(0, MAX_DETAILS);
              if (b.lines.length > MAX_DETAILS) visible[MAX_DETAILS - 1] = "+ " + (b.lines.length - MAX_DETAILS + 1) + " more (hover)";
              var h = BOX_PAD * 2 + LINE + visible.length * (LINE - 1);
              var g = el("g", { "class": "box " + b.cat }, col);
              el("title", {}, g).textContent = [b.name].concat(b.lines).join("\n");
              el("rect", { x: x + 6, y: y, width: COL_W - 12, height: h, rx: 4 }, g);
              text(g, x + 12, y + BOX_PAD + 10, "name", short(b.label || b.name, Math.floor((COL_W - 24) / 7.4)));
              visible.forEach(function (line, li) { text(g, x + 12, y + BOX_PAD + 10 + (li + 1) * (LINE - 1), "detail", short(line, Math.floor((COL_W - 24) / 6.5))); });
              b.geometry = { x: x + 6, y: y, w: COL_W - 12, h: h, node: g };
              y += h + BOX_GAP;
            });
            if (c.outside) { c.geometry = items[0].geometry; }
            var colHeight = Math.max(y - 28 + 4, HEAD + 20);
            bg.setAttribute("height", colHeight);
            height = Math.max(height, 28 + colHeight);
            x += COL_W;
          });
          height += 16;
          svg.setAttribute("width", x + 12);
          svg.setAttribute("height", height);
          svg.setAttribute("viewBox", "0 0 " + (x + 12) + " " + height);
          svg.setAttribute("data-rendered-iterations", String(shown.filter(function (c) { return !c.outside; }).length));
          Array.prototype.forEach.call(gaps.querySelectorAll("line"), function (l) { l.setAttribute("y2", height - 8); });

          // 3. Arrows: from the box where the flow starts to the box where it ends.
          var defs = el("defs", {}, svg);
          [["wake-up", "#2da44e"], ["timer", "#d08c00"]].forEach(function (m) {
            var marker = el("marker", { id: "arrow-" + m[0], viewBox: "0 0 8 8", refX: 7, refY: 4, markerWidth: 7, markerHeight: 7, orient: "auto" }, defs);
            el("path", { d: "M0,0 L8,4 L0,8 z", fill: m[1] }, marker);
          });
          Object.keys(flowEnd).forEach(function (id) {
            var from = flowStart[id], to = flowEnd[id];
            var a = from && (from.geometry), b = to && to.geometry;
            if (!a || !b) return;
            var x1 = a.x + a.w, y1 = a.y + Math.min(a.h / 2, 14), x2 = b.x, y2 = b.y + Math.min(b.h / 2, 14);
            var bend = Math.max(30, (x2 - x1) / 3);
            var path = el("path", { "class": "flow " + flowName[id], d: "M" + x1 + "," + y1 + " C" + (x1 + bend) + "," + y1 + " " + (x2 - bend) + "," + y2 + " " + x2 + "," + y2, "marker-end": "url(#arrow-" + flowName[id] + ")" }, flows);
            [a.node, b.node].forEach(function (n) {
              n.addEventListener("mouseenter", function () { path.classList.add("hot"); });
              n.addEventListener("mouseleave", function () { path.classList.remove("hot"); });
            });
          });

          var container = document.getElementById("timeline");
          container.appendChild(svg);
          if (columns.length > shown.length) {
            var note = document.createElement("p");
            note.className = "note";
            note.textContent = "Showing the first " + shown.length + " of " + columns.length + " columns; open the trace in Perfetto for the rest.";
            container.parentNode.insertBefore(note, container.nextSibling);
          }
        })();

        """;
}
