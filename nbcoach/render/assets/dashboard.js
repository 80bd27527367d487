/* nbcoach dashboard: draws the inlined data with the inlined Chart.js. No network, no storage. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("nbcoach-data").textContent);
  var charts = {};
  var palette = ["#1c7ed6", "#e8590c", "#2f9e44", "#9c36b5", "#c92a2a", "#0c8599",
                 "#f08c00", "#5c940d", "#d6336c", "#495057", "#3b5bdb", "#a61e4d"];
  var good = "#2f9e44", bad = "#c92a2a", accent = "#1c7ed6", muted = "#adb5bd";

  Chart.defaults.animation = false;
  Chart.defaults.responsive = true;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif";
  Chart.defaults.plugins.legend.labels.boxWidth = 12;

  function day(ms) { return new Date(ms).toISOString().slice(0, 10); }
  function fmt(value, digits) { return value === null || value === undefined ? "-" : Number(value).toFixed(digits === undefined ? 1 : digits); }
  function signed(value) { return value === null || value === undefined ? "-" : (value > 0 ? "+" : "") + Number(value).toFixed(1); }
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  var HOUR = 3600000, DAY = 24 * HOUR;
  var STEPS = [HOUR, 6 * HOUR, DAY, 7 * DAY, 30 * DAY, 91 * DAY, 365 * DAY, 5 * 365 * DAY];
  function timeAxis() {
    /* Dates on a linear axis (no date adapter needed): ticks at whole hours, days, weeks... */
    return { type: "linear", afterBuildTicks: function (axis) {
      var span = Math.max(axis.max - axis.min, HOUR), step = STEPS[STEPS.length - 1];
      for (var i = 0; i < STEPS.length; i++) { if (span / STEPS[i] <= 10) { step = STEPS[i]; break; } }
      var ticks = [];
      for (var t = Math.ceil(axis.min / step) * step; t <= axis.max; t += step) ticks.push({ value: t });
      axis.ticks = ticks.length ? ticks : [{ value: axis.min }];
      axis.$step = step;
    }, ticks: { callback: function (v) {
      var text = new Date(v).toISOString();
      return this.$step < DAY ? text.slice(5, 10) + " " + text.slice(11, 16) : text.slice(0, 10);
    } } };
  }
  function draw(id, config) {
    charts[id] = new Chart(document.getElementById(id), config);
  }
  function table(target, headers, rows, numeric) {
    var box = document.getElementById(target);
    if (!rows.length) { box.appendChild(el("p", "None.", "muted")); return; }
    var tableNode = el("table"), head = el("tr");
    function cls(i) { return numeric[i] === true ? "num" : numeric[i] || ""; }
    headers.forEach(function (h, i) { head.appendChild(el("th", h, cls(i))); });
    tableNode.appendChild(head);
    rows.forEach(function (row) {
      var tr = el("tr");
      row.forEach(function (cell, i) {
        var td = el("td", null, cls(i));
        if (cell instanceof Node) td.appendChild(cell); else td.textContent = cell === null ? "-" : String(cell);
        tr.appendChild(td);
      });
      tableNode.appendChild(tr);
    });
    box.appendChild(tableNode);
  }
  function counted(n, noun, plural) { return n + " " + (n === 1 ? noun : plural || noun + "s"); }
  function coloured(text, value) { return el("span", text, value > 0 ? "good" : value < 0 ? "bad" : ""); }

  var s = data.summary;
  document.getElementById("title").textContent = "nbcoach dashboard: " + data.repository;
  document.getElementById("subtitle").textContent = s.commits
    ? s.commits + " commits on the first-parent line, " + s.first.slice(0, 10) + " to " + s.last.slice(0, 10)
    : "No commits yet";
  document.getElementById("footer").textContent = "Generated " + data.generated + " by nbcoach " +
    data.nbcoach_version + ". Every version graded by nbcoach report's engine; nothing was executed.";
  document.getElementById("big-bang-limits").textContent = data.big_bang_lines + " code lines, " +
    data.big_bang_functions + " functions changed or " + data.big_bang_files + " files touched";
  [["Team score", s.team_last === null ? "-" : fmt(s.team_last)],
   ["Change since the start", s.team_first === null ? "-" : signed(s.team_last - s.team_first)],
   ["Notebooks and .py files", s.files], ["Commits", s.commits], ["Authors", s.authors],
   ["Big-bang commits", s.big_bang], ["Versions not compared", s.not_compared]].forEach(function (item) {
    var card = el("div", null, "card");
    card.appendChild(el("div", item[1], "value"));
    card.appendChild(el("div", item[0], "label"));
    document.getElementById("summary").appendChild(card);
  });

  if (!data.files.length) {
    document.getElementById("empty").hidden = false;
    document.getElementById("charts").hidden = true;
    window.nbcoachDashboard = { charts: charts, empty: true };
    document.body.setAttribute("data-ready", "1");
    return;
  }

  draw("chart-team", {
    type: "line",
    data: { datasets: [{
      label: "team score", data: data.team.map(function (p) { return { x: p.x, y: p.y }; }),
      borderColor: accent, backgroundColor: accent, spanGaps: true,
      pointStyle: function (c) { var p = data.team[c.dataIndex]; return p && p.marks.length ? "triangle" : "circle"; },
      pointRadius: function (c) { var p = data.team[c.dataIndex]; return p && p.marks.length ? 6 : (data.team.length > 200 ? 0 : 2.5); },
      pointBackgroundColor: function (c) { var p = data.team[c.dataIndex]; return p && p.marks.length ? bad : accent; }
    }] },
    options: {
      scales: { x: timeAxis(), y: { max: 100, grace: "5%", title: { display: true, text: "score" } } },
      plugins: { legend: { display: false }, tooltip: { callbacks: {
        title: function (items) { var p = data.team[items[0].dataIndex]; return p.sha + "  " + day(p.x); },
        afterBody: function (items) { var p = data.team[items[0].dataIndex]; return [p.subject, p.files + " graded files"].concat(p.marks); }
      } } }
    }
  });

  draw("chart-files", {
    type: "line",
    data: { datasets: data.files.filter(function (f) { return f.charted; }).map(function (f, i) {
      var colour = palette[i % palette.length];
      return {
        label: f.label, borderColor: colour, backgroundColor: colour, stepped: "before", spanGaps: true,
        data: f.points.map(function (p) { return { x: p.x, y: p.y, mark: p.mark, raw: p.raw, sha: p.sha }; }),
        pointStyle: function (c) { var p = c.raw; return p && p.mark && p.mark !== "new" ? "triangle" : "circle"; },
        pointRadius: function (c) { var p = c.raw; return p && p.mark && p.mark !== "new" ? 6 : 2.5; }
      };
    }) },
    options: {
      parsing: { xAxisKey: "x", yAxisKey: "y" },
      scales: { x: timeAxis(), y: { max: 100, grace: "5%", title: { display: true, text: "score" } } },
      plugins: { tooltip: { callbacks: { title: function (items) { return data.files.filter(function (f) { return f.charted; })[items[0].datasetIndex].path; },
        afterLabel: function (item) {
        var p = item.raw; return p.mark ? p.sha + " " + p.mark + (p.raw !== null && p.mark === "coverage-drop" ? " (scored " + fmt(p.raw) + ", not counted)" : "") : p.sha;
      } } } }
    }
  });

  // Every bar drawn carries its own label: only authors whose changes moved a score, the
  // largest first, at most MAX_BARS, in a chart as tall as its bars (with 138 authors Chart.js
  // skipped 11 labels of 12 and a bar read as someone else's).
  var MAX_BARS = 40;
  var movers = data.authors.filter(function (a) { return a.score_change !== 0; })
    .sort(function (a, b) { return Math.abs(b.score_change) - Math.abs(a.score_change); });
  var charted = movers.slice(0, MAX_BARS);
  var authorsBox = document.getElementById("chart-authors").parentNode;
  authorsBox.style.height = Math.max(120, 40 + 22 * charted.length) + "px";
  var left = data.authors.length - charted.length;
  if (left > 0) {
    authorsBox.parentNode.insertBefore(el("p", left + " more author" + (left === 1 ? "" : "s") +
      " not drawn (no score change" + (movers.length > MAX_BARS ? ", or smaller changes" : "") +
      "): see the table below.", "muted"), authorsBox.nextSibling);
  }
  draw("chart-authors", {
    type: "bar",
    data: { labels: charted.map(function (a) { return a.name; }), datasets: [{
      label: "score change", data: charted.map(function (a) { return a.score_change; }),
      backgroundColor: charted.map(function (a) { return a.score_change >= 0 ? good : bad; })
    }] },
    options: { indexAxis: "y", maintainAspectRatio: false, plugins: { legend: { display: false } },
               scales: { x: { title: { display: true, text: "score points" } },
                         y: { ticks: { autoSkip: false } } } }
  });

  var xs = data.commits.map(function (c) { return c.x; });
  draw("chart-commits", {
    type: "scatter",
    data: { datasets: [{
      label: "code lines changed", backgroundColor: accent, borderColor: accent,
      data: data.commits.map(function (c) { return { x: c.x, y: c.lines }; }),
      pointBackgroundColor: data.commits.map(function (c) { return c.big_bang ? bad : c.merge ? muted : accent; }),
      pointBorderColor: data.commits.map(function (c) { return c.big_bang ? bad : c.merge ? muted : accent; }),
      pointRadius: data.commits.map(function (c) { return c.big_bang ? 5 : 3; })
    }, {
      type: "line", label: data.big_bang_lines + " lines", borderColor: bad, borderDash: [6, 4], borderWidth: 1, pointRadius: 0,
      data: xs.length ? [{ x: Math.min.apply(null, xs), y: data.big_bang_lines }, { x: Math.max.apply(null, xs), y: data.big_bang_lines }] : []
    }] },
    options: { scales: { x: timeAxis(), y: { beginAtZero: true, title: { display: true, text: "code lines" } } },
      plugins: { legend: { display: false }, tooltip: { callbacks: { label: function (item) {
        if (item.datasetIndex) return data.big_bang_lines + " code lines";
        var c = data.commits[item.dataIndex];
        return c.sha + " " + c.author + ": " + c.lines + " lines" + (c.big_bang ? " (big-bang)" : "") + (c.merge ? " (merge)" : "");
      } } } } }
  });

  function stacked(id, labels, series, colours) {
    var d = data.distributions;
    draw(id, {
      type: "line",
      data: { datasets: series.map(function (values, i) {
        return { label: labels[i], data: values.map(function (v, j) { return { x: d.x[j], y: v }; }),
                 borderColor: colours[i], backgroundColor: colours[i] + "99", fill: i ? "-1" : "origin",
                 stepped: "before", pointRadius: 0 };
      }) },
      options: { scales: { x: timeAxis(), y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "functions" } } },
                 interaction: { mode: "index", intersect: false } }
    });
  }
  var ramp = ["#74c69d", "#ffd43b", "#ff922b", "#e03131"];
  stacked("chart-length", data.distributions.length_labels, data.distributions.length, ramp);
  stacked("chart-complexity", data.distributions.complexity_labels, data.distributions.complexity, ramp);

  draw("chart-redefinitions", {
    type: "line",
    data: { datasets: [
      { label: "functions/classes redefined", borderColor: bad, backgroundColor: bad, stepped: "before", pointRadius: 0,
        data: data.distributions.redefinitions.map(function (v, j) { return { x: data.distributions.x[j], y: v }; }) },
      { label: "variables re-assigned across cells", borderColor: "#f08c00", backgroundColor: "#f08c00", stepped: "before", pointRadius: 0,
        data: data.distributions.reassignments.map(function (v, j) { return { x: data.distributions.x[j], y: v }; }) }
    ] },
    options: { scales: { x: timeAxis(), y: { beginAtZero: true, ticks: { precision: 0 } } }, interaction: { mode: "index", intersect: false } }
  });

  if (data.runs.length) {
    table("runs", ["notebook", "status", "started", "seconds", "failing cell", "error", "python", "environment", "lock"],
      data.runs.map(function (r) {
        return [r.notebook + (r.in_history ? "" : " (not in history)"), el("span", r.status, "badge " + r.status),
                r.started, fmt(r.duration_s), r.failing_cell, r.error, r.python, r.environment, r.lock_hash];
      }), [false, "nowrap", "nowrap", true, true, false, "nowrap", false, "nowrap"]);
  } else {
    document.getElementById("runs").appendChild(el("p", "No runs recorded yet: nbcoach run writes .nbcoach/runs.jsonl.", "muted"));
  }
  function changes(target, list) {
    table(target, ["change", "notebook", "commit", "date", "author", "subject"], list.map(function (c) {
      return [coloured(signed(c.delta), c.delta), c.path, c.sha, c.date, c.author, c.subject];
    }), [true, false, "nowrap", "nowrap", false, false]);
  }
  changes("improvements", data.improvements);
  changes("regressions", data.regressions);
  table("files", ["notebook", "versions", "first", "latest", "change", "cells analysed"], data.files.map(function (f) {
    return [f.path + (f.alive ? "" : " (deleted)"), f.versions, fmt(f.first), fmt(f.latest), coloured(signed(f.change), f.change), f.coverage];
  }), [false, true, true, true, true, true]);
  if (data.twins.length) {
    document.getElementById("files").appendChild(el("p", counted(data.twins.length, "py:percent twin") +
      " counted with " + (data.twins.length === 1 ? "its notebook" : "their notebooks") + ": " + data.twins.join(", "), "muted"));
  }
  table("authors", ["author", "commits", "score change", "improved", "regressed", "added", "coverage drops", "big-bang", "median lines"],
    data.authors.map(function (a) {
      return [a.name, a.commits, coloured(signed(a.score_change), a.score_change), a.improvements, a.regressions, a.added,
              a.coverage_drops, a.big_bang, fmt(a.median_lines, 0)];
    }), [false, true, true, true, true, true, true, true, true]);
  table("not-compared", ["why", "notebook", "commit", "date", "author", "scored", "standing score"], data.not_compared.map(function (c) {
    return [el("span", c.mark, "warn"), c.path, c.sha, c.date, c.author, fmt(c.after), fmt(c.before)];
  }), ["nowrap", false, "nowrap", "nowrap", false, true, true]);

  window.nbcoachDashboard = { charts: charts, empty: false };
  document.body.setAttribute("data-ready", "1");
})();
