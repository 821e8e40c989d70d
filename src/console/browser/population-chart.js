// Thin glue between the breach page's population block and uPlot: one bar per follow-up status. The page
// carries the same counts as a table (the chart is for those who see it at a glance).
(function () {
  'use strict';
  var holder = document.getElementById('population-chart');
  var block = document.getElementById('population-data');
  if (!holder || !block || typeof window.uPlot !== 'function') return;
  var data = JSON.parse(block.textContent);
  var uPlot = window.uPlot;
  var xs = data.labels.map(function (_label, i) { return i; });

  function size() {
    return { width: Math.max(300, holder.clientWidth), height: 260 };
  }

  var options = Object.assign(size(), {
    legend: { show: false },
    scales: { x: { time: false, range: [-0.5, xs.length - 0.5] }, y: { range: function (_u, _min, max) { return [0, Math.max(1, max) * 1.1]; } } },
    series: [
      {},
      { label: data.series, stroke: '#000091', fill: 'rgba(0, 0, 145, 0.6)', width: 1, points: { show: false }, paths: uPlot.paths.bars({ size: [0.6, 80] }) },
    ],
    axes: [
      { values: function (_u, splits) { return splits.map(function (v) { return data.labels[v] === undefined ? '' : data.labels[v]; }); }, splits: function () { return xs; }, gap: 6 },
      { size: 60 },
    ],
  });
  var chart = new uPlot(options, [xs, data.counts], holder);
  window.addEventListener('resize', function () { chart.setSize(size()); });
})();
