/* Duban: the dashboard's two charts (Chart.js, vendored in static/vendor): shares completed per month (on time and
   late, stacked) and notices issued per month, the last twelve months. Data from the page's JSON block. */
(function () {
  var data = document.getElementById("dashboard-charts");
  if (!data || !window.Chart) { return; }
  var charts = JSON.parse(data.textContent);
  var labels = charts.months.map(function (m) { return m.slice(0, 4) + "年" + Number(m.slice(5)) + "月"; });
  var common = { responsive: true, maintainAspectRatio: false, animation: false,
                 plugins: { legend: { position: "bottom" } },
                 scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } };
  var done = document.getElementById("chart-on-time");
  if (done) {
    new window.Chart(done, { type: "bar", options: common, data: { labels: labels, datasets: [
      { label: "按时办结", data: charts.on_time, backgroundColor: "#28a745" },
      { label: "逾期办结", data: charts.late, backgroundColor: "#dc3545" }
    ] } });
  }
  var notices = document.getElementById("chart-notices");
  if (notices) {
    new window.Chart(notices, { type: "bar", options: common, data: { labels: labels, datasets: [
      { label: "签发文书", data: charts.notices, backgroundColor: "#007bff" }
    ] } });
  }
})();
