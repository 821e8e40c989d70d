// Thin glue between the campaign page and uPlot: the page's data block says where the delivery series is
// (GET …/campaigns/:id/series, kept out of the page's render); this reads it and draws running totals per state
// (handed off, delivered, failed, unknown, silent), one chart for the campaign and one per carrier, anomalies as
// dashed vertical marks, and fills the table that carries the same figures. If the series cannot be read, the
// page says so; its counts and reconciliation do not depend on it.
(function () {
  'use strict';
  var block = document.getElementById('campaign-data');
  var grid = document.getElementById('campaign-charts');
  if (!block || !grid || typeof window.uPlot !== 'function') return;
  var uPlot = window.uPlot;
  var data;
  var colours = { sent: '#000091', delivered: '#18753c', failed: '#ce0500', unknown: '#716043', silent: '#b34000' };

  fetch(JSON.parse(block.textContent).series, { headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' })
    .then(function (res) {
      if (!res.ok) throw new Error(String(res.status));
      return res.json();
    })
    .then(function (body) {
      data = body;
      var intro = document.getElementById('chart-intro');
      if (intro) {
        intro.textContent = data.intro;
        intro.hidden = false;
      }
      draw();
      fill();
      grid.removeAttribute('aria-busy');
    })
    .catch(function () {
      grid.removeAttribute('aria-busy');
      var note = document.getElementById('chart-failed');
      if (note) note.hidden = false;
    });

  function pad(n) { return n < 10 ? '0' + n : String(n); }
  // 24-hour clock in the organisation's zone, whatever the browser's.
  function clock(ts) {
    var d = uPlot.tzDate(new Date(ts * 1000), data.zone);
    return pad(d.getHours()) + ':' + pad(d.getMinutes());
  }

  function clockSeconds(ts) {
    var d = uPlot.tzDate(new Date(ts * 1000), data.zone);
    return clock(ts) + ':' + pad(d.getSeconds());
  }

  function marker(marks) {
    return function (u) {
      var ctx = u.ctx;
      var ratio = window.devicePixelRatio || 1;
      ctx.save();
      ctx.strokeStyle = '#3a3a3a';
      ctx.fillStyle = '#3a3a3a';
      ctx.setLineDash([6, 4]);
      ctx.lineWidth = 2 * ratio;
      ctx.font = (12 * ratio) + 'px Marianne, arial, sans-serif';
      // uPlot leaves the axes' alignment on the context: the label starts right of its mark.
      ctx.textAlign = 'left';
      ctx.textBaseline = 'top';
      marks.forEach(function (mark) {
        var x = Math.round(u.valToPos(mark.at / 1000, 'x', true));
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
        ctx.fillText(mark.label, x + 4 * ratio, u.bbox.top + 2 * ratio);
      });
      ctx.restore();
    };
  }

  // Text set as text (never as markup); times as the server wrote them for people.
  function fill() {
    var rows = document.getElementById('chart-rows');
    var table = document.getElementById('chart-table');
    if (!rows || !table) return;
    var keys = data.receipts ? ['sent', 'delivered', 'failed', 'unknown', 'silent'] : ['sent', 'delivered', 'failed', 'unknown'];
    data.rows.forEach(function (row) {
      var tr = document.createElement('tr');
      var td = document.createElement('td');
      var time = document.createElement('time');
      time.setAttribute('datetime', row.at);
      time.textContent = row.text;
      td.appendChild(time);
      tr.appendChild(td);
      keys.forEach(function (key) {
        var cell = document.createElement('td');
        cell.textContent = String(row[key]);
        tr.appendChild(cell);
      });
      rows.appendChild(tr);
    });
    table.hidden = false;
  }

  function draw() {
    var seconds = data.times.map(function (ms) { return ms / 1000; });
    var keys = data.receipts ? ['sent', 'delivered', 'failed', 'unknown', 'silent'] : ['sent', 'delivered', 'failed'];
    data.charts.forEach(function (chart, index) {
      // The figure as the page used to render it: the campaign's chart across the row, carriers two by two.
      var figure = document.createElement('figure');
      figure.className = 'fr-m-0 ' + (index === 0 ? 'fr-col-12' : 'fr-col-12 fr-col-lg-6');
      var caption = document.createElement('figcaption');
      caption.className = 'fr-h6 fr-mb-1w';
      caption.textContent = chart.title;
      var holder = document.createElement('div');
      holder.id = chart.id;
      holder.className = 'vigie-chart' + (index === 0 ? '' : ' vigie-chart--small');
      holder.setAttribute('role', 'img');
      holder.setAttribute('aria-label', chart.label);
      figure.appendChild(caption);
      figure.appendChild(holder);
      grid.appendChild(figure);
      var height = index === 0 ? 320 : 240;
      var size = function () { return { width: Math.max(280, holder.clientWidth), height: height }; };
      var series = [{ label: data.labels.time, value: function (u, v) { return v == null ? '–' : clock(v); } }];
      keys.forEach(function (key) {
        series.push({ label: data.labels[key], stroke: colours[key], width: 2, points: { show: false }, paths: uPlot.paths.stepped({ align: 1 }) });
      });
      var options = Object.assign(size(), {
        tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), data.zone); },
        scales: { x: { time: true } },
        series: series,
        // Seconds only when the ticks are closer than a minute (a campaign's first minutes).
        axes: [{ values: function (u, splits) { var fine = splits.length > 1 && splits[1] - splits[0] < 60; return splits.map(fine ? clockSeconds : clock); } }, { size: 60 }],
        hooks: { draw: [marker(chart.marks)] },
      });
      var values = [seconds].concat(keys.map(function (key) { return chart[key]; }));
      var plot = new uPlot(options, values, holder);
      window.addEventListener('resize', function () { plot.setSize(size()); });
    });
  }
})();
