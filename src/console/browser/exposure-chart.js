// Thin glue between the exposure page's data block and uPlot: two series per minute, maintenance windows
// shaded, first and last exposure marked. The page carries the same figures as a table and as text.
(function () {
  'use strict';
  var holder = document.getElementById('exposure-chart');
  var block = document.getElementById('exposure-data');
  if (!holder || !block || typeof window.uPlot !== 'function') return;
  var data = JSON.parse(block.textContent);
  var uPlot = window.uPlot;
  var seconds = data.minutes.map(function (ms) { return ms / 1000; });
  var shade = 'rgba(0, 0, 0, 0.10)';
  var marker = '#3a3a3a';

  function overlay(u) {
    var ctx = u.ctx;
    var top = u.bbox.top;
    var height = u.bbox.height;
    ctx.save();
    data.maintenance.forEach(function (range) {
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
  var chart = new uPlot(options, [seconds, data.personal, data.others], holder);
  window.addEventListener('resize', function () { chart.setSize(size()); });
})();
