// Thin glue between the exposure page and uPlot: the page's data block says where the minute series is
// (GET …/exposure/series, kept out of the page's render) and how to label it; this reads it, draws two series
// per minute with maintenance windows shaded and the first and last exposure marked, and fills the table that
// carries the same figures. If the series cannot be read, the page says so; its counts do not depend on it.
(function () {
  'use strict';
  var holder = document.getElementById('exposure-chart');
  var block = document.getElementById('exposure-data');
  if (!holder || !block || typeof window.uPlot !== 'function') return;
  var data = JSON.parse(block.textContent);
  var uPlot = window.uPlot;

  function failed() {
    holder.removeAttribute('aria-busy');
    var note = document.getElementById('chart-failed');
    if (note) note.hidden = false;
  }

  fetch(data.series, { headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' })
    .then(function (res) {
      if (!res.ok) throw new Error(String(res.status));
      return res.json();
    })
    .then(function (series) {
      draw(series);
      fill(series.busy);
      holder.removeAttribute('aria-busy');
    })
    .catch(failed);

  // The table: text set as text (never as markup); times as the server wrote them for people.
  function fill(busy) {
    var rows = document.getElementById('chart-rows');
    var table = document.getElementById('chart-table');
    if (!rows || !table) return;
    busy.forEach(function (row) {
      var tr = document.createElement('tr');
      var time = document.createElement('time');
      time.setAttribute('datetime', row.at);
      time.textContent = row.text;
      var cells = [time, String(row.personal), String(row.others)];
      cells.forEach(function (content) {
        var td = document.createElement('td');
        if (typeof content === 'string') td.textContent = content;
        else td.appendChild(content);
        tr.appendChild(td);
      });
      rows.appendChild(tr);
    });
    table.hidden = false;
  }

  function draw(series) {
    var seconds = series.minutes.map(function (ms) { return ms / 1000; });
    var shade = 'rgba(0, 0, 0, 0.10)';
    var marker = '#3a3a3a';

    function overlay(u) {
      var ctx = u.ctx;
      var top = u.bbox.top;
      var height = u.bbox.height;
      ctx.save();
      series.maintenance.forEach(function (range) {
        var x0 = u.valToPos(range[0] / 1000, 'x', true);
        var x1 = u.valToPos(range[1] / 1000, 'x', true);
        ctx.fillStyle = shade;
        ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
      });
      [data.first, data.last].forEach(function (ms) {
        if (ms === null) return;
        var x = Math.round(u.valToPos(ms / 1000, 'x', true));
        ctx.strokeStyle = marker;
        ctx.setLineDash([6, 4]);
        ctx.lineWidth = 2 * (window.devicePixelRatio || 1);
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, top + height);
        ctx.stroke();
      });
      ctx.restore();
    }

    function pad(n) { return n < 10 ? '0' + n : String(n); }
    // 24-hour clock in the organisation's zone, whatever the browser's.
    function clock(ts) {
      var d = uPlot.tzDate(new Date(ts * 1000), data.zone);
      return pad(d.getHours()) + ':' + pad(d.getMinutes());
    }

    function size() {
      return { width: Math.max(300, holder.clientWidth), height: 320 };
    }

    var options = Object.assign(size(), {
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), data.zone); },
      scales: { x: { time: true } },
      series: [
        { label: data.labels.time, value: function (u, v) { return v == null ? '–' : clock(v); } },
        { label: data.labels.personal, stroke: '#000091', fill: 'rgba(0, 0, 145, 0.08)', width: 2, points: { show: false }, paths: uPlot.paths.stepped({ align: 1 }) },
        { label: data.labels.others, stroke: '#ce0500', fill: 'rgba(206, 5, 0, 0.15)', width: 2, points: { show: false }, paths: uPlot.paths.stepped({ align: 1 }) },
      ],
      axes: [{ values: function (u, splits) { return splits.map(clock); } }, { size: 60 }],
      hooks: { draw: [overlay] },
    });
    var chart = new uPlot(options, [seconds, series.personal, series.others], holder);
    window.addEventListener('resize', function () { chart.setSize(size()); });
  }
})();
