using System.Text;
using System.Text.Encodings.Web;

namespace Asyncio;

/// <summary>Writes a recorded trace as one self-contained HTML page: every iteration of a small program on one screen, for people.</summary>
/// <remarks>
/// <para>asyncio: no twin.</para>
/// <para>The page needs nothing but a browser: no network, no external script or style. It
/// embeds the Chrome trace of <see cref="ChromeTraceRecorder"/> as data and a short script
/// that draws it as cards that wrap at the window's width (no sideways scrolling in a window
/// 1,280 pixels wide): one card per iteration (its number, the loop time, how many callbacks
/// were ready and how many timers pending, how long the loop waited before it), in it the
/// callbacks and task steps it ran from top to bottom, named as asyncio names them.</para>
/// <para>One iteration at a time is selected, stepped through with the arrow keys, the
/// buttons or a click: what it scheduled is outlined (from the trace's <c>scheduled</c> counts,
/// its wake-up and timer arrows, and the tasks it created), with arrows from each callback to
/// what it scheduled, and a sentence above the cards says what it ran and what it scheduled.
/// The address's fragment chooses the first selection (<c>#iteration-5</c>) and can show every
/// arrow at once (<c>#all</c>). Hovering a box shows its details; the page stays readable printed.</para>
/// <para>The script marks what it drew: <c>#timeline</c> has <c>data-rendered-iterations</c>,
/// each card is a <c>&lt;section class="card iteration" data-index="N"&gt;</c>, and the root
/// element has <c>data-scroll-width</c> and <c>data-client-width</c> (the page's width and
/// the window's, which a test compares).</para>
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
        p.how { max-width: 1100px; margin: 4px 0 8px; color: #444; }
        .legend { display: flex; gap: 16px; flex-wrap: wrap; margin-bottom: 8px; font-size: 13px; }
        .legend span { display: inline-flex; align-items: center; gap: 6px; }
        .legend i { display: inline-block; width: 14px; height: 14px; border-radius: 3px; border: 1px solid #888; }
        .controls { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; margin: 6px 0; }
        .controls button { font: inherit; padding: 2px 10px; border: 1px solid #afb8c1; border-radius: 6px; background: #f6f8fa; cursor: pointer; }
        .controls button:focus-visible { outline: 2px solid #0969da; }
        #summary { font-weight: 600; }
        #explain { min-height: 2.8em; margin: 4px 0 10px; padding: 6px 10px; border-left: 4px solid #0969da; background: #f6f8fa; max-width: 1100px; }
        #explain code { font-size: 12.5px; }
        #timeline { position: relative; }
        #timeline svg.arrows { position: absolute; left: 0; top: 0; pointer-events: none; overflow: visible; }
        .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(185px, 1fr)); gap: 14px 18px; }
        .card { min-width: 0; border: 1px solid #d0d7de; border-radius: 6px; background: #fff; padding: 6px 6px 4px; cursor: pointer; }
        .card.outside { background: #f6f3fb; border: 1px dashed #c9b8e6; }
        .card.selected { border: 2px solid #0969da; padding: 5px 5px 3px; box-shadow: 0 0 0 3px #b6d4fe; }
        .card header { display: flex; flex-direction: column; margin: 0 2px 4px; }
        .card header b { font-size: 13.5px; }
        .card header span { font: 11px ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; color: #57606a; }
        .card header .wait { color: #8250df; }
        .box { border: 1px solid; border-radius: 4px; padding: 3px 6px; margin-bottom: 4px; font: 11px/1.35 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; overflow: hidden; }
        .box div { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
        .box .name { font-weight: 600; font-size: 11.5px; color: #1f2328; }
        .box .detail { color: #444c56; }
        .box.task { background: #dbe9f8; border-color: #4c78a8; }
        .box.callback { background: #eceff1; border-color: #8c959f; }
        .box.timer { background: #fdecc8; border-color: #d08c00; }
        .box.outside-event { background: #efe8f8; border-color: #8e6bbf; }
        .card.selected .box { box-shadow: inset 3px 0 0 #0969da; }
        .box.scheduled { outline: 3px solid #2da44e; outline-offset: -1px; }
        .card.receives { border-color: #2da44e; }
        .flow { fill: none; stroke-width: 2; opacity: 0.9; }
        .flow.wake-up, .flow.scheduled { stroke: #2da44e; }
        .flow.timer { stroke: #d08c00; }
        .flow.incoming { stroke: #8c959f; stroke-dasharray: 4 3; stroke-width: 1.5; }
        .all .flow { opacity: 0.35; stroke-width: 1.4; }
        .note { color: #8250df; margin-top: 8px; }
        @media print { .controls, #explain { display: none; } }

        """;

    private const string Explanation = """
        <p class="how">Each card is one iteration of the loop: it runs, top to bottom, the callbacks that were ready when it began, and whatever
        they schedule runs in a later card. <b>Blue</b> boxes are steps of a task (from one <code>await</code> to the next), <b>orange</b> ones
        are timer callbacks, <b>grey</b> ones other callbacks. Step through the iterations with the <b>← →</b> keys or the buttons (or click a
        card): the selected iteration is outlined in blue, what it scheduled is outlined in <b>green</b>, with arrows from each callback to what it
        scheduled (orange for a timer it armed) and dashed grey arrows from where its own callbacks came from. Hover a box for its details.</p>
        <div class="legend"><span><i style="background:#dbe9f8;border-color:#4c78a8"></i>task step</span><span><i style="background:#fdecc8;border-color:#d08c00"></i>timer callback</span><span><i style="background:#eceff1;border-color:#8c959f"></i>other callback</span><span><i style="background:#efe8f8;border-color:#8e6bbf"></i>before the loop runs</span><span><i style="background:#fff;border:3px solid #2da44e"></i>scheduled by the selected iteration</span></div>
        <div class="controls"><button type="button" id="previous">◀ previous</button><button type="button" id="next">next ▶</button><span id="position"></span><label><input type="checkbox" id="all-arrows"> all arrows</label><span id="summary">Rendering…</span></div>
        <div id="explain"></div>
        <div id="timeline"></div>

        """;

    private const string Script = """
        (function () {
          "use strict";
          var MAX_CARDS = 400, MAX_DETAILS = 3;
          var SVG = "http://www.w3.org/2000/svg";
          var trace = JSON.parse(document.getElementById("trace").textContent);

          // 1. Rebuild the cards (iterations, and "outside the loop" stretches) and their boxes from the events, in file order.
          var cards = [], stack = [], flowStart = {}, flowEnd = {}, flowName = {}, created = [];
          function top() { return stack.length ? stack[stack.length - 1] : null; }
          function holder() { var t = top(); return t ? (t.box || t.card.boxes[0]) : null; }
          trace.traceEvents.forEach(function (e) {
            var args = e.args || {};
            if (e.ph === "B" && (e.cat === "iteration" || e.cat === "outside")) {
              var card = { outside: e.cat === "outside", index: args.index, time: args.loop_time, ready: args.ready, timers: args.timers, boxes: [] };
              // An outside stretch shows as one box: what the main program set up.
              if (card.outside) card.boxes.push({ name: "main program", cat: "outside-event", args: {}, details: [], card: card });
              cards.push(card);
              stack.push({ card: card });
            } else if (e.ph === "B") {
              var parent = top();
              if (!parent || !parent.card) { stack.push({}); return; }
              var box = { name: e.name, cat: e.cat, args: args, details: [], card: parent.card };
              parent.card.boxes.push(box);
              stack.push({ box: box, card: parent.card });
            } else if (e.ph === "E") {
              var t = stack.pop();
              if (t && t.box && e.args) Object.assign(t.box.args, e.args);
            } else if (e.ph === "i") {
              var h = holder();
              if (!h) return;
              if (e.name === "task created") { h.details.push("creates " + args.name); created.push({ from: h, task: args.task }); }
              else if (e.name === "timer armed") h.details.push("arms a timer for t=" + fmt(args.when));
              else h.details.push(e.name);
            } else if (e.ph === "s") {
              flowStart[e.id] = holder(); flowName[e.id] = e.name;
            } else if (e.ph === "f") {
              flowEnd[e.id] = holder(); flowName[e.id] = e.name;
            }
          });

          // "<TimerHandle when=0.3 f()>" reads "timer 0.300: f()"; "<Handle f()>" reads "f()"; a sleep's timer reads "sleep ends".
          function label(b) {
            var m;
            if (b.cat === "task") return "\u25B6 " + b.name;
            if ((m = /^<TimerHandle when=(\S+) (.*)>$/.exec(b.name))) return "timer " + fmt(Number(m[1])) + ": " + (m[2].startsWith("SetResultUnlessCancelled(") ? "sleep ends" : m[2]);
            if ((m = /^<Handle (.*)>$/.exec(b.name))) return m[1];
            return b.name;
          }
          function fmt(t) { return typeof t === "number" ? (Math.round(t * 1000) / 1000).toFixed(3) : "?"; }
          function make(tag, cls, parent, text) {
            var node = document.createElement(tag);
            if (cls) node.className = cls;
            if (text !== undefined) node.textContent = text;
            if (parent) parent.appendChild(node);
            return node;
          }
          function svg(name, attrs, parent) {
            var node = document.createElementNS(SVG, name);
            for (var k in attrs) node.setAttribute(k, attrs[k]);
            if (parent) parent.appendChild(node);
            return node;
          }

          // 2. Who scheduled what. Everything a callback schedules runs in the next iteration, in the order
          //    scheduled: a callback's "scheduled" count names the next boxes there. Arrows of the trace (a
          //    Future's completion to the step it woke, a timer armed to its callback) and a task's creation
          //    to its first step add the rest.
          var links = [];
          function link(from, to, kind) { if (from && to && from !== to) links.push({ from: from, to: to, kind: kind }); }
          var iterations = cards.filter(function (c) { return !c.outside; });
          iterations.forEach(function (c, i) {
            var next = iterations[i + 1], at = 0;
            c.boxes.forEach(function (b) {
              for (var n = 0; n < (b.args.scheduled || 0) && next && at < next.boxes.length; n++, at++) link(b, next.boxes[at], "scheduled");
            });
          });
          Object.keys(flowEnd).forEach(function (id) { link(flowStart[id], flowEnd[id], flowName[id]); });
          created.forEach(function (c) {
            var first = null;
            cards.some(function (card) { return card.boxes.some(function (b) { if (b.cat === "task" && b.args.task === c.task) { first = b; return true; } return false; }); });
            link(c.from, first, "scheduled");
          });
          // One arrow per pair: a timer's or a wake-up's says more than "scheduled".
          var seen = {};
          links.forEach(function (l, i) { l.id = i; });
          links.sort(function (a, b) { return (a.kind === "scheduled") - (b.kind === "scheduled") || a.id - b.id; });
          links = links.filter(function (l) {
            var key = cards.indexOf(l.from.card) + "." + l.from.card.boxes.indexOf(l.from) + ">" + cards.indexOf(l.to.card) + "." + l.to.card.boxes.indexOf(l.to);
            if (seen[key]) return false;
            seen[key] = true;
            return true;
          });

          // 3. The cards, in a grid that wraps at the window's width.
          var shown = cards.slice(0, MAX_CARDS);
          var steps = 0, callbacks = 0;
          cards.forEach(function (c) { if (!c.outside) c.boxes.forEach(function (b) { if (b.cat === "task") steps++; else callbacks++; }); });
          var times = iterations.filter(function (c) { return typeof c.time === "number"; }).map(function (c) { return c.time; });
          document.getElementById("summary").textContent = iterations.length + " iterations, " + steps + " task steps, " + callbacks +
            " other callbacks" + (times.length ? ", loop time " + fmt(times[0]) + " s → " + fmt(times[times.length - 1]) + " s" : "") + ".";

          var container = document.getElementById("timeline");
          var arrows = svg("svg", { "class": "arrows" }, container);
          var grid = make("div", "grid", container);
          var previousTime = null;
          shown.forEach(function (c) {
            var node = make("section", c.outside ? "card outside" : "card iteration", grid);
            c.node = node;
            var head = make("header", "", node);
            if (c.outside) {
              make("b", "", head, "before the loop runs");
            } else {
              node.setAttribute("data-index", c.index);
              make("b", "", head, "iteration " + c.index);
              make("span", "", head, "t=" + fmt(c.time) + " s · ready " + c.ready + " · timers " + c.timers);
              if (typeof c.time === "number" && previousTime !== null && c.time - previousTime > 1e-9)
                make("span", "wait", head, "after waiting " + fmt(c.time - previousTime) + " s");
              if (typeof c.time === "number") previousTime = c.time;
            }
            c.boxes.forEach(function (b) {
              var lines = [];
              if (b.args.resumed_by) lines.push("woken by " + b.args.resumed_by);
              lines = lines.concat(b.details);
              if (b.args.finished) lines.push(b.args.finished === "cancelled" ? "task cancelled" : "task returned");
              else if (b.args.awaits) lines.push("then awaits " + b.args.awaits);
              // In the box, "Future 6"; the full repr ("Future 6 <Future finished result=1>") in the tooltip.
              var shortLines = lines.map(function (l) { return l.replace(/^((?:woken by|then awaits) (?:Future \d+|task \S+)) <.*>$/, "$1"); });
              var visible = shortLines.slice(0, MAX_DETAILS);
              if (lines.length > MAX_DETAILS) visible[MAX_DETAILS - 1] = "+ " + (lines.length - MAX_DETAILS + 1) + " more (hover)";
              var box = make("div", "box " + b.cat, node);
              box.title = [b.name].concat(lines, b.args.scheduled ? ["schedules " + b.args.scheduled + " for the next iteration"] : []).join("\n");
              make("div", "name", box, label(b));
              visible.forEach(function (l) { make("div", "detail", box, l); });
              b.node = box;
              b.label = label(b);
            });
            node.addEventListener("click", function () { select(shown.indexOf(c)); });
          });
          container.setAttribute("data-rendered-iterations", String(shown.filter(function (c) { return !c.outside; }).length));
          if (cards.length > shown.length) {
            var note = make("p", "note", null, "Showing the first " + shown.length + " of " + cards.length + " cards; open the trace in Perfetto for the rest.");
            container.parentNode.insertBefore(note, container.nextSibling);
          }

          // 4. The selected iteration: outlined, what it scheduled highlighted, arrows drawn; the words above say the same.
          var selected = -1, allArrows = false;
          var allBox = document.getElementById("all-arrows");
          function rect(node) {
            var r = node.getBoundingClientRect(), o = container.getBoundingClientRect();
            return { left: r.left - o.left, right: r.right - o.left, top: r.top - o.top, bottom: r.bottom - o.top, mid: r.left - o.left + r.width / 2 };
          }
          // Within a row, from the right edge to the left edge; to another row, from the bottom to the top (or back up).
          function arrow(l, cls) {
            if (!l.from.node || !l.to.node) return;
            var a = rect(l.from.node), b = rect(l.to.node), d;
            if (b.top > a.bottom + 4) d = "M" + a.mid + "," + a.bottom + " C" + a.mid + "," + (a.bottom + 40) + " " + b.mid + "," + (b.top - 40) + " " + b.mid + "," + b.top;
            else if (b.bottom < a.top - 4) d = "M" + a.mid + "," + a.top + " C" + a.mid + "," + (a.top - 40) + " " + b.mid + "," + (b.bottom + 40) + " " + b.mid + "," + b.bottom;
            else {
              var y1 = a.top + Math.min((a.bottom - a.top) / 2, 10), y2 = b.top + Math.min((b.bottom - b.top) / 2, 10);
              var bend = Math.max(40, Math.abs(b.left - a.right) / 3);
              d = "M" + a.right + "," + y1 + " C" + (a.right + bend) + "," + y1 + " " + (b.left - bend) + "," + y2 + " " + b.left + "," + y2;
            }
            svg("path", { "class": "flow " + cls, d: d, "marker-end": "url(#arrow-" + cls + ")" }, arrows);
          }
          function draw() {
            while (arrows.firstChild) arrows.removeChild(arrows.firstChild);
            arrows.setAttribute("width", grid.scrollWidth);
            arrows.setAttribute("height", grid.scrollHeight);
            var defs = svg("defs", {}, arrows);
            [["wake-up", "#2da44e"], ["scheduled", "#2da44e"], ["timer", "#d08c00"], ["incoming", "#8c959f"]].forEach(function (m) {
              var marker = svg("marker", { id: "arrow-" + m[0], viewBox: "0 0 8 8", refX: 7, refY: 4, markerWidth: 7, markerHeight: 7, orient: "auto" }, defs);
              svg("path", { d: "M0,0 L8,4 L0,8 z", fill: m[1] }, marker);
            });
            container.classList.toggle("all", allArrows);
            var card = shown[selected];
            links.forEach(function (l) {
              if (allArrows) arrow(l, l.kind);
              else if (card && l.from.card === card) arrow(l, l.kind);
              else if (card && l.to.card === card) arrow(l, "incoming");
            });
          }
          function select(i) {
            if (i < 0 || i >= shown.length) return;
            selected = i;
            var card = shown[i];
            cards.forEach(function (c) {
              if (!c.node) return;
              c.node.classList.toggle("selected", c === card);
              c.node.classList.remove("receives");
              c.boxes.forEach(function (b) { if (b.node) b.node.classList.remove("scheduled"); });
            });
            var out = links.filter(function (l) { return l.from.card === card; });
            out.forEach(function (l) { if (l.to.node) { l.to.node.classList.add("scheduled"); l.to.card.node.classList.add("receives"); } });
            var ran = card.outside ? "set up: " + (card.boxes[0].details.join(", ") || "nothing") :
              "ran " + card.boxes.length + (card.boxes.length === 1 ? " callback" : " callbacks") + ": " + card.boxes.map(function (b) { return b.label; }).join(", ");
            var scheduled = out.map(function (l) { return l.to.label + (l.to.card.outside ? "" : " (iteration " + l.to.card.index + ")"); });
            var explain = document.getElementById("explain");
            explain.textContent = "";
            make("b", "", explain, card.outside ? "Before the loop runs" : "Iteration " + card.index + " at t=" + fmt(card.time) + " s");
            explain.appendChild(document.createTextNode(" " + ran + ". "));
            explain.appendChild(document.createTextNode(scheduled.length ? "It scheduled: " + scheduled.join(", ") + "." : "It scheduled nothing that ran."));
            document.getElementById("position").textContent = (card.outside ? "before the loop" : "iteration " + card.index) + " (" + (i + 1) + " of " + shown.length + ")";
            draw();
            if (selectedOnce) card.node.scrollIntoView({ block: "nearest" });
            selectedOnce = true;
            measure();
          }
          var selectedOnce = false;
          // The page's own width, for a test that checks nothing scrolls sideways.
          function measure() {
            var root = document.documentElement;
            root.setAttribute("data-scroll-width", String(root.scrollWidth));
            root.setAttribute("data-client-width", String(root.clientWidth));
            root.setAttribute("data-scroll-height", String(root.scrollHeight));
          }
          document.getElementById("previous").addEventListener("click", function () { select(selected - 1); });
          document.getElementById("next").addEventListener("click", function () { select(selected + 1); });
          allBox.addEventListener("change", function () { allArrows = allBox.checked; draw(); });
          document.addEventListener("keydown", function (e) {
            if (e.altKey || e.ctrlKey || e.metaKey) return;
            if (e.key === "ArrowRight") select(selected + 1);
            else if (e.key === "ArrowLeft") select(selected - 1);
            else if (e.key === "Home") select(0);
            else if (e.key === "End") select(shown.length - 1);
            else return;
            e.preventDefault();
          });
          window.addEventListener("resize", function () { draw(); measure(); });
          // "#iteration-5" opens on iteration 5; "#all" draws every arrow.
          var hash = location.hash;
          if (/(^#|,)all\b/.test(hash)) { allArrows = true; allBox.checked = true; }
          var wanted = /iteration-(\d+)/.exec(hash);
          var start = 0;
          if (wanted) shown.forEach(function (c, i) { if (!c.outside && c.index === Number(wanted[1])) start = i; });
          else if (shown.length > 1 && shown[0].outside) start = 1;
          select(start);
        })();

        """;
}
