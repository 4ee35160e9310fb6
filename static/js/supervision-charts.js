/* Draws the report charts: each <canvas data-chart="ID"> reads its data from the
   json_script element ID (labels, datasets, type). The table beside each chart
   holds the same figures for screen readers and print. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") {
    return;
  }
  // Colour-blind-safe palette (Okabe–Ito), dark enough on white.
  var COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];
  // Lines that meet stay apart by their markers and dashes, not by colour alone.
  var POINTS = ["circle", "rect", "triangle", "rectRot", "star", "crossRot"];
  var DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3], [], [6, 4]];
  var locale = document.documentElement.lang || "en";

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var bar = data.type === "bar";
    var datasets = data.datasets.map(function (dataset, index) {
      var colour = COLOURS[index % COLOURS.length];
      return {
        label: dataset.label,
        data: dataset.data,
        borderColor: colour,
        backgroundColor: bar ? colour : colour + "33",
        borderWidth: 2,
        borderDash: bar ? [] : DASHES[index % DASHES.length],
        pointStyle: POINTS[index % POINTS.length],
        pointRadius: bar ? 0 : 4,
        tension: 0
      };
    });
    new Chart(canvas, {
      type: data.type,
      data: { labels: data.labels, datasets: datasets },
      options: {
        locale: locale,
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: {
          legend: { display: !bar || datasets.length > 1, position: "bottom", labels: { usePointStyle: true } }
        }
      }
    });
  });
})();
