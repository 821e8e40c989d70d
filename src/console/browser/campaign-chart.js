// Thin glue between the campaign page's data block and uPlot: running totals per state (handed off, delivered,
// failed, unknown, silent), one chart for the campaign and one per carrier, anomalies as dashed vertical marks.
// The page carries the same figures as a table and in the reconciliation.
(function () {
  'use strict';
  var block = document.getElementById('campaign-data');
  if (!block || typeof window.uPlot !== 'function') return;
  var data = JSON.parse(block.textContent);
  var uPlot = window.uPlot;
  var seconds = data.times.map(function (ms) { return ms / 1000; });
  var colours = { sent: '#000091', delivered: '#18753c', failed: '#ce0500', unknown: '#716043', silent: '#b34000' };
  var keys = data.receipts ? ['sent', 'delivered', 'failed', 'unknown', 'silent'] : ['sent', 'delivered', 'failed'];

  function pad(n) { return n < 10 ? '0' + n : String(n); }
  // 24-hour clock in the organisation's zone, whatever the browser's.
  function clock(ts) {
    var d = uPlot.tzDate(new Date(ts * 1000), data.zone);
    return pad(d.getHours()) + ':' + pad(d.getMinutes());
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
      marks.forEach(function (mark) {
        var x = Math.round(u.valToPos(mark.at / 1000, 'x', true));
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
        ctx.fillText(mark.label, x + 4 * ratio, u.bbox.top + 14 * ratio);
      });
      ctx.restore();
    };
  }

  data.charts.forEach(function (chart, index) {
    var holder = document.getElementById(chart.id);
    if (!holder) return;
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
      axes: [{ values: function (u, splits) { return splits.map(clock); } }, { size: 60 }],
      hooks: { draw: [marker(chart.marks)] },
    });
    var values = [seconds].concat(keys.map(function (key) { return chart[key]; }));
    var plot = new uPlot(options, values, holder);
    window.addEventListener('resize', function () { plot.setSize(size()); });
  });
})();
